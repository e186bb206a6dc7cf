// Transactions applied to the MVCC store, as the FSM runs them on every
// replica in log order (so every replica reaches the same outcome).
//
// One-phase (OCC, a transaction whose keys all live in one Raft group):
//   ApplyOnePhase validates and commits in one step: it aborts with
//   kWriteConflict when any written or read key has a version committed after
//   start_ts (serializable, not snapshot isolation), and with kTxnLocked when
//   any of them is held by a prepared two-phase transaction.
//
// Two-phase (percolator, for transactions across groups):
//   ApplyPrepare writes a lock and an intent per key at start_ts;
//   ApplyCommit turns the intents into versions at commit_ts, removes the
//   locks and (for the primary) writes the commit record; ApplyAbort removes
//   the locks and (for the primary) writes the rollback record. At most one
//   of {commit record, rollback record} ever exists for a transaction; the
//   other phase then fails with kTxnAlreadyCommitted / kTxnAlreadyAborted.
//   Each phase is idempotent for retries of the same transaction.
//
// Reads: CheckReadable fails with kTxnLocked when a lock taken at or below
// the read timestamp holds the key (its commit may land below the read ts).
#ifndef EKV_ENGINE_TXN_TXN_APPLY_H_
#define EKV_ENGINE_TXN_TXN_APPLY_H_

#include <cstdint>
#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "engine/mvcc/store.h"
#include "engine/txn/txn_codec.h"

namespace ekv::txn {

absl::Status ApplyOnePhase(mvcc::Store& store,
                           absl::Span<const mvcc::Mutation> mutations,
                           absl::Span<const std::string> read_keys,
                           uint64_t start_ts, uint64_t commit_ts);

absl::Status ApplyPrepare(mvcc::Store& store, const TxnMeta& meta,
                          absl::Span<const mvcc::Mutation> mutations,
                          absl::Span<const std::string> read_keys,
                          uint64_t start_ts);
// meta.commit_ts is the commit timestamp.
absl::Status ApplyCommit(mvcc::Store& store, const TxnMeta& meta,
                         absl::Span<const std::string> keys, uint64_t start_ts);
absl::Status ApplyAbort(mvcc::Store& store, const TxnMeta& meta,
                        absl::Span<const std::string> keys, uint64_t start_ts,
                        uint64_t abort_ts);

// The lock on `key`, if a prepared transaction holds it.
absl::StatusOr<std::optional<TxnLock>> LockOf(const mvcc::Store& store,
                                              absl::string_view key);
// kTxnLocked when a lock taken at or below read_ts holds `key`.
absl::Status CheckReadable(const mvcc::Store& store, absl::string_view key,
                           uint64_t read_ts);
// kTxnLocked when any lock holds `key` (a write must wait for its resolution).
absl::Status CheckUnlocked(const mvcc::Store& store, absl::string_view key);

}  // namespace ekv::txn

#endif  // EKV_ENGINE_TXN_TXN_APPLY_H_
