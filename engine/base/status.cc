#include "engine/base/status.h"

#include <array>
#include <cstdlib>
#include <utility>

#include "absl/strings/cord.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace ekv {
namespace {

constexpr absl::string_view kKindPayloadUrl = "ekv/error_kind";
constexpr absl::string_view kLeaderHintPayloadUrl = "ekv/leader_hint";

struct KindInfo {
  ErrorKind kind;
  absl::string_view name;
  absl::StatusCode code;
};

constexpr std::array<KindInfo, 17> kKinds = {{
    {ErrorKind::kNone, "none", absl::StatusCode::kUnknown},
    {ErrorKind::kNotLeader, "not_leader",
     absl::StatusCode::kFailedPrecondition},
    {ErrorKind::kLeaderNotFound, "leader_not_found",
     absl::StatusCode::kUnavailable},
    {ErrorKind::kTxnLocked, "txn_locked", absl::StatusCode::kAborted},
    {ErrorKind::kWriteConflict, "write_conflict", absl::StatusCode::kAborted},
    {ErrorKind::kTxnAlreadyCommitted, "txn_already_committed",
     absl::StatusCode::kAlreadyExists},
    {ErrorKind::kTxnAlreadyAborted, "txn_already_aborted",
     absl::StatusCode::kAborted},
    {ErrorKind::kInvalidRequest, "invalid_request",
     absl::StatusCode::kInvalidArgument},
    {ErrorKind::kNotImplemented, "not_implemented",
     absl::StatusCode::kUnimplemented},
    {ErrorKind::kCompacted, "compacted", absl::StatusCode::kOutOfRange},
    {ErrorKind::kCorruption, "corruption", absl::StatusCode::kDataLoss},
    {ErrorKind::kIoError, "io_error", absl::StatusCode::kInternal},
    {ErrorKind::kDiskFull, "disk_full", absl::StatusCode::kResourceExhausted},
    {ErrorKind::kTimeout, "timeout", absl::StatusCode::kDeadlineExceeded},
    {ErrorKind::kHlcCeilingExpired, "hlc_ceiling_expired",
     absl::StatusCode::kUnavailable},
    {ErrorKind::kShuttingDown, "shutting_down", absl::StatusCode::kCancelled},
    {ErrorKind::kResourceExhausted, "resource_exhausted",
     absl::StatusCode::kResourceExhausted},
}};

const KindInfo& InfoOf(ErrorKind kind) {
  const auto index = static_cast<size_t>(kind);
  if (index < kKinds.size() && kKinds[index].kind == kind) return kKinds[index];
  return kKinds[0];
}

}  // namespace

absl::string_view ErrorKindName(ErrorKind kind) { return InfoOf(kind).name; }

ErrorKind GetErrorKind(const absl::Status& status) {
  if (status.ok()) return ErrorKind::kNone;
  const auto payload = status.GetPayload(kKindPayloadUrl);
  if (!payload.has_value()) return ErrorKind::kNone;
  int value = 0;
  if (!absl::SimpleAtoi(std::string(*payload), &value)) return ErrorKind::kNone;
  if (value <= 0 || value >= static_cast<int>(kKinds.size()))
    return ErrorKind::kNone;
  return static_cast<ErrorKind>(value);
}

absl::Status MakeError(ErrorKind kind, absl::string_view message) {
  const KindInfo& info = InfoOf(kind);
  absl::Status status(info.code, absl::StrCat(info.name, ": ", message));
  status.SetPayload(kKindPayloadUrl,
                    absl::Cord(absl::StrCat(static_cast<int>(kind))));
  return status;
}

int64_t GetLeaderHint(const absl::Status& status) {
  const auto payload = status.GetPayload(kLeaderHintPayloadUrl);
  int64_t hint = -1;
  if (!payload.has_value() || !absl::SimpleAtoi(std::string(*payload), &hint))
    return -1;
  return hint;
}

absl::Status NotLeaderError(int64_t leader_hint) {
  absl::Status status = MakeError(
      ErrorKind::kNotLeader,
      leader_hint >= 0
          ? absl::StrCat("this node is not the leader; try node ", leader_hint)
          : std::string("this node is not the leader and knows no leader"));
  if (leader_hint >= 0) {
    status.SetPayload(kLeaderHintPayloadUrl,
                      absl::Cord(absl::StrCat(leader_hint)));
  }
  return status;
}

absl::Status LeaderNotFoundError() {
  return MakeError(ErrorKind::kLeaderNotFound,
                   "no leader is known; retry later");
}

absl::Status TxnLockedError(absl::string_view key, absl::string_view detail) {
  return MakeError(ErrorKind::kTxnLocked,
                   detail.empty()
                       ? absl::StrCat("key '", key, "' is locked")
                       : absl::StrCat("key '", key, "' is locked: ", detail));
}

absl::Status WriteConflictError(absl::string_view key) {
  return MakeError(
      ErrorKind::kWriteConflict,
      absl::StrCat("key '", key, "' changed after the start timestamp"));
}

absl::Status TxnAlreadyCommittedError() {
  return MakeError(ErrorKind::kTxnAlreadyCommitted,
                   "the transaction already committed");
}

absl::Status TxnAlreadyAbortedError() {
  return MakeError(ErrorKind::kTxnAlreadyAborted,
                   "the transaction already aborted");
}

absl::Status InvalidRequestError(absl::string_view why) {
  return MakeError(ErrorKind::kInvalidRequest, why);
}

absl::Status NotImplementedError(absl::string_view what) {
  return MakeError(ErrorKind::kNotImplemented, what);
}

absl::Status CompactedError(uint64_t read_ts, uint64_t compacted_ts) {
  return MakeError(ErrorKind::kCompacted,
                   absl::StrCat("read timestamp compacted: ", read_ts,
                                " is below the compaction point ", compacted_ts,
                                "; retry with a newer read timestamp"));
}

absl::Status CorruptionError(absl::string_view where) {
  return MakeError(ErrorKind::kCorruption, where);
}

absl::Status IoError(absl::string_view what) {
  return MakeError(ErrorKind::kIoError, what);
}

absl::Status DiskFullError(absl::string_view what) {
  return MakeError(ErrorKind::kDiskFull, what);
}

absl::Status TimeoutError(absl::string_view what) {
  return MakeError(ErrorKind::kTimeout, what);
}

absl::Status HlcCeilingExpiredError(uint64_t wall_ms, uint64_t ceiling_ms) {
  return MakeError(
      ErrorKind::kHlcCeilingExpired,
      absl::StrCat("wall clock ", wall_ms, " ms reached the HLC ceiling ",
                   ceiling_ms, " ms without renewal; refusing to issue"));
}

}  // namespace ekv
