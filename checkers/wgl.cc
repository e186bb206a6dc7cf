#include "checkers/wgl.h"

#include <algorithm>
#include <cstring>
#include <map>
#include <tuple>
#include <utility>

#include "engine/base/check.h"

namespace ekv::checkers {
namespace {

uint64_t Mix(uint64_t x) {  // splitmix64's finaliser
  x ^= x >> 30;
  x *= 0xbf58476d1ce4e5b9ULL;
  x ^= x >> 27;
  x *= 0x94d049bb133111ebULL;
  x ^= x >> 31;
  return x;
}

// The explored configurations. A configuration is the set of completed ops
// linearized (a bitset), the set of open-ended ops used (another bitset, the
// mask), and the state. One that used a superset of the open-ended ops of an
// explored one, with the same completed set and state, is dominated: it has
// fewer optional choices left and nothing more to show, so it is pruned too
// (subsumption).
//
// Each distinct (completed set, state) is one entry, stored in an arena as
// [hash, state, first mask node, bitset words...] and found through an
// open-addressing table of (32-bit hash tag, entry number). Its masks form a
// linked list of nodes [next node, mask words...] in `masks_`.
class ConfigCache {
 public:
  ConfigCache(size_t words, size_t mask_words)
      : words_(words), stride_(words + 3), mask_words_(mask_words) {
    slots_.assign(64, 0);
  }

  // Adds the configuration; false when it, or one dominating it, is there.
  bool Insert(const uint64_t* bits, const uint64_t* mask, uint64_t state,
              uint64_t hash) {
    if ((keys_ + 1) * 2 > slots_.size()) Grow();
    const size_t table_mask = slots_.size() - 1;
    const uint64_t tag = hash >> 32;
    size_t i = hash & table_mask;
    for (uint64_t slot; (slot = slots_[i]) != 0; i = (i + 1) & table_mask) {
      if ((slot >> 32) != tag) continue;
      uint64_t* entry = Entry(static_cast<uint32_t>(slot) - 1);
      if (entry[1] != state ||
          std::memcmp(entry + 3, bits, words_ * sizeof(uint64_t)) != 0) {
        continue;
      }
      for (uint64_t m = entry[2]; m != 0; m = masks_[m - 1]) {
        if (Subset(&masks_[m], mask)) return false;
      }
      entry[2] = AddMask(mask, entry[2]);
      return true;
    }
    slots_[i] = (tag << 32) | (keys_ + 1);
    arena_.push_back(hash);
    arena_.push_back(state);
    arena_.push_back(AddMask(mask, 0));
    arena_.insert(arena_.end(), bits, bits + words_);
    ++keys_;
    ++masks_count_;
    return true;
  }

  uint64_t entries() const { return masks_count_; }

  uint64_t bytes() const {
    return (arena_.capacity() + slots_.size() + masks_.capacity()) *
           sizeof(uint64_t);
  }

 private:
  bool Subset(const uint64_t* a, const uint64_t* b) const {
    for (size_t w = 0; w < mask_words_; ++w) {
      if ((a[w] & ~b[w]) != 0) return false;
    }
    return true;
  }

  // Appends a node; returns 1 + the index of its first word (0 ends lists).
  uint64_t AddMask(const uint64_t* mask, uint64_t next) {
    masks_.push_back(next);
    const uint64_t node = masks_.size();
    masks_.insert(masks_.end(), mask, mask + mask_words_);
    if (next != 0) ++masks_count_;
    return node;
  }

  uint64_t* Entry(uint64_t e) { return &arena_[e * stride_]; }

  void Grow() {
    std::vector<uint64_t> slots(slots_.size() * 2, 0);
    const size_t table_mask = slots.size() - 1;
    for (uint64_t e = 0; e < keys_; ++e) {
      uint64_t hash = Entry(e)[0];
      size_t i = hash & table_mask;
      while (slots[i] != 0) i = (i + 1) & table_mask;
      slots[i] = ((hash >> 32) << 32) | (e + 1);
    }
    slots_.swap(slots);
  }

  size_t words_;
  size_t stride_;
  size_t mask_words_;
  uint64_t keys_ = 0;         // distinct (completed set, state) entries
  uint64_t masks_count_ = 0;  // configurations stored
  std::vector<uint64_t> arena_;
  std::vector<uint64_t> slots_;
  std::vector<uint64_t> masks_;
};

// The history's events as a doubly linked list that linearized ops are lifted
// out of. Entry 0 is the head, 2n+1 the tail; op i owns entries 2i+1 (call)
// and 2i+2 (return).
class EventList {
 public:
  explicit EventList(const std::vector<SearchOp>& ops) {
    const int n = static_cast<int>(ops.size());
    next_.assign(2 * n + 2, 0);
    prev_.assign(2 * n + 2, 0);
    std::vector<std::tuple<int64_t, int, int>> order;  // (position, op, entry)
    order.reserve(2 * n);
    for (int i = 0; i < n; ++i) {
      order.emplace_back(ops[i].call, i, 2 * i + 1);
      int64_t ret = ops[i].open_ended ? INT64_MAX : ops[i].ret;
      order.emplace_back(ret, i, 2 * i + 2);
    }
    std::sort(order.begin(), order.end());
    int last = 0;
    for (const auto& [position, op, entry] : order) {
      next_[last] = entry;
      prev_[entry] = last;
      last = entry;
    }
    next_[last] = tail();
    prev_[tail()] = last;
  }

  int head() const { return 0; }
  int tail() const { return static_cast<int>(next_.size()) - 1; }
  int next(int e) const { return next_[e]; }
  static bool IsCall(int e) { return (e & 1) == 1; }
  static int OpOf(int e) { return (e - 1) / 2; }

  // Removes op i's call and return entries.
  void Lift(int op) {
    Unlink(2 * op + 1);
    Unlink(2 * op + 2);
  }
  // Puts them back, in the reverse order of Lift.
  void Unlift(int op) {
    Relink(2 * op + 2);
    Relink(2 * op + 1);
  }

 private:
  void Unlink(int e) {
    next_[prev_[e]] = next_[e];
    prev_[next_[e]] = prev_[e];
  }
  void Relink(int e) {
    next_[prev_[e]] = e;
    prev_[next_[e]] = e;
  }

  std::vector<int> next_;
  std::vector<int> prev_;
};

// The longest partial linearization seen, kept incrementally: `valid_` is how
// many of the current stack's first entries equal `best_`'s, so recording a
// longer one copies only what changed since.
class LongestPrefix {
 public:
  void OnPush(size_t depth, int op) {  // depth: stack size before the push
    if (valid_ == depth && depth < best_.size() && best_[depth] == op) ++valid_;
  }
  void OnPop(size_t depth) { valid_ = std::min(valid_, depth); }
  template <typename Stack>
  void Offer(const Stack& stack) {
    if (stack.size() <= best_.size() && !best_.empty()) return;
    best_.resize(stack.size());
    for (size_t i = valid_; i < stack.size(); ++i) best_[i] = stack[i].op;
    valid_ = stack.size();
  }
  const std::vector<int>& best() const { return best_; }

 private:
  std::vector<int> best_;
  size_t valid_ = 0;
};

struct Frame {
  int op;
  uint64_t state;  // the state before the op
  bool forced;     // a read-only op: no alternative to try at this level
};

}  // namespace

class LinearizationSearch::Impl {
 public:
  Impl(SequentialSpec& spec, const std::vector<SearchOp>& ops,
       const SearchBudget& budget)
      : spec_(spec), ops_(ops), budget_(budget), list_(ops) {
    const int n = static_cast<int>(ops.size());
    for (int i = 1; i < n; ++i) EKV_CHECK_LE(ops[i - 1].call, ops[i].call);
    int open_ended = 0;
    for (const SearchOp& op : ops) open_ended += op.open_ended ? 1 : 0;
    int key_bits = 0, mask_bits = 0;
    slot_.resize(n);
    zobrist_.resize(n);
    uint64_t seed = 0x5eed;
    for (int i = 0; i < n; ++i) {
      slot_[i] = ops[i].open_ended ? -1 - mask_bits++ : key_bits++;
      zobrist_[i] = Mix(seed += 0x9e3779b97f4a7c15ULL);
    }
    bits_.assign((n + 63) / 64 + 1, 0);
    key_.assign(std::max((key_bits + 63) / 64, 1), 0);
    mask_.assign(std::max((mask_bits + 63) / 64, 1), 0);
    cache_ = std::make_unique<ConfigCache>(key_.size(), mask_.size());
    read_only_.resize(n);
    unobservable_.resize(n);
    for (int i = 0; i < n; ++i) {
      read_only_[i] = spec.ReadOnly(i);
      unobservable_[i] = ops[i].open_ended && spec.Unobservable(i);
    }
    // Each open-ended op's previous interchangeable op, in call order.
    prev_same_.assign(n, -1);
    std::map<uint64_t, int> last_of_effect;
    for (int i = 0; i < n; ++i) {
      if (!ops[i].open_ended) continue;
      auto [it, inserted] = last_of_effect.try_emplace(spec.EffectId(i), i);
      if (!inserted) prev_same_[i] = std::exchange(it->second, i);
    }
    remaining_ = n - open_ended;
    state_ = spec.InitialState();
    entry_ = list_.next(list_.head());
    if (remaining_ == 0) Finish(SearchOutcome::kLinearizable);
  }

  bool done() const { return done_; }
  const SearchResult& result() const { return result_; }

  bool Run(uint64_t steps) {
    const uint64_t end =
        steps > UINT64_MAX - result_.steps ? UINT64_MAX : result_.steps + steps;
    while (!done_ && result_.steps < end) {
      if (OverBudget()) break;
      Step();
    }
    return done_;
  }

 private:
  bool Linearized(int op) const { return (bits_[op / 64] >> (op % 64)) & 1; }

  // Adds `op` to, or removes it from, the linearized set and the cache key.
  void Toggle(int op) {
    bits_[op / 64] ^= 1ULL << (op % 64);
    const int slot = slot_[op];
    if (slot < 0) {
      mask_[(-1 - slot) / 64] ^= 1ULL << ((-1 - slot) % 64);
    } else {
      key_[slot / 64] ^= 1ULL << (slot % 64);
      hash_ ^= zobrist_[op];
    }
  }

  bool OverBudget() {
    ++result_.steps;
    if (budget_.steps_max != 0 && result_.steps > budget_.steps_max) {
      return Stop("the search step budget ran out");
    }
    if ((result_.steps & 4095) == 0) {
      if (cache_->bytes() > budget_.cache_bytes_max) {
        return Stop("the search cache outgrew its memory budget");
      }
      if (budget_.out_of_time && budget_.out_of_time()) {
        return Stop("the time budget ran out");
      }
    }
    return false;
  }

  bool Stop(const char* reason) {
    result_.unknown_reason = reason;
    longest_.Offer(stack_);
    Finish(SearchOutcome::kUnknown);
    return true;
  }

  // One move: linearize a pending op, try the next one, or backtrack.
  void Step() {
    if (fresh_) {
      fresh_ = false;
      if (TryReadOnly()) return;
      entry_ = list_.next(list_.head());
    }
    EKV_CHECK_NE(entry_, list_.tail()) << "a completed op's return comes first";
    if (!EventList::IsCall(entry_)) return Backtrack();
    const int op = EventList::OpOf(entry_);
    uint64_t next;
    // Read-only ops were all tried by TryReadOnly in this configuration.
    // Of interchangeable open-ended ops, only the earliest unused one is tried;
    // one that changes nothing would lead to a configuration this one
    // dominates; one nobody can observe is left for the end.
    const int prev = prev_same_[op];
    if (!read_only_[op] && !unobservable_[op] &&
        (prev < 0 || Linearized(prev)) && spec_.Step(state_, op, &next) &&
        (next != state_ || !ops_[op].open_ended) && Push(op, next, false)) {
      return;
    }
    entry_ = list_.next(entry_);
  }

  // In a new configuration, first linearizes a pending read-only op that fits
  // (see SequentialSpec::ReadOnly). True when it moved.
  // A pending read-only op that can never apply again makes the configuration
  // dead: it moves back at once. True when it moved.
  bool TryReadOnly() {
    for (int e = list_.next(list_.head()); EventList::IsCall(e);
         e = list_.next(e)) {
      const int op = EventList::OpOf(e);
      if (!read_only_[op]) continue;
      uint64_t next;
      if (spec_.Step(state_, op, &next)) {
        // This configuration succeeds iff it succeeds with `op` first.
        if (!Push(op, next, true)) Backtrack();
        return true;
      }
      if (!ops_[op].open_ended && !spec_.MayReach(state_, op, bits_.data())) {
        Backtrack();
        return true;
      }
    }
    return false;
  }

  // Linearizes `op` unless the configuration it leads to was explored.
  bool Push(int op, uint64_t next, bool forced) {
    Toggle(op);
    if (!cache_->Insert(key_.data(), mask_.data(), next, hash_ ^ Mix(next))) {
      Toggle(op);
      return false;
    }
    longest_.OnPush(stack_.size(), op);
    stack_.push_back({op, state_, forced});
    state_ = next;
    list_.Lift(op);
    if (!ops_[op].open_ended && --remaining_ == 0) {
      Finish(SearchOutcome::kLinearizable);
    }
    fresh_ = true;
    return true;
  }

  // This configuration has no linearization: undo the last free choice.
  void Backtrack() {
    longest_.Offer(stack_);
    Frame top;
    do {
      if (stack_.empty()) return Finish(SearchOutcome::kNotLinearizable);
      top = stack_.back();
      stack_.pop_back();
      longest_.OnPop(stack_.size());
      list_.Unlift(top.op);
      Toggle(top.op);
      state_ = top.state;
      remaining_ += ops_[top.op].open_ended ? 0 : 1;
    } while (top.forced);
    entry_ = list_.next(2 * top.op + 1);
    fresh_ = false;
  }

  void Finish(SearchOutcome outcome) {
    done_ = true;
    result_.outcome = outcome;
    result_.cache_entries = cache_->entries();
    result_.cache_bytes = cache_->bytes();
    result_.order.clear();
    if (outcome != SearchOutcome::kLinearizable) {
      result_.order = longest_.best();
      return;
    }
    for (const Frame& f : stack_) result_.order.push_back(f.op);
    for (int i = 0; i < static_cast<int>(ops_.size()); ++i) {
      if (ops_[i].open_ended && !Linearized(i)) result_.order.push_back(i);
    }
  }

  SequentialSpec& spec_;
  const std::vector<SearchOp>& ops_;
  const SearchBudget& budget_;
  EventList list_;
  std::vector<uint64_t> bits_;  // every linearized op
  std::vector<int> slot_;       // op -> key bit, or -1 - its mask bit
  std::vector<uint64_t> key_;   // linearized completed ops
  std::vector<uint64_t> mask_;  // linearized open-ended ops
  std::vector<uint64_t> zobrist_;
  std::vector<bool> read_only_;
  std::vector<bool> unobservable_;  // see SequentialSpec::Unobservable
  std::vector<int> prev_same_;      // see SequentialSpec::EffectId
  std::unique_ptr<ConfigCache> cache_;
  std::vector<Frame> stack_;
  LongestPrefix longest_;
  SearchResult result_;
  uint64_t state_ = 0;
  uint64_t hash_ = 0;
  int remaining_ = 0;  // completed ops not yet linearized
  int entry_ = 0;
  bool fresh_ = true;  // a new configuration: try read-only ops first
  bool done_ = false;
};

LinearizationSearch::LinearizationSearch(SequentialSpec& spec,
                                         const std::vector<SearchOp>& ops,
                                         const SearchBudget& budget)
    : impl_(std::make_unique<Impl>(spec, ops, budget)) {}

LinearizationSearch::~LinearizationSearch() = default;

bool LinearizationSearch::Run(uint64_t steps) { return impl_->Run(steps); }
bool LinearizationSearch::done() const { return impl_->done(); }
const SearchResult& LinearizationSearch::result() const {
  return impl_->result();
}

SearchResult SearchLinearization(SequentialSpec& spec,
                                 const std::vector<SearchOp>& ops,
                                 const SearchBudget& budget) {
  LinearizationSearch search(spec, ops, budget);
  while (!search.Run(UINT64_MAX)) {
  }
  return search.result();
}

}  // namespace ekv::checkers
