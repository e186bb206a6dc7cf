// Raft, the leader's side: proposals, replication and flow control, commit,
// heartbeat rounds (ReadIndex and lease), leadership transfer and membership.
#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "engine/base/check.h"
#include "engine/base/status.h"
#include "engine/raft/raft.h"

namespace ekv::raft {
namespace {

using raftpb::Message;

}  // namespace

// ------------------------------------------------------------ proposals --

absl::Status Raft::CheckProposable() const {
  if (role_ != Role::kLeader) {
    if (lead_ == kNoNode) return LeaderNotFoundError();
    return NotLeaderError(static_cast<int64_t>(lead_));
  }
  if (lead_transferee_ != kNoNode) {
    return NotLeaderError(static_cast<int64_t>(lead_transferee_));
  }
  return absl::OkStatus();
}

absl::StatusOr<EntryId> Raft::Propose(std::string data) {
  EKV_RETURN_IF_ERROR(CheckProposable());
  if (data.size() > config_.max_entry_bytes) {
    return InvalidRequestError(absl::StrCat("entry of ", data.size(),
                                            " bytes exceeds max_entry_bytes ",
                                            config_.max_entry_bytes));
  }
  if (uncommitted_bytes_ > 0 && uncommitted_bytes_ + data.size() >
                                    config_.max_uncommitted_entries_bytes) {
    return absl::ResourceExhaustedError(
        "raft: max_uncommitted_entries_bytes reached; retry later");
  }
  const uint64_t index = AppendEntry([&data](raftpb::Entry& entry) {
    entry.set_type(raftpb::ENTRY_NORMAL);
    entry.mutable_data()->swap(data);  // reuses a recycled entry's buffer
  });
  return EntryId{index, term_};
}

absl::Status Raft::CheckConfChange(const raftpb::ConfChange& change) const {
  const NodeId id = change.node_id();
  if (id == kNoNode) return InvalidRequestError("membership change of node 0");
  const bool voter = tracker_.IsVoter(id);
  const bool member = tracker_.IsMember(id);
  switch (change.type()) {
    case raftpb::CONF_CHANGE_ADD_VOTER:
      if (voter) return InvalidRequestError("already a voter");
      return absl::OkStatus();
    case raftpb::CONF_CHANGE_ADD_LEARNER:
      if (voter) {
        return InvalidRequestError(
            "demoting a voter is not supported: remove it, then add it back");
      }
      if (member) return InvalidRequestError("already a learner");
      return absl::OkStatus();
    case raftpb::CONF_CHANGE_REMOVE_NODE:
      if (!member) return InvalidRequestError("not a member");
      if (voter && tracker_.voters().size() == 1) {
        return InvalidRequestError("cannot remove the last voter");
      }
      return absl::OkStatus();
    default:
      return InvalidRequestError("unknown membership change type");
  }
}

absl::StatusOr<EntryId> Raft::ProposeConfChange(
    const raftpb::ConfChange& change) {
  EKV_RETURN_IF_ERROR(CheckProposable());
  if (pending_conf_index_ > log_.applied()) {
    return absl::FailedPreconditionError(
        absl::StrCat("raft: the membership change at ", pending_conf_index_,
                     " (or this leader's first entry) is not applied yet"));
  }
  EKV_RETURN_IF_ERROR(CheckConfChange(change));
  const uint64_t index = AppendEntry([&change](raftpb::Entry& entry) {
    entry.set_type(raftpb::ENTRY_CONF_CHANGE);
    entry.set_data(change.SerializeAsString());
  });
  pending_conf_index_ = index;
  return EntryId{index, term_};
}

uint64_t Raft::AppendEntry(absl::FunctionRef<void(raftpb::Entry&)> fill) {
  const uint64_t index = log_.LastIndex() + 1;
  raftpb::Entry& entry = log_.AppendSlot();
  entry.set_term(term_);
  entry.set_index(index);
  fill(entry);
  uncommitted_bytes_ += entry.data().size();
  // The leader counts its own copy at once: Ready persists it before any
  // message is sent, so nobody learns of a commit that depends on it first.
  if (Progress* self = tracker_.Find(id_)) self->MaybeUpdate(index);
  MaybeCommit();
  appends_pending_ = true;
  return index;
}

void Raft::ReduceUncommittedBytes(absl::Span<const raftpb::Entry> entries) {
  if (role_ != Role::kLeader) return;
  uint64_t bytes = 0;
  for (const raftpb::Entry& entry : entries) bytes += entry.data().size();
  uncommitted_bytes_ -= std::min(bytes, uncommitted_bytes_);
}

void Raft::FlushAppends() {
  if (appends_pending_ && role_ == Role::kLeader) BroadcastAppend();
  appends_pending_ = false;
}

// --------------------------------------------------------------- commit --

bool Raft::CommittedInCurrentTerm() const {
  // Committing at or past the leader's first entry commits that entry.
  return role_ == Role::kLeader && log_.committed() >= term_start_index_;
}

bool Raft::MaybeCommit() {
  const bool was_committed_in_term = CommittedInCurrentTerm();
  const uint64_t quorum_index = tracker_.QuorumMatchIndex();
  if (EKV_PLANTED_BUG(config_.bugs, kCommitFromOlderTerm)) {
    // The defect: entries of older terms commit by counting replicas.
    if (quorum_index <= log_.committed()) return false;
    log_.CommitTo(quorum_index);
    OnCommitAdvanced(was_committed_in_term);
    return true;
  }
  if (!log_.MaybeCommit(quorum_index, term_)) return false;
  OnCommitAdvanced(was_committed_in_term);
  return true;
}

void Raft::OnCommitAdvanced(bool was_committed_in_term) {
  if (was_committed_in_term || !CommittedInCurrentTerm()) return;
  // Reads that arrived before the first commit of this term can now learn a
  // commit index that covers everything committed before the term.
  std::vector<uint64_t> waiting = std::move(reads_awaiting_commit_);
  reads_awaiting_commit_.clear();
  for (uint64_t request_id : waiting) ServeRead(request_id);
}

// ---------------------------------------------------------- replication --

void Raft::StepLeader(Message& m) {
  Progress* pr = tracker_.Find(m.from());
  if (pr == nullptr) {
    ++counters_.messages_ignored;
    return;
  }
  pr->recent_active = true;
  switch (m.type()) {
    case raftpb::MSG_APP_RESP:
      HandleAppendResponse(m, *pr);
      return;
    case raftpb::MSG_HEARTBEAT_RESP:
      HandleHeartbeatResponse(m, *pr);
      return;
    case raftpb::MSG_SNAP_RESP:
      HandleSnapshotResponse(m, *pr);
      return;
    default:
      ++counters_.messages_ignored;
  }
}

void Raft::HandleAppendResponse(const Message& m, Progress& pr) {
  if (m.index() > log_.LastIndex()) {
    ++counters_.messages_ignored;  // acknowledges entries never sent
    return;
  }
  // Answered in this term: the follower followed this leader when it
  // answered, after the round the append carried had started.
  AckHeartbeatRound(m, pr);
  if (m.reject()) {
    // Fast backtracking: skip every entry of a term the follower lacks.
    uint64_t next_probe = m.reject_hint();
    if (m.log_term() > 0) {
      next_probe = log_.FindConflictByTerm(m.reject_hint(), m.log_term()).first;
    }
    if (pr.MaybeDecrTo(m.index(), next_probe)) {
      if (pr.state() == ProgressState::kReplicate) pr.BecomeProbe();
      SendAppends(m.from());
    }
    return;
  }
  const bool updated = pr.MaybeUpdate(m.index());
  if (!updated &&
      !(pr.match() == m.index() && pr.state() == ProgressState::kProbe)) {
    return;
  }
  if (pr.state() == ProgressState::kProbe) {
    pr.BecomeReplicate();
  } else if (pr.state() == ProgressState::kSnapshot &&
             (pr.match() >= pr.pending_snapshot() ||
              pr.match() + 1 >= log_.FirstIndex())) {
    pr.BecomeProbe();
    pr.BecomeReplicate();
  }
  if (MaybeCommit()) {
    BroadcastAppend();
  } else {
    SendAppends(m.from());
  }
  if (m.from() == lead_transferee_ && pr.match() == log_.LastIndex()) {
    SendTimeoutNow(m.from());
  }
}

void Raft::BroadcastAppend() {
  appends_pending_ = false;
  for (auto& [id, pr] : tracker_.progress()) {
    if (id != id_) SendAppends(id);
  }
}

void Raft::SendAppends(NodeId to, bool send_if_empty) {
  Progress* pr = tracker_.Find(to);
  if (pr == nullptr) return;
  // Bounded: each message either pauses the follower (probe), fills the
  // inflight window or reaches the last index (replicate), carries a commit
  // index the follower was not sent before, or is the one empty probe asked
  // for.
  while (MaybeSendAppend(to, *pr, send_if_empty)) send_if_empty = false;
}

bool Raft::MaybeSendAppend(NodeId to, Progress& pr, bool send_if_empty) {
  if (pr.IsPaused()) return false;
  if (pr.state() == ProgressState::kProbe &&
      MaybeSendSnapshotForProbe(to, pr)) {
    return false;
  }
  const uint64_t prev_index = pr.next() - 1;
  const absl::StatusOr<uint64_t> prev_term = log_.Term(prev_index);
  if (!prev_term.ok()) {
    if (IsCompactedIndex(prev_term.status())) SendSnapshot(to, pr);
    return false;
  }
  const bool has_entries = pr.next() <= log_.LastIndex();
  // An append without entries carries only a commit index, and only where
  // commits are broadcast; otherwise heartbeats carry it.
  if (!has_entries && !send_if_empty &&
      (!config_.broadcast_commit || pr.sent_commit >= log_.committed())) {
    return false;
  }
  Message m;
  m.set_type(raftpb::MSG_APP);
  m.set_to(to);
  m.set_index(prev_index);
  m.set_log_term(*prev_term);
  m.set_commit(log_.committed());
  m.set_heartbeat_round(rounds_.current_round());
  if (has_entries) {
    // BUGGIFY: one entry per message, many messages in flight.
    const uint64_t max_bytes =
        EKV_BUGGIFY_AT(config_.buggify, "raft/append/one_entry_per_message")
            ? 1
            : config_.max_append_bytes_per_msg;
    const absl::Status status =
        log_.AppendEntriesTo(pr.next(), max_bytes, m.mutable_entries());
    if (!status.ok()) {
      if (IsCompactedIndex(status)) SendSnapshot(to, pr);
      return false;
    }
  }
  uint64_t bytes = 0;
  for (const raftpb::Entry& entry : m.entries()) bytes += EntryBytes(entry);
  const uint64_t count = static_cast<uint64_t>(m.entries_size());
  pr.SentEntries(prev_index + count, count, bytes);
  pr.sent_commit = std::max(pr.sent_commit, log_.committed());
  pr.append_round = m.heartbeat_round();
  Send(std::move(m));
  return true;
}

// ------------------------------------------------------------ snapshots --

// BUGGIFY: a snapshot where entries would do, as if the log had just been
// compacted: the follower may already hold the snapshot's index and later
// entries, which it must keep. Only a snapshot past the follower's known
// match: the answer must then move the match past it, or the follower would
// stay in kSnapshot.
bool Raft::MaybeSendSnapshotForProbe(NodeId to, Progress& pr) {
  if (!EKV_BUGGIFY_AT(config_.buggify, "raft/append/snapshot_for_probe")) {
    return false;
  }
  const auto snapshot = log_.Snapshot();
  if (!snapshot.ok() || (*snapshot)->metadata().index() <= pr.match()) {
    return false;
  }
  return SendSnapshot(to, pr);
}

bool Raft::SendSnapshot(NodeId to, Progress& pr) {
  // A follower not heard from lately may be gone; do not stream to it.
  if (!pr.recent_active) return false;
  absl::StatusOr<std::shared_ptr<const raftpb::Snapshot>> snapshot =
      log_.Snapshot();
  if (!snapshot.ok() || (*snapshot)->metadata().index() == 0) return false;
  pr.BecomeSnapshot(*std::move(snapshot));
  SendSnapshotChunks(to, pr);
  return true;
}

void Raft::SendSnapshotChunks(NodeId to, Progress& pr) {
  SnapshotSend& send = pr.snapshot_send;
  const std::string& data = send.snapshot->data();
  const uint64_t window =
      config_.max_snapshot_chunk_bytes *
      static_cast<uint64_t>(config_.max_inflight_snapshot_chunks);
  while (!send.last_chunk_sent &&
         send.next_offset - send.acked_offset < window) {
    const uint64_t length = std::min<uint64_t>(config_.max_snapshot_chunk_bytes,
                                               data.size() - send.next_offset);
    Message m;
    m.set_type(raftpb::MSG_SNAP);
    m.set_to(to);
    *m.mutable_snapshot() = send.snapshot->metadata();
    m.set_snapshot_offset(send.next_offset);
    m.set_snapshot_size_bytes(data.size());
    m.set_snapshot_chunk(data.substr(send.next_offset, length));
    send.next_offset += length;
    send.last_chunk_sent = send.next_offset == data.size();
    Send(std::move(m));
  }
}

void Raft::HandleSnapshotResponse(const Message& m, Progress& pr) {
  if (pr.state() != ProgressState::kSnapshot ||
      m.snapshot().index() != pr.pending_snapshot()) {
    ++counters_.messages_ignored;
    return;
  }
  SnapshotSend& send = pr.snapshot_send;
  const uint64_t size = send.snapshot->data().size();
  if (m.reject()) {
    // The follower holds exactly reject_hint bytes: go back there, once.
    const uint64_t offset = std::min(m.reject_hint(), size);
    if (send.rewound_to == offset) return;
    send.acked_offset = offset;
    send.next_offset = offset;
    send.last_chunk_sent = false;
    send.rewound_to = offset;
  } else {
    send.acked_offset =
        std::max(send.acked_offset, std::min(m.snapshot_offset(), size));
    send.next_offset = std::max(send.next_offset, send.acked_offset);
    send.rewound_to.reset();
  }
  send.heartbeats_without_ack = 0;
  SendSnapshotChunks(m.from(), pr);
}

// ----------------------------------------------------- heartbeat rounds --

uint64_t Raft::SendHeartbeatRound(bool skip_busy_followers) {
  const uint64_t round = rounds_.StartRound(tick_count_);
  for (auto& [id, pr] : tracker_.progress()) {
    if (id == id_) {
      pr.heartbeat_round_acked = round;
      continue;
    }
    if (skip_busy_followers && pr.state() == ProgressState::kReplicate &&
        !pr.IsPaused() && pr.append_round + 1 == round &&
        pr.heartbeat_round_acked + 1 == round) {
      ++counters_.heartbeats_skipped;
      continue;
    }
    Message m;
    m.set_type(raftpb::MSG_HEARTBEAT);
    m.set_to(id);
    // Never past what the follower is known to hold: it must not commit
    // entries it may not have.
    m.set_commit(std::min(pr.match(), log_.committed()));
    m.set_heartbeat_round(round);
    // An append just to carry this commit index is not needed.
    pr.sent_commit = std::max(pr.sent_commit, m.commit());
    Send(std::move(m));
  }
  return round;
}

void Raft::BroadcastHeartbeat() {
  SendHeartbeatRound(config_.skip_heartbeats_to_busy_followers);
  UpdateQuorumAck();
}

void Raft::AckHeartbeatRound(const Message& m, Progress& pr) {
  pr.heartbeat_round_acked =
      std::max(pr.heartbeat_round_acked,
               std::min(m.heartbeat_round(), rounds_.current_round()));
  UpdateQuorumAck();
}

void Raft::HandleHeartbeatResponse(const Message& m, Progress& pr) {
  // The follower is alive: a probe may go again, and a full window gives up
  // one slot, in case the appends it holds were lost.
  pr.OnHeartbeatResponse();
  AckHeartbeatRound(m, pr);
  if (pr.state() == ProgressState::kSnapshot) {
    SnapshotSend& send = pr.snapshot_send;
    if (++send.heartbeats_without_ack >= 2) {
      send.heartbeats_without_ack = 0;
      send.next_offset = send.acked_offset;
      send.last_chunk_sent = false;
      send.rewound_to = send.acked_offset;
      SendSnapshotChunks(m.from(), pr);
    }
    return;
  }
  // A follower behind may have lost appends: an append (empty if need be)
  // at next - 1 finds out, by being rejected if so.
  if (pr.match() < log_.LastIndex() || pr.sent_commit < log_.committed()) {
    SendAppends(m.from(), /*send_if_empty=*/true);
  }
}

void Raft::UpdateQuorumAck() {
  const uint64_t round = tracker_.QuorumAckedRound();
  const std::optional<int64_t> sent_tick =
      rounds_.OnQuorumAck(round, &read_states_);
  if (sent_tick.has_value()) {
    lease_anchor_tick_ =
        std::max(lease_anchor_tick_.value_or(*sent_tick), *sent_tick);
  }
}

absl::Status Raft::ReadIndex(uint64_t request_id) {
  EKV_RETURN_IF_ERROR(CheckProposable());
  const size_t waiting =
      rounds_.pending_reads() + reads_awaiting_commit_.size();
  if (waiting >= static_cast<size_t>(config_.max_pending_read_index_requests)) {
    return absl::ResourceExhaustedError(
        "raft: max_pending_read_index_requests reached; retry later");
  }
  if (!CommittedInCurrentTerm() &&
      !EKV_PLANTED_BUG(config_.bugs, kReadIndexBeforeTermCommit)) {
    reads_awaiting_commit_.push_back(request_id);
    return absl::OkStatus();
  }
  ServeRead(request_id);
  return absl::OkStatus();
}

void Raft::ServeRead(uint64_t request_id) {
  const uint64_t round =
      rounds_.CanJoinCurrentRound()
          ? rounds_.current_round()
          : SendHeartbeatRound(/*skip_busy_followers=*/false);
  EKV_CHECK(rounds_.AddRead(request_id, log_.committed(), round));
  UpdateQuorumAck();
}

bool Raft::LeaseValidAfter(int64_t ticks) const {
  const int64_t now = tick_count_ + ticks;
  if (EKV_PLANTED_BUG(config_.bugs, kLeaseAfterStepDown)) {
    // The defect: the lease outlives leadership (Reset keeps the anchor).
    return config_.leader_lease && lease_anchor_tick_.has_value() &&
           now - *lease_anchor_tick_ < config_.lease_ticks();
  }
  if (!config_.leader_lease || role_ != Role::kLeader || lease_forbidden_ ||
      !lease_anchor_tick_.has_value() || !CommittedInCurrentTerm()) {
    return false;
  }
  // The defect: the lease is sized by the randomized election timeout's upper
  // end (2x), not by its minimum less the clock-error margin.
  const int lease_ticks = EKV_PLANTED_BUG(config_.bugs, kLeaseTooLong)
                              ? 2 * config_.election_timeout_ticks
                              : config_.lease_ticks();
  return now - *lease_anchor_tick_ < lease_ticks;
}

// ----------------------------------------------------- leadership transfer --

absl::Status Raft::TransferLeadership(NodeId to) {
  if (role_ != Role::kLeader) return CheckProposable();
  if (to == id_) return absl::OkStatus();
  if (!tracker_.IsVoter(to)) {
    return InvalidRequestError("leadership transfer to a non-voter");
  }
  if (lead_transferee_ == to) return absl::OkStatus();
  AbortTransfer();
  lead_transferee_ = to;
  // The transferee's campaign passes every lease; this leader's included.
  lease_forbidden_ = true;
  Progress* pr = tracker_.Find(to);
  if (pr->match() == log_.LastIndex()) {
    SendTimeoutNow(to);
  } else {
    SendAppends(to);
  }
  return absl::OkStatus();
}

void Raft::AbortTransfer() {
  lead_transferee_ = kNoNode;
  transfer_elapsed_ = 0;
}

void Raft::SendTimeoutNow(NodeId to) {
  Message m;
  m.set_type(raftpb::MSG_TIMEOUT_NOW);
  m.set_to(to);
  Send(std::move(m));
}

// ----------------------------------------------------------- membership --

void Raft::ApplyConfChange(const raftpb::ConfChange& change) {
  const NodeId id = change.node_id();
  if (id == kNoNode) return;
  const uint64_t next = log_.LastIndex() + 1;
  switch (change.type()) {
    case raftpb::CONF_CHANGE_ADD_VOTER:
      tracker_.AddVoter(id, next);
      break;
    case raftpb::CONF_CHANGE_ADD_LEARNER:
      if (!tracker_.IsVoter(id)) tracker_.AddLearner(id, next);
      break;
    case raftpb::CONF_CHANGE_REMOVE_NODE:
      tracker_.Remove(id);
      if (id == lead_transferee_) AbortTransfer();
      break;
    default:
      return;
  }
  if (role_ != Role::kLeader) return;
  if (!tracker_.IsVoter(id_)) {
    // Removed: step down so that the remaining voters elect a leader.
    BecomeFollower(term_, kNoNode);
    return;
  }
  // A smaller quorum may commit more, a new member needs the log.
  MaybeCommit();
  BroadcastAppend();
  UpdateQuorumAck();
}

}  // namespace ekv::raft
