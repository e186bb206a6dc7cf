#include "engine/raft/progress.h"

#include <algorithm>
#include <utility>

#include "engine/base/check.h"

namespace ekv::raft {

absl::string_view ProgressStateName(ProgressState state) {
  switch (state) {
    case ProgressState::kProbe:
      return "probe";
    case ProgressState::kReplicate:
      return "replicate";
    case ProgressState::kSnapshot:
      return "snapshot";
  }
  return "unknown";
}

Progress::Progress(uint64_t next, int max_inflight_msgs,
                   uint64_t max_inflight_bytes, bool is_learner)
    : is_learner(is_learner),
      next_(next),
      inflights_(max_inflight_msgs, max_inflight_bytes) {}

void Progress::ResetState(ProgressState state) {
  state_ = state;
  probe_sent_ = false;
  pending_snapshot_ = 0;
  snapshot_send = SnapshotSend();
  inflights_.Reset();
}

void Progress::BecomeProbe() {
  if (state_ == ProgressState::kSnapshot) {
    // The follower installed the snapshot (or gave up on it): it has at least
    // what the snapshot covers only if it said so through match.
    const uint64_t pending = pending_snapshot_;
    ResetState(ProgressState::kProbe);
    next_ = std::max(match_ + 1, pending + 1);
    return;
  }
  ResetState(ProgressState::kProbe);
  next_ = match_ + 1;
}

void Progress::BecomeReplicate() {
  ResetState(ProgressState::kReplicate);
  next_ = match_ + 1;
}

void Progress::BecomeSnapshot(
    std::shared_ptr<const raftpb::Snapshot> snapshot) {
  ResetState(ProgressState::kSnapshot);
  pending_snapshot_ = snapshot->metadata().index();
  snapshot_send.snapshot = std::move(snapshot);
}

bool Progress::MaybeUpdate(uint64_t index) {
  bool updated = false;
  if (match_ < index) {
    match_ = index;
    updated = true;
    probe_sent_ = false;
  }
  next_ = std::max(next_, index + 1);
  inflights_.FreeLE(index);
  return updated;
}

bool Progress::MaybeDecrTo(uint64_t rejected, uint64_t match_hint) {
  if (state_ == ProgressState::kReplicate) {
    // Rejections of messages sent before the logs matched up to match_ are
    // stale.
    if (rejected <= match_) return false;
    next_ = match_ + 1;
    return true;
  }
  // In probe, only the answer to the outstanding message counts.
  if (next_ - 1 != rejected) return false;
  const uint64_t next =
      std::max(std::min(rejected, match_hint + 1), match_ + 1);
  // A follower that rejects right after its match lost entries it had
  // acknowledged (or holds a conflicting log): probing again at once would
  // ping-pong at network speed, and duplicated messages would multiply the
  // ping-pong. The probe stays outstanding; a heartbeat response retries.
  if (next == next_) return false;
  next_ = next;
  probe_sent_ = false;
  return true;
}

void Progress::SentEntries(uint64_t last_index, uint64_t count,
                           uint64_t bytes) {
  switch (state_) {
    case ProgressState::kReplicate:
      if (count > 0) {
        next_ = last_index + 1;
        inflights_.Add(last_index, bytes);
      }
      break;
    case ProgressState::kProbe:
      // One probe at a time (an empty one carries only the commit index).
      if (count > 0) probe_sent_ = true;
      break;
    case ProgressState::kSnapshot:
      EKV_UNREACHABLE() << "MSG_APP to a follower receiving a snapshot";
  }
}

void Progress::OnHeartbeatResponse() {
  probe_sent_ = false;
  if (state_ == ProgressState::kReplicate && inflights_.Full()) {
    inflights_.FreeFirstOne();
  }
}

bool Progress::IsPaused() const {
  switch (state_) {
    case ProgressState::kProbe:
      return probe_sent_;
    case ProgressState::kReplicate:
      return inflights_.Full();
    case ProgressState::kSnapshot:
      return true;
  }
  return true;
}

}  // namespace ekv::raft
