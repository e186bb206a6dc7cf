// RapidCheck: the store against a simple model, checked at every timestamp.
//
// The model keeps the whole key->value map after every commit, so a read at
// ts is "the map of the last commit at or below ts, minus what has expired by
// ts". It knows nothing of versions, so it checks the store's version logic,
// its compaction (reads at ts >= the compaction point must not change) and
// its snapshots (operations continue on the restored copy).
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "engine/base/status.h"
#include "engine/mvcc/encoding.h"
#include "engine/mvcc/store.h"
#include "gtest/gtest.h"
#include "rapidcheck.h"
#include "rapidcheck/gtest.h"

namespace ekv::mvcc {
namespace {

const std::vector<std::string> kKeys = {"a", "ab", "abc", "b", "ba", "c"};
const std::vector<std::string> kBounds = {"", "a", "ab", "b", "bb", "c", "d"};

struct Entry {
  std::string value;
  uint64_t expire_at = 0;
};
using Map = std::map<std::string, Entry>;

class Model {
 public:
  Map StateAt(uint64_t ts) const {
    Map visible;
    for (auto it = history_.rbegin(); it != history_.rend(); ++it) {
      if (it->first > ts) continue;
      for (const auto& [key, entry] : it->second) {
        if (entry.expire_at == 0 || ts < entry.expire_at) visible[key] = entry;
      }
      break;
    }
    return visible;
  }
  Map Current() const {
    return history_.empty() ? Map() : history_.back().second;
  }
  void Commit(uint64_t ts, Map next, const std::vector<std::string>& written) {
    history_.emplace_back(ts, std::move(next));
    for (const auto& key : written) latest_[key] = ts;
  }
  bool Conflicts(const std::vector<std::string>& keys,
                 uint64_t start_ts) const {
    for (const auto& key : keys) {
      auto it = latest_.find(key);
      if (it != latest_.end() && it->second > start_ts) return true;
    }
    return false;
  }

  uint64_t compacted = 0;

 private:
  std::vector<std::pair<uint64_t, Map>> history_;
  std::map<std::string, uint64_t> latest_;
};

struct OpSpec {
  int kind = 0;
  int key = 0;
  int key2 = 0;
  int value = 0;
  int gap = 1;
  int extra = 0;
};

std::vector<KvPair> ModelScan(const Map& state, const std::string& start,
                              const std::string& end, int limit, bool reverse) {
  std::vector<KvPair> all;
  for (const auto& [key, entry] : state) {
    if (key >= start && (end.empty() || key < end)) {
      all.push_back({key, entry.value});
    }
  }
  if (reverse) std::reverse(all.begin(), all.end());
  if (static_cast<int>(all.size()) > limit) all.resize(limit);
  return all;
}

void CheckReadsAt(const Store& store, const Model& model, uint64_t ts) {
  if (ts < model.compacted) {
    RC_ASSERT(
        IsErrorKind(store.GetAt("a", ts).status(), ErrorKind::kCompacted));
    RC_ASSERT(IsErrorKind(store.ScanAt("", "", 5, ts).status(),
                          ErrorKind::kCompacted));
    return;
  }
  const Map state = model.StateAt(ts);
  for (const auto& key : kKeys) {
    const auto got = store.GetAt(key, ts);
    RC_ASSERT(got.ok());
    const auto it = state.find(key);
    if (it == state.end()) {
      RC_ASSERT(!got->has_value());
    } else {
      RC_ASSERT(got->has_value());
      RC_ASSERT(**got == it->second.value);
    }
    RC_ASSERT(*store.ExistsAt(key, ts) == (it != state.end()));
  }
  for (const auto& start : kBounds) {
    for (const auto& end : kBounds) {
      for (int limit : {1, 2, 10}) {
        RC_ASSERT(*store.ScanAt(start, end, limit, ts) ==
                  ModelScan(state, start, end, limit, false));
        RC_ASSERT(*store.ReverseScanAt(start, end, limit, ts) ==
                  ModelScan(state, start, end, limit, true));
      }
    }
  }
}

void RunOp(std::unique_ptr<Store>& store, Model& model, const OpSpec& op,
           uint64_t& ts) {
  ts += op.gap;
  const std::string& key = kKeys[op.key];
  const std::string value = "v" + std::to_string(op.value);
  Map next = model.Current();
  switch (op.kind) {
    case 0: {  // put, sometimes with a TTL
      const uint64_t expire_at = op.extra % 2 == 0 ? 0 : ts + op.extra;
      RC_ASSERT(store->PutWithTTLAt(key, value, ts, expire_at).ok());
      next[key] = Entry{value, expire_at};
      model.Commit(ts, next, {key});
      break;
    }
    case 1:
      RC_ASSERT(store->DeleteAt(key, ts).ok());
      next.erase(key);
      model.Commit(ts, next, {key});
      break;
    case 2: {  // expire
      const uint64_t expire_at = op.extra % 3 == 0 ? 0 : ts + op.extra;
      const Map visible = model.StateAt(ts);
      const bool found = visible.count(key) > 0;
      RC_ASSERT(*store->ExpireAt(key, expire_at, ts) == found);
      if (found) {
        next[key] = Entry{visible.at(key).value, expire_at};
        model.Commit(ts, next, {key});
      }
      break;
    }
    case 3: {  // delete prefix, excluding a longer prefix
      const std::string prefix = key.substr(0, 1);
      const std::string exclude = op.extra % 2 == 0 ? "" : kKeys[op.key2];
      std::vector<std::string> written;
      for (const auto& [k, entry] : model.StateAt(ts)) {
        if (absl::StartsWith(k, prefix) &&
            (exclude.empty() || !absl::StartsWith(k, exclude))) {
          written.push_back(k);
          next.erase(k);
        }
      }
      auto deleted = store->DeletePrefixAt(prefix, exclude, ts);
      RC_ASSERT(deleted.ok());
      RC_ASSERT(*deleted == static_cast<int64_t>(written.size()));
      if (!written.empty()) model.Commit(ts, next, written);
      break;
    }
    case 4:
    case 5: {  // a transaction: write key, read key2, from a random start
      const uint64_t start_ts = std::max<uint64_t>(
          model.compacted, ts > 1u + op.extra ? ts - 1 - op.extra : 0);
      const std::string& read_key = kKeys[op.key2];
      std::vector<Mutation> muts;
      if (op.kind == 4) {
        muts.push_back({MutationOp::kPut, key, value, 0});
        next[key] = Entry{value, 0};
      } else {
        muts.push_back({MutationOp::kDelete, key, "", 0});
        next.erase(key);
      }
      const absl::Status status =
          store->ApplyMutations(muts, {read_key}, start_ts, ts);
      if (model.Conflicts({key, read_key}, start_ts)) {
        RC_ASSERT(IsErrorKind(status, ErrorKind::kWriteConflict));
      } else {
        RC_ASSERT(status.ok());
        model.Commit(ts, next, {key});
      }
      break;
    }
    case 6: {  // compaction somewhere below now
      const uint64_t min_ts =
          ts > static_cast<uint64_t>(op.extra) ? ts - op.extra : 0;
      store->Compact(min_ts);
      model.compacted = std::max(model.compacted, min_ts);
      RC_ASSERT(store->compacted_ts() == model.compacted);
      break;
    }
    case 8: {  // a transaction appending to key (after a put when extra is
               // odd), reading key2
      const uint64_t start_ts = std::max<uint64_t>(
          model.compacted, ts > 1u + op.extra ? ts - 1 - op.extra : 0);
      const std::string& read_key = kKeys[op.key2];
      std::vector<Mutation> muts;
      Entry entry;
      const Map before = model.StateAt(ts);
      if (before.count(key) > 0) entry = before.at(key);
      if (op.extra % 2 == 1) {
        muts.push_back({MutationOp::kPut, key, value, 0});
        entry = Entry{value, 0};
      }
      muts.push_back({MutationOp::kAppend, key, "+" + value, 0});
      muts.push_back({MutationOp::kAppend, key, "+", 0});
      entry.value += "+" + value + "+";
      next[key] = entry;
      const absl::Status status =
          store->ApplyMutations(muts, {read_key}, start_ts, ts);
      if (model.Conflicts({key, read_key}, start_ts)) {
        RC_ASSERT(IsErrorKind(status, ErrorKind::kWriteConflict));
      } else {
        RC_ASSERT(status.ok());
        model.Commit(ts, next, {key});
      }
      break;
    }
    case 7: {  // snapshot round trip; carry on with the copy
      auto copy = std::make_unique<Store>();
      std::string framed = "prefix";
      store->AppendSnapshot(&framed, 8);
      std::string expected = "prefix";
      PutLengthPrefixed(&expected, store->Snapshot());
      RC_ASSERT(framed == expected);
      RC_ASSERT(copy->Restore(store->Snapshot()).ok());
      RC_ASSERT(copy->StateHash() == store->StateHash());
      store = std::move(copy);
      break;
    }
  }
}

RC_GTEST_PROP(MvccStoreModel, ReadsMatchTheModelAtEveryTimestamp, ()) {
  const auto gen_op = rc::gen::build<OpSpec>(
      rc::gen::set(&OpSpec::kind, rc::gen::inRange(0, 9)),
      rc::gen::set(&OpSpec::key, rc::gen::inRange(0, 6)),
      rc::gen::set(&OpSpec::key2, rc::gen::inRange(0, 6)),
      rc::gen::set(&OpSpec::value, rc::gen::inRange(0, 4)),
      rc::gen::set(&OpSpec::gap, rc::gen::inRange(1, 4)),
      rc::gen::set(&OpSpec::extra, rc::gen::inRange(0, 12)));
  const auto ops = *rc::gen::container<std::vector<OpSpec>>(gen_op);
  auto store = std::make_unique<Store>();
  Model model;
  uint64_t ts = 0;
  for (const OpSpec& op : ops) {
    RunOp(store, model, op, ts);
    CheckReadsAt(*store, model, ts - op.extra % 3);
  }
  for (uint64_t read_ts = 0; read_ts <= ts + 2; ++read_ts) {
    CheckReadsAt(*store, model, read_ts);
  }
}

}  // namespace
}  // namespace ekv::mvcc
