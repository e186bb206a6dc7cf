#include "engine/raft/config.h"

#include "absl/strings/str_cat.h"

namespace ekv::raft {
namespace {

absl::Status Invalid(absl::string_view what) {
  return absl::InvalidArgumentError(absl::StrCat("raft config: ", what));
}

}  // namespace

absl::Status Validate(const Config& c) {
  if (c.id == kNoNode) return Invalid("id must be non-zero");
  if (c.heartbeat_interval_ticks <= 0) {
    return Invalid("heartbeat_interval_ticks must be positive");
  }
  if (c.election_timeout_ticks <= c.heartbeat_interval_ticks) {
    return Invalid(
        "election_timeout_ticks must exceed heartbeat_interval_ticks");
  }
  if (c.leader_lease && !c.check_quorum) {
    return Invalid("leader_lease needs check_quorum");
  }
  if (c.lease_clock_error_margin_ticks < 0) {
    return Invalid("lease_clock_error_margin_ticks must not be negative");
  }
  if (c.leader_lease && c.lease_ticks() < 1) {
    return Invalid(
        "lease_ticks() = election_timeout_ticks - 1 - "
        "lease_clock_error_margin_ticks must be at least 1");
  }
  if (c.transfer_timeout_ticks <= 0) {
    return Invalid("transfer_timeout_ticks must be positive");
  }
  if (c.max_append_bytes_per_msg == 0 || c.max_inflight_bytes == 0 ||
      c.max_entry_bytes == 0 || c.max_committed_bytes_per_ready == 0 ||
      c.max_snapshot_chunk_bytes == 0 || c.max_uncommitted_entries_bytes == 0) {
    return Invalid("byte limits must be positive");
  }
  if (c.max_inflight_msgs <= 0 || c.max_inflight_snapshot_chunks <= 0 ||
      c.max_pending_read_index_requests <= 0) {
    return Invalid("count limits must be positive");
  }
  return absl::OkStatus();
}

}  // namespace ekv::raft
