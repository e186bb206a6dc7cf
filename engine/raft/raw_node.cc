#include "engine/raft/raw_node.h"

#include <utility>

#include "engine/base/check.h"

namespace ekv::raft {
namespace {

bool SameHardState(const Raft& raft, const raftpb::HardState& b) {
  return raft.term() == b.term() && raft.vote() == b.vote() &&
         raft.log().committed() == b.commit();
}

}  // namespace

RawNode::RawNode(const Config& config, const Storage* storage)
    : raft_(config, storage),
      prev_hard_state_(storage->hard_state()),
      prev_soft_state_(soft_state()) {}

void RawNode::CheckNoReadyOutstanding() const {
  EKV_CHECK(!ready_outstanding_) << "RawNode called between GetReady and "
                                    "Advance";
}

void RawNode::Tick() {
  CheckNoReadyOutstanding();
  raft_.Tick();
}

absl::Status RawNode::Step(raftpb::Message&& message) {
  CheckNoReadyOutstanding();
  return raft_.Step(std::move(message));
}

absl::StatusOr<EntryId> RawNode::Propose(std::string data) {
  CheckNoReadyOutstanding();
  return raft_.Propose(std::move(data));
}

absl::StatusOr<EntryId> RawNode::ProposeConfChange(
    const raftpb::ConfChange& change) {
  CheckNoReadyOutstanding();
  return raft_.ProposeConfChange(change);
}

absl::Status RawNode::ReadIndex(uint64_t request_id) {
  CheckNoReadyOutstanding();
  return raft_.ReadIndex(request_id);
}

absl::Status RawNode::TransferLeadership(NodeId to) {
  CheckNoReadyOutstanding();
  return raft_.TransferLeadership(to);
}

void RawNode::Campaign() {
  CheckNoReadyOutstanding();
  raft_.Campaign();
}

bool RawNode::HasReady() const {
  const RaftLog& log = raft_.log();
  return raft_.appends_pending() || !raft_.msgs().empty() ||
         !raft_.read_states().empty() || log.UnpersistedSnapshot() != nullptr ||
         !log.UnpersistedEntries().empty() || log.HasNextCommittedEntries() ||
         !SameHardState(raft_, prev_hard_state_) ||
         soft_state() != prev_soft_state_;
}

Ready& RawNode::GetReady() {
  CheckNoReadyOutstanding();
  ++readies_issued_;
  raft_.FlushAppends();
  const RaftLog& log = raft_.log();
  ready_.snapshot = log.UnpersistedSnapshot();
  ready_.entries = log.UnpersistedEntries();
  if (!SameHardState(raft_, prev_hard_state_)) {
    ready_.hard_state = raft_.hard_state();
  }
  ready_.must_sync = ready_.snapshot != nullptr || !ready_.entries.empty() ||
                     raft_.term() != prev_hard_state_.term() ||
                     raft_.vote() != prev_hard_state_.vote();
  ready_.messages.swap(raft_.msgs());
  raft_.MarkMessagesSent();
  // Entries a pending snapshot covers are not applied one by one.
  if (ready_.snapshot == nullptr) {
    ready_.committed_entries = log.NextCommittedEntries(&committed_scratch_);
  }
  ready_.read_states.swap(raft_.read_states());
  if (soft_state() != prev_soft_state_) ready_.soft_state = soft_state();
  ready_outstanding_ = true;
  return ready_;
}

void RawNode::ApplyConfChanges(absl::Span<const raftpb::Entry> entries) {
  for (const raftpb::Entry& entry : entries) {
    if (entry.type() != raftpb::ENTRY_CONF_CHANGE) continue;
    raftpb::ConfChange change;
    // The leader serialized it; one that does not parse is skipped on every
    // member alike.
    if (change.ParseFromString(entry.data())) raft_.ApplyConfChange(change);
  }
}

void RawNode::Advance() {
  EKV_CHECK(ready_outstanding_) << "Advance without GetReady";
  RaftLog& log = raft_.mutable_log();
  if (ready_.snapshot != nullptr) {
    const uint64_t index = ready_.snapshot->metadata().index();
    log.SnapshotPersisted(index);
    log.AppliedTo(index);
  }
  if (!ready_.entries.empty()) {
    const raftpb::Entry& last = ready_.entries.back();
    log.PersistedTo(last.index(), last.term());
  }
  if (!ready_.committed_entries.empty()) {
    // Before AppliedTo, which may free the entries the span points into.
    ApplyConfChanges(ready_.committed_entries);
    raft_.ReduceUncommittedBytes(ready_.committed_entries);
    log.AppliedTo(ready_.committed_entries.back().index());
  }
  if (ready_.hard_state.has_value()) prev_hard_state_ = *ready_.hard_state;
  if (ready_.soft_state.has_value()) prev_soft_state_ = *ready_.soft_state;
  ready_.snapshot = nullptr;
  ready_.entries = {};
  ready_.hard_state.reset();
  ready_.must_sync = false;
  ready_.messages.clear();
  ready_.committed_entries = {};
  ready_.read_states.clear();
  ready_.soft_state.reset();
  ready_outstanding_ = false;
}

RaftStatus RawNode::GetStatus() const {
  RaftStatus status;
  status.id = raft_.id();
  status.term = raft_.term();
  status.vote = raft_.vote();
  status.lead = raft_.lead();
  status.role = raft_.role();
  status.commit = raft_.log().committed();
  status.applied = raft_.log().applied();
  status.first_index = raft_.log().FirstIndex();
  status.last_index = raft_.log().LastIndex();
  status.lead_transferee = raft_.lead_transferee();
  status.lease_valid = raft_.LeaseValid();
  status.conf_state = raft_.conf_state();
  status.counters = raft_.counters();
  if (raft_.role() == Role::kLeader) {
    for (const auto& [id, pr] : raft_.tracker().progress()) {
      status.progress[id] =
          ProgressStatus{pr.match(), pr.next(), pr.state(), pr.is_learner};
    }
  }
  return status;
}

}  // namespace ekv::raft
