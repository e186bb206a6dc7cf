// Raft, the follower's side: appends, heartbeats, and receiving a snapshot in
// chunks.
#include <algorithm>
#include <utility>

#include "engine/base/check.h"
#include "engine/raft/raft.h"

namespace ekv::raft {
namespace {

using raftpb::Message;

Message Response(raftpb::MessageType type, const Message& request) {
  Message m;
  m.set_type(type);
  m.set_to(request.from());
  return m;
}

}  // namespace

void Raft::HandleAppend(Message& m) {
  Message response = Response(raftpb::MSG_APP_RESP, m);
  response.set_heartbeat_round(m.heartbeat_round());
  if (m.index() < log_.committed()) {
    // Everything up to the commit index is settled; tell the leader where.
    response.set_index(log_.committed());
    Send(std::move(response));
    return;
  }
  const std::optional<uint64_t> last_new = log_.MaybeAppend(
      m.index(), m.log_term(), m.commit(), m.mutable_entries());
  if (last_new.has_value()) {
    response.set_index(*last_new);
    Send(std::move(response));
    return;
  }
  // Reject, with the last index that may match the leader's log: the largest
  // index at or below the rejected one whose term is at most the leader's
  // term there. The leader skips whole terms instead of single entries.
  const auto [hint_index, hint_term] = log_.FindConflictByTerm(
      std::min(m.index(), log_.LastIndex()), m.log_term());
  response.set_index(m.index());
  response.set_reject(true);
  response.set_reject_hint(hint_index);
  response.set_log_term(hint_term);
  Send(std::move(response));
}

void Raft::HandleHeartbeat(const Message& m) {
  log_.CommitTo(std::min(m.commit(), log_.LastIndex()));
  Message response = Response(raftpb::MSG_HEARTBEAT_RESP, m);
  response.set_heartbeat_round(m.heartbeat_round());
  Send(std::move(response));
}

void Raft::SendSnapshotResponse(const Message& m, uint64_t offset,
                                bool reject) {
  Message response = Response(raftpb::MSG_SNAP_RESP, m);
  response.mutable_snapshot()->set_index(m.snapshot().index());
  response.mutable_snapshot()->set_term(m.snapshot().term());
  response.set_reject(reject);
  if (reject) {
    response.set_reject_hint(offset);
  } else {
    response.set_snapshot_offset(offset);
  }
  Send(std::move(response));
}

void Raft::HandleSnapshotChunk(Message& m) {
  const raftpb::SnapshotMetadata& meta = m.snapshot();
  if (meta.index() <= log_.committed()) {
    // Already have everything it covers: the leader can stop sending.
    snapshot_receive_ = SnapshotReceive();
    Message response = Response(raftpb::MSG_APP_RESP, m);
    response.set_index(log_.committed());
    Send(std::move(response));
    return;
  }
  SnapshotReceive& receive = snapshot_receive_;
  const bool same = receive.active && receive.term == m.term() &&
                    receive.metadata.index() == meta.index() &&
                    receive.metadata.term() == meta.term() &&
                    receive.size_bytes == m.snapshot_size_bytes();
  if (!same) {
    if (m.snapshot_offset() != 0) {
      SendSnapshotResponse(m, 0, /*reject=*/true);  // start over
      return;
    }
    if (m.snapshot_size_bytes() > config_.max_snapshot_bytes) {
      ++counters_.snapshots_refused;
      return;
    }
    receive = SnapshotReceive();
    receive.active = true;
    receive.term = m.term();
    receive.metadata = meta;
    receive.size_bytes = m.snapshot_size_bytes();
  }
  const uint64_t received = receive.data.size();
  if (m.snapshot_offset() != received) {
    // A duplicate (behind) is acknowledged; a gap (ahead) rewinds the leader.
    SendSnapshotResponse(m, received, m.snapshot_offset() > received);
    return;
  }
  receive.data.append(m.snapshot_chunk());
  if (receive.data.size() < receive.size_bytes) {
    SendSnapshotResponse(m, receive.data.size(), /*reject=*/false);
    return;
  }
  FinishSnapshotReceive();
}

void Raft::FinishSnapshotReceive() {
  raftpb::Snapshot snapshot;
  *snapshot.mutable_metadata() = snapshot_receive_.metadata;
  snapshot.set_data(std::move(snapshot_receive_.data));
  snapshot_receive_ = SnapshotReceive();
  const bool restored = Restore(std::move(snapshot));
  Message response;
  response.set_type(raftpb::MSG_APP_RESP);
  response.set_to(lead_);
  response.set_index(restored ? log_.LastIndex() : log_.committed());
  Send(std::move(response));
}

bool Raft::Restore(raftpb::Snapshot snapshot) {
  EKV_CHECK(role_ == Role::kFollower) << "only a follower installs snapshots";
  const raftpb::SnapshotMetadata& meta = snapshot.metadata();
  if (meta.index() <= log_.committed()) return false;
  if (log_.MatchTerm(meta.index(), meta.term()) &&
      !EKV_PLANTED_BUG(config_.bugs, kSnapshotDropsLaterEntries)) {
    // The log already holds the snapshot's last entry: commit up to it.
    log_.CommitTo(meta.index());
    return false;
  }
  const raftpb::ConfState conf_state = meta.conf_state();
  log_.Restore(std::move(snapshot));
  tracker_.Reset(conf_state, log_.LastIndex() + 1);
  return true;
}

}  // namespace ekv::raft
