// ekv's error vocabulary on absl::Status.
//
// Every error a caller can act on has an ErrorKind, carried as a status
// payload, and a canonical absl code, so generic code can branch on the code
// and ekv code on the kind. The message says what happened and, where useful,
// what to do (for example which node to try). Kinds follow the errors of
// elastickv's `kv` package.
#ifndef EKV_ENGINE_BASE_STATUS_H_
#define EKV_ENGINE_BASE_STATUS_H_

#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace ekv {

enum class ErrorKind : uint8_t {
  kNone = 0,        // OK, or a status that did not come from ekv
  kNotLeader,       // this node is not the leader; retry at leader_hint
  kLeaderNotFound,  // no leader is known; retry later
  kTxnLocked,       // a key is locked by another transaction
  kWriteConflict,   // a written or read key changed after the start timestamp
  kTxnAlreadyCommitted,  // the transaction committed earlier
  kTxnAlreadyAborted,    // the transaction aborted earlier
  kInvalidRequest,       // the request is malformed; do not retry it
  kNotImplemented,       // the request is valid but ekv does not support it
  kCompacted,            // the read timestamp is below the compaction point
  kCorruption,           // stored data failed its checksum
  kIoError,              // the disk refused an operation
  kDiskFull,             // no space left
  kTimeout,              // the deadline passed; the outcome may be unknown
  kHlcCeilingExpired,    // the HLC cannot issue: the wall clock reached the
                         // ceiling
  kShuttingDown,         // the node is stopping
  kResourceExhausted,    // a bounded resource is full; retry later
};

// A stable lower-case name, for logs and JSON: "not_leader", "write_conflict",
// ...
absl::string_view ErrorKindName(ErrorKind kind);

// The kind carried by `status`; kNone for OK and for foreign statuses.
ErrorKind GetErrorKind(const absl::Status& status);

inline bool IsErrorKind(const absl::Status& status, ErrorKind kind) {
  return GetErrorKind(status) == kind;
}

// Builds a status of `kind` with its canonical code and `message`.
absl::Status MakeError(ErrorKind kind, absl::string_view message);

// The node to try instead, or -1 when unknown. Set only on kNotLeader.
int64_t GetLeaderHint(const absl::Status& status);

absl::Status NotLeaderError(int64_t leader_hint);
absl::Status LeaderNotFoundError();
absl::Status TxnLockedError(absl::string_view key,
                            absl::string_view detail = {});
absl::Status WriteConflictError(absl::string_view key);
absl::Status TxnAlreadyCommittedError();
absl::Status TxnAlreadyAbortedError();
absl::Status InvalidRequestError(absl::string_view why);
absl::Status NotImplementedError(absl::string_view what);
absl::Status CompactedError(uint64_t read_ts, uint64_t compacted_ts);
absl::Status CorruptionError(absl::string_view where);
absl::Status IoError(absl::string_view what);
absl::Status DiskFullError(absl::string_view what);
absl::Status TimeoutError(absl::string_view what);
absl::Status HlcCeilingExpiredError(uint64_t wall_ms, uint64_t ceiling_ms);

}  // namespace ekv

// Returns from the enclosing function when `expr` (an absl::Status) is not OK.
#define EKV_RETURN_IF_ERROR(expr)                                 \
  do {                                                            \
    if (::absl::Status ekv_status_ = (expr); !ekv_status_.ok()) { \
      return ekv_status_;                                         \
    }                                                             \
  } while (0)

#define EKV_STATUS_CONCAT_INNER_(a, b) a##b
#define EKV_STATUS_CONCAT_(a, b) EKV_STATUS_CONCAT_INNER_(a, b)

// `EKV_ASSIGN_OR_RETURN(auto x, MaybeX());` binds the value or returns the
// error.
#define EKV_ASSIGN_OR_RETURN(lhs, expr)                                        \
  EKV_ASSIGN_OR_RETURN_IMPL_(EKV_STATUS_CONCAT_(ekv_statusor_, __LINE__), lhs, \
                             expr)

#define EKV_ASSIGN_OR_RETURN_IMPL_(statusor, lhs, expr) \
  auto statusor = (expr);                               \
  if (!statusor.ok()) {                                 \
    return statusor.status();                           \
  }                                                     \
  lhs = std::move(statusor).value()

#endif  // EKV_ENGINE_BASE_STATUS_H_
