#include "engine/txn/txn_apply.h"

#include <cstring>
#include <vector>

#include "absl/container/btree_set.h"
#include "absl/strings/str_cat.h"
#include "engine/base/status.h"
#include "engine/hlc/hlc.h"
#include "engine/txn/txn_keys.h"

namespace ekv::txn {
namespace {

using mvcc::Mutation;
using mvcc::MutationOp;

absl::Status CheckUserKeys(absl::Span<const Mutation> mutations) {
  if (mutations.empty())
    return InvalidRequestError("transaction writes nothing");
  for (const Mutation& mutation : mutations) {
    if (mutation.key.empty()) return InvalidRequestError("empty key");
    if (IsTxnInternalKey(mutation.key)) {
      return InvalidRequestError("transactions may not write !txn| keys");
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<bool> RecordExists(const mvcc::Store& store,
                                  const std::string& key) {
  return store.ExistsAt(key, mvcc::kMaxTimestamp);
}

// The commit timestamp recorded for (primary, start_ts), if any.
absl::StatusOr<std::optional<uint64_t>> CommitRecord(const mvcc::Store& store,
                                                     const TxnMeta& meta,
                                                     uint64_t start_ts) {
  EKV_ASSIGN_OR_RETURN(auto bytes,
                       store.GetAt(TxnCommitKey(meta.primary_key, start_ts),
                                   mvcc::kMaxTimestamp));
  if (!bytes.has_value()) return std::optional<uint64_t>();
  EKV_ASSIGN_OR_RETURN(uint64_t commit_ts, DecodeTxnCommitRecord(*bytes));
  return std::optional<uint64_t>(commit_ts);
}

Mutation Put(std::string key, std::string value) {
  return Mutation{MutationOp::kPut, std::move(key), std::move(value), 0};
}

Mutation Delete(std::string key) {
  return Mutation{MutationOp::kDelete, std::move(key), std::string(), 0};
}

// Mutations that resolve one key's lock of transaction start_ts: for a
// commit, the intent's write at the commit timestamp; always, the removal of
// lock and intent.
absl::Status ResolveKey(const mvcc::Store& store, const std::string& key,
                        uint64_t start_ts, bool commit,
                        std::vector<Mutation>* out) {
  EKV_ASSIGN_OR_RETURN(auto lock, LockOf(store, key));
  if (!lock.has_value() || lock->start_ts != start_ts) return absl::OkStatus();
  if (commit) {
    EKV_ASSIGN_OR_RETURN(auto bytes,
                         store.GetAt(TxnIntentKey(key), mvcc::kMaxTimestamp));
    if (!bytes.has_value()) return CorruptionError("txn lock without intent");
    EKV_ASSIGN_OR_RETURN(TxnIntent intent, DecodeTxnIntent(*bytes));
    out->push_back(intent.op == IntentOp::kPut ? Put(key, intent.value)
                                               : Delete(key));
  }
  out->push_back(Delete(TxnLockKey(key)));
  out->push_back(Delete(TxnIntentKey(key)));
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::optional<TxnLock>> LockOf(const mvcc::Store& store,
                                              absl::string_view key) {
  // Every key a transaction writes or reads is looked up here, and most have
  // no lock: the lock key of a key of ordinary size is built on the stack.
  char inline_key[128];
  std::string heap_key;
  absl::string_view lock_key;
  if (kTxnLockPrefix.size() + key.size() <= sizeof(inline_key)) {
    std::memcpy(inline_key, kTxnLockPrefix.data(), kTxnLockPrefix.size());
    if (!key.empty()) {
      std::memcpy(inline_key + kTxnLockPrefix.size(), key.data(), key.size());
    }
    lock_key =
        absl::string_view(inline_key, kTxnLockPrefix.size() + key.size());
  } else {
    heap_key = TxnLockKey(key);
    lock_key = heap_key;
  }
  EKV_ASSIGN_OR_RETURN(auto bytes, store.GetAt(lock_key, mvcc::kMaxTimestamp));
  if (!bytes.has_value()) return std::optional<TxnLock>();
  EKV_ASSIGN_OR_RETURN(TxnLock lock, DecodeTxnLock(*bytes));
  return std::optional<TxnLock>(std::move(lock));
}

absl::Status CheckReadable(const mvcc::Store& store, absl::string_view key,
                           uint64_t read_ts) {
  EKV_ASSIGN_OR_RETURN(auto lock, LockOf(store, key));
  if (lock.has_value() && lock->start_ts <= read_ts) {
    return TxnLockedError(key, absl::StrCat("start_ts=", lock->start_ts,
                                            " primary=", lock->primary_key));
  }
  return absl::OkStatus();
}

absl::Status CheckUnlocked(const mvcc::Store& store, absl::string_view key) {
  EKV_ASSIGN_OR_RETURN(auto lock, LockOf(store, key));
  if (lock.has_value()) {
    return TxnLockedError(key, absl::StrCat("start_ts=", lock->start_ts,
                                            " primary=", lock->primary_key));
  }
  return absl::OkStatus();
}

absl::Status ApplyOnePhase(mvcc::Store& store,
                           absl::Span<const Mutation> mutations,
                           absl::Span<const std::string> read_keys,
                           uint64_t start_ts, uint64_t commit_ts) {
  if (commit_ts <= start_ts) {
    return InvalidRequestError("txn commit ts required above the start ts");
  }
  EKV_RETURN_IF_ERROR(CheckUserKeys(mutations));
  for (const Mutation& mutation : mutations) {
    EKV_RETURN_IF_ERROR(CheckUnlocked(store, mutation.key));
  }
  for (const std::string& key : read_keys) {
    EKV_RETURN_IF_ERROR(CheckUnlocked(store, key));
  }
  return store.ApplyMutations(mutations, read_keys, start_ts, commit_ts);
}

absl::Status ApplyPrepare(mvcc::Store& store, const TxnMeta& meta,
                          absl::Span<const Mutation> mutations,
                          absl::Span<const std::string> read_keys,
                          uint64_t start_ts) {
  if (meta.primary_key.empty()) {
    return InvalidRequestError("txn primary key required");
  }
  EKV_RETURN_IF_ERROR(CheckUserKeys(mutations));
  EKV_ASSIGN_OR_RETURN(
      bool rolled_back,
      RecordExists(store, TxnRollbackKey(meta.primary_key, start_ts)));
  if (rolled_back) return TxnAlreadyAbortedError();
  const TxnLock base{start_ts, hlc::PhysicalMs(start_ts) + meta.lock_ttl_ms,
                     meta.primary_key, false};
  std::vector<Mutation> records;
  std::vector<std::string> checked(read_keys.begin(), read_keys.end());
  // Appends resolve against the state at start_ts: the lock keeps the key
  // unchanged from here until the commit.
  for (const Mutation& mutation : store.Resolve(mutations, start_ts)) {
    const std::string& key = mutation.key;
    EKV_ASSIGN_OR_RETURN(auto lock, LockOf(store, key));
    if (lock.has_value()) {
      if (lock->start_ts == start_ts) continue;  // a retry of this prepare
      return TxnLockedError(key, absl::StrCat("start_ts=", lock->start_ts));
    }
    TxnLock key_lock = base;
    key_lock.is_primary = key == meta.primary_key;
    const TxnIntent intent{
        start_ts,
        mutation.op == MutationOp::kPut ? IntentOp::kPut : IntentOp::kDelete,
        mutation.value};
    records.push_back(Put(TxnLockKey(key), EncodeTxnLock(key_lock)));
    records.push_back(Put(TxnIntentKey(key), EncodeTxnIntent(intent)));
    checked.push_back(key);
  }
  if (records.empty()) return absl::OkStatus();
  // Locks and intents are versions at start_ts; the user keys written and read
  // are the read set, so anything committed on them after start_ts aborts.
  return store.ApplyMutations(records, checked, start_ts, start_ts);
}

absl::Status ApplyCommit(mvcc::Store& store, const TxnMeta& meta,
                         absl::Span<const std::string> keys,
                         uint64_t start_ts) {
  if (meta.primary_key.empty()) {
    return InvalidRequestError("txn primary key required");
  }
  if (meta.commit_ts <= start_ts) {
    return InvalidRequestError("txn commit ts required above the start ts");
  }
  EKV_ASSIGN_OR_RETURN(auto recorded, CommitRecord(store, meta, start_ts));
  if (recorded.has_value() && *recorded != meta.commit_ts) {
    return InvalidRequestError(absl::StrCat("txn commit ts mismatch: recorded ",
                                            *recorded, ", asked ",
                                            meta.commit_ts));
  }
  if (!recorded.has_value()) {
    EKV_ASSIGN_OR_RETURN(
        bool rolled_back,
        RecordExists(store, TxnRollbackKey(meta.primary_key, start_ts)));
    if (rolled_back) return TxnAlreadyAbortedError();
  }
  std::vector<Mutation> writes;
  bool commits_primary = false;
  for (const std::string& key :
       absl::btree_set<std::string>(keys.begin(), keys.end())) {
    commits_primary |= key == meta.primary_key;
    EKV_RETURN_IF_ERROR(ResolveKey(store, key, start_ts, true, &writes));
  }
  if (commits_primary && !recorded.has_value()) {
    EKV_ASSIGN_OR_RETURN(auto primary_lock, LockOf(store, meta.primary_key));
    if (!primary_lock.has_value() || primary_lock->start_ts != start_ts) {
      return InvalidRequestError("txn commit of a transaction not prepared");
    }
    writes.push_back(Put(TxnCommitKey(meta.primary_key, start_ts),
                         EncodeTxnCommitRecord(meta.commit_ts)));
  }
  if (writes.empty()) return absl::OkStatus();
  return store.ApplyMutations(writes, {}, meta.commit_ts, meta.commit_ts);
}

absl::Status ApplyAbort(mvcc::Store& store, const TxnMeta& meta,
                        absl::Span<const std::string> keys, uint64_t start_ts,
                        uint64_t abort_ts) {
  if (meta.primary_key.empty()) {
    return InvalidRequestError("txn primary key required");
  }
  if (abort_ts <= start_ts) {
    return InvalidRequestError("txn abort ts required above the start ts");
  }
  EKV_ASSIGN_OR_RETURN(auto recorded, CommitRecord(store, meta, start_ts));
  if (recorded.has_value()) return TxnAlreadyCommittedError();
  std::vector<Mutation> writes;
  bool aborts_primary = false;
  for (const std::string& key :
       absl::btree_set<std::string>(keys.begin(), keys.end())) {
    aborts_primary |= key == meta.primary_key;
    EKV_RETURN_IF_ERROR(ResolveKey(store, key, start_ts, false, &writes));
  }
  const std::string rollback_key = TxnRollbackKey(meta.primary_key, start_ts);
  EKV_ASSIGN_OR_RETURN(bool rolled_back, RecordExists(store, rollback_key));
  if (aborts_primary && !rolled_back) {
    writes.push_back(Put(rollback_key, EncodeTxnRollbackRecord()));
  }
  if (writes.empty()) return absl::OkStatus();
  return store.ApplyMutations(writes, {}, abort_ts, abort_ts);
}

}  // namespace ekv::txn
