#include "checkers/lin_models.h"

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "engine/base/check.h"
#include "engine/base/status.h"

namespace ekv::checkers {

OpRole Model::Role(const Operation& op) const {
  switch (op.type) {
    case OpType::kOk:
      return OpRole::kCompleted;
    case OpType::kInfo:
      return OpRole::kOpenEnded;
    case OpType::kFail:
      return OpRole::kSkip;
  }
  return OpRole::kSkip;
}

std::optional<Value> Model::PartitionKey(const Operation& op) const {
  return op.key;
}

namespace {

enum class Fn : uint8_t { kRead, kWrite, kCas, kAppend, kDelete };

struct FnName {
  absl::string_view name;
  Fn fn;
};

// One family, three vocabularies.
constexpr FnName kRegisterFns[] = {{"read", Fn::kRead}, {"write", Fn::kWrite}};
constexpr FnName kCasRegisterFns[] = {
    {"read", Fn::kRead}, {"write", Fn::kWrite}, {"cas", Fn::kCas}};
constexpr FnName kKvFns[] = {{"get", Fn::kRead},
                             {"put", Fn::kWrite},
                             {"append", Fn::kAppend},
                             {"delete", Fn::kDelete}};

// An op compiled against the spec's value table.
struct CompiledOp {
  Fn fn = Fn::kRead;
  bool open_ended = false;  // result unknown
  bool cas_failed = false;  // a cas that completed fail: compare mismatched
  uint32_t arg = 0;         // write/put/append value; cas expected
  uint32_t arg2 = 0;        // cas new value
  uint32_t result = 0;      // read result
};

class RegisterSpec : public SequentialSpec {
 public:
  RegisterSpec(const Value& initial, std::optional<Value> key, bool kv)
      : key_(std::move(key)), kv_(kv) {
    initial_ = Intern(initial);
  }

  uint32_t Intern(const Value& v) {
    EKV_CHECK_LT(values_.size(), 1u << 29) << "too many distinct values";
    auto [it, inserted] = ids_.try_emplace(v, values_.size());
    if (inserted) values_.push_back(v);
    return it->second;
  }

  void Add(CompiledOp op) { ops_.push_back(op); }

  // Indexes, for MayReach, which ops can produce each read's result, and
  // finds the open-ended ops nothing can observe.
  void Finalize() {
    const int n = static_cast<int>(ops_.size());
    for (int i = 0; i < n; ++i) {
      const CompiledOp& op = ops_[i];
      if (op.fn == Fn::kDelete) resets_.push_back(i);
      if (op.fn == Fn::kWrite) setters_.push_back(i);
      if (op.fn == Fn::kCas && !op.cas_failed) setters_.push_back(i);
      if (op.fn == Fn::kAppend) has_append_ = true;
    }
    FindUnobservable();
    producers_.resize(n);
    const auto written = [this](int s) {
      const CompiledOp& setter = ops_[s];
      return setter.fn == Fn::kCas ? setter.arg2 : setter.arg;
    };
    if (!has_append_) {
      // Values are interned, so a read's producers are the setters of its
      // value's id, in order.
      std::vector<std::vector<int>> setters_of(values_.size());
      for (int s : setters_) {
        std::vector<int>& of = setters_of[written(s)];
        if (of.size() <= kProducersMax) of.push_back(s);
      }
      for (int i = 0; i < n; ++i) {
        if (ops_[i].fn == Fn::kRead) producers_[i] = setters_of[ops_[i].result];
      }
      return;
    }
    for (int i = 0; i < n; ++i) {
      if (ops_[i].fn != Fn::kRead) continue;
      const uint32_t r = ops_[i].result;
      for (int s : setters_) {
        const uint32_t v = written(s);
        if (v == r || IsPrefix(values_[v], values_[r])) {
          producers_[i].push_back(s);
        }
        if (producers_[i].size() > kProducersMax) break;
      }
    }
  }

  uint64_t InitialState() override { return initial_; }

  bool Step(uint64_t state, int i, uint64_t* next) override {
    const CompiledOp& op = ops_[i];
    switch (op.fn) {
      case Fn::kRead:
        *next = state;
        return state == op.result;
      case Fn::kWrite:
        *next = op.arg;
        return true;
      case Fn::kDelete:
        *next = nil_id();
        return true;
      case Fn::kCas:
        if (op.open_ended) {
          *next = state == op.arg ? op.arg2 : state;
          return true;
        }
        *next = op.cas_failed ? state : op.arg2;
        return (state == op.arg) != op.cas_failed;
      case Fn::kAppend:
        return AppendOrSkip(state, op, next);
    }
    return false;
  }

  bool ReadOnly(int i) const override {
    const CompiledOp& op = ops_[i];
    return op.fn == Fn::kRead || (op.fn == Fn::kCas && op.cas_failed);
  }

  uint64_t EffectId(int i) const override {
    const CompiledOp& op = ops_[i];
    uint64_t id = static_cast<uint64_t>(op.fn) | (op.open_ended ? 8 : 0) |
                  (op.cas_failed ? 16 : 0);
    uint64_t data = op.fn == Fn::kRead ? op.result : op.arg;
    return id | (data << 5) | (static_cast<uint64_t>(op.arg2) << 34);
  }

  bool Unobservable(int i) const override {
    return !unobservable_.empty() && unobservable_[i];
  }

  bool MayReach(uint64_t state, int i,
                const uint64_t* linearized) const override {
    const CompiledOp& op = ops_[i];
    if (op.fn != Fn::kRead) return true;
    auto done = [&](int j) { return (linearized[j / 64] >> (j % 64)) & 1; };
    if (producers_[i].size() > kProducersMax ||
        resets_.size() > kProducersMax) {
      return true;
    }
    for (int j : resets_) {
      if (!done(j)) return true;  // a delete, then appends: too many ways
    }
    if (has_append_ && IsPrefix(values_[state], values_[op.result])) {
      return true;
    }
    for (int j : producers_[i]) {
      if (!done(j)) return true;
    }
    return false;
  }

  std::string DescribeState(uint64_t state) const override {
    std::string where = key_.has_value()
                            ? absl::StrCat("key ", key_->ToText())
                            : std::string(kv_ ? "the map" : "the register");
    return absl::StrCat(where, " holds ", values_[state].ToText());
  }

  std::string WhyNot(uint64_t state, int i) const override {
    const CompiledOp& op = ops_[i];
    const std::string holds = values_[state].ToText();
    switch (op.fn) {
      case Fn::kRead:
        return absl::StrCat("it read ", values_[op.result].ToText(),
                            " but the value was ", holds);
      case Fn::kCas:
        if (op.cas_failed) {
          return absl::StrCat("it failed but the value was the expected ",
                              holds);
        }
        return absl::StrCat("it expected ", values_[op.arg].ToText(),
                            " but the value was ", holds);
      case Fn::kAppend:
        return absl::StrCat("it appends to ", holds, ", which is not a string");
      default:
        return "it cannot fail";
    }
  }

 private:
  uint32_t nil_id() {
    if (nil_ == UINT32_MAX) nil_ = Intern(Value::Nil());
    return nil_;
  }

  bool Append(uint64_t state, const CompiledOp& op, uint64_t* next) {
    uint64_t memo_key = (state << 32) | op.arg;
    if (auto it = appended_.find(memo_key); it != appended_.end()) {
      *next = it->second;
      return it->second != UINT32_MAX;
    }
    const Value& current = values_[state];
    uint32_t result = UINT32_MAX;
    if (current.is_nil()) {
      result = op.arg;
    } else if (current.is_string()) {
      result = Intern(Value::String(
          absl::StrCat(current.string_view(), values_[op.arg].string_view())));
    }
    appended_.emplace(memo_key, result);
    *next = result;
    return result != UINT32_MAX;
  }

  // An append to a non-string value cannot succeed; one whose outcome is
  // unknown may therefore be taken as having changed nothing.
  bool AppendOrSkip(uint64_t state, const CompiledOp& op, uint64_t* next) {
    if (Append(state, op, next)) return true;
    if (!op.open_ended) return false;
    *next = state;
    return true;
  }

  // An open-ended write (or cas, or put) of a value no completed read returns
  // and no cas expects: dropping it changes only states nobody reads, unless
  // a failed cas needed the register to differ from its expected value. An
  // open-ended append of a string that no completed read contains, or a put
  // of one that no read starts with, likewise.
  void FindUnobservable() {
    const int n = static_cast<int>(ops_.size());
    std::vector<uint32_t> observed;
    std::vector<absl::string_view> reads;
    bool failed_cas = false;
    for (const CompiledOp& op : ops_) {
      if (op.fn == Fn::kRead) {
        observed.push_back(op.result);
        if (values_[op.result].is_string()) {
          reads.push_back(values_[op.result].string_view());
        }
      }
      if (op.fn == Fn::kCas) observed.push_back(op.arg);
      failed_cas |= op.cas_failed;
    }
    std::sort(observed.begin(), observed.end());
    // Bounds the substring searches below, in bytes compared.
    constexpr uint64_t kSearchBytesMax = 1 << 26;
    uint64_t searched = 0;
    unobservable_.assign(n, false);
    for (int i = 0; i < n; ++i) {
      const CompiledOp& op = ops_[i];
      if (!op.open_ended) continue;
      const uint32_t value = op.fn == Fn::kCas ? op.arg2 : op.arg;
      if (op.fn == Fn::kAppend || (has_append_ && op.fn == Fn::kWrite)) {
        const Value& v = values_[value];
        if (!v.is_string() || v.string_view().empty()) continue;
        bool seen = false;
        for (absl::string_view r : reads) {
          searched += r.size();
          seen |= op.fn == Fn::kAppend
                      ? r.find(v.string_view()) != absl::string_view::npos
                      : absl::StartsWith(r, v.string_view());
          if (seen) break;
        }
        unobservable_[i] = !seen && searched <= kSearchBytesMax;
      } else if ((op.fn == Fn::kWrite || op.fn == Fn::kCas) && !failed_cas &&
                 !has_append_) {
        unobservable_[i] =
            !std::binary_search(observed.begin(), observed.end(), value);
      }
    }
  }

  // Whether appends can turn `from` into `to`: nil and strings that `to`
  // starts with.
  static bool IsPrefix(const Value& from, const Value& to) {
    if (!to.is_string()) return false;
    if (from.is_nil()) return true;
    if (!from.is_string()) return false;
    const absl::string_view a = from.string_view();
    const absl::string_view b = to.string_view();
    return a.size() <= b.size() && b.compare(0, a.size(), a) == 0;
  }

  // Above this many candidate producers MayReach stops looking (answers true).
  static constexpr size_t kProducersMax = 64;

  std::optional<Value> key_;
  bool kv_;
  bool has_append_ = false;
  std::vector<int> resets_;         // deletes
  std::vector<int> setters_;        // writes, puts, and cas that succeeded
  std::vector<bool> unobservable_;  // per op: see FindUnobservable
  std::vector<std::vector<int>> producers_;  // per read: setters that may lead
                                             // to its result
  uint32_t initial_ = 0;
  uint32_t nil_ = UINT32_MAX;
  std::vector<Value> values_;
  absl::flat_hash_map<Value, uint32_t> ids_;  // lookups only, never iterated
  absl::flat_hash_map<uint64_t, uint32_t> appended_;  // (state, arg) -> state
  std::vector<CompiledOp> ops_;
};

class RegisterFamilyModel : public Model {
 public:
  RegisterFamilyModel(absl::string_view name, const FnName* fns, size_t n,
                      bool key_required, Value initial)
      : name_(name),
        fns_(fns, fns + n),
        key_required_(key_required),
        initial_(std::move(initial)) {}

  absl::string_view name() const override { return name_; }

  absl::Status Validate(const Operation& op) const override {
    auto fail = [&](absl::string_view why) {
      return InvalidRequestError(
          absl::StrCat(op.Where(), ": ", op.Describe(), ": ", why));
    };
    const FnName* fn = Lookup(op.f);
    if (fn == nullptr) {
      std::string known;
      for (const FnName& f : fns_) absl::StrAppend(&known, " ", f.name);
      return fail(absl::StrCat("the ", name_, " model knows only:", known));
    }
    if (key_required_ && !op.key.has_value()) return fail("a key is required");
    if (fn->fn == Fn::kCas &&
        (!op.value.is_list() || op.value.list().size() != 2)) {
      return fail("cas takes [expected, new]");
    }
    if (fn->fn == Fn::kAppend && !op.value.is_string()) {
      return fail("append takes a string");
    }
    return absl::OkStatus();
  }

  OpRole Role(const Operation& op) const override {
    Fn fn = Lookup(op.f)->fn;
    if (fn == Fn::kRead && op.type != OpType::kOk) return OpRole::kSkip;
    if (fn == Fn::kCas && op.type == OpType::kFail && op.error.empty()) {
      return OpRole::kCompleted;  // the compare failed: a read of sorts
    }
    return Model::Role(op);
  }

  std::unique_ptr<SequentialSpec> Compile(
      const std::vector<PartOp>& ops) const override {
    std::optional<Value> key;
    if (!ops.empty()) key = PartitionKey(*ops.front().op);
    auto spec = std::make_unique<RegisterSpec>(initial_, key, key_required_);
    for (const PartOp& part : ops) {
      const Operation& op = *part.op;
      CompiledOp c;
      c.fn = Lookup(op.f)->fn;
      c.open_ended = part.role == OpRole::kOpenEnded;
      c.cas_failed = c.fn == Fn::kCas && op.type == OpType::kFail;
      switch (c.fn) {
        case Fn::kRead:
          c.result = spec->Intern(op.result);
          break;
        case Fn::kWrite:
        case Fn::kAppend:
          c.arg = spec->Intern(op.value);
          break;
        case Fn::kCas:
          c.arg = spec->Intern(op.value.list()[0]);
          c.arg2 = spec->Intern(op.value.list()[1]);
          break;
        case Fn::kDelete:
          break;
      }
      spec->Add(c);
    }
    spec->Finalize();
    return spec;
  }

 private:
  const FnName* Lookup(absl::string_view f) const {
    for (const FnName& fn : fns_) {
      if (fn.name == f) return &fn;
    }
    return nullptr;
  }

  std::string name_;
  std::vector<FnName> fns_;
  bool key_required_;
  Value initial_;
};

}  // namespace

std::unique_ptr<Model> MakeRegisterModel(Value initial) {
  return std::make_unique<RegisterFamilyModel>("register", kRegisterFns,
                                               std::size(kRegisterFns), false,
                                               std::move(initial));
}

std::unique_ptr<Model> MakeCasRegisterModel(Value initial) {
  return std::make_unique<RegisterFamilyModel>("cas-register", kCasRegisterFns,
                                               std::size(kCasRegisterFns),
                                               false, std::move(initial));
}

std::unique_ptr<Model> MakeKvModel(Value initial) {
  return std::make_unique<RegisterFamilyModel>("kv", kKvFns, std::size(kKvFns),
                                               true, std::move(initial));
}

}  // namespace ekv::checkers
