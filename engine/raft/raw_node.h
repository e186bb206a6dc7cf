// RawNode: the surface an application drives Raft through (etcd's RawNode).
//
// Inputs: Tick(), Step(message), Propose(data), ProposeConfChange(change),
// ReadIndex(request_id), TransferLeadership(to), Campaign(). Then, while
// HasReady(), take GetReady() and do, in this order:
//
//   1. Persist: ready.snapshot (if any), ready.entries, ready.hard_state (if
//      set); make them durable (one sync) when ready.must_sync. Then update
//      the Storage the RawNode reads (MemoryStorage::ApplySnapshot / Append /
//      SetHardState).
//   2. Send ready.messages.
//   3. Apply: restore ready.snapshot into the state machine, then apply
//      ready.committed_entries in order.
//   4. Serve ready.read_states once the applied index reaches theirs.
//   5. Advance().
//
// A Ready refers to the RawNode's memory: between GetReady() and Advance()
// call nothing else on the RawNode (checked). Committed entries may include
// entries persisted by the same Ready (step 1 comes first, so that is safe).
// Membership changes among the committed entries take effect at Advance().
#ifndef EKV_ENGINE_RAFT_RAW_NODE_H_
#define EKV_ENGINE_RAFT_RAW_NODE_H_

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "engine/proto/raft.pb.h"
#include "engine/raft/config.h"
#include "engine/raft/raft.h"
#include "engine/raft/storage.h"

namespace ekv::raft {

// Volatile state worth telling the application about when it changes.
struct SoftState {
  NodeId lead = kNoNode;
  Role role = Role::kFollower;
  bool operator==(const SoftState& o) const {
    return lead == o.lead && role == o.role;
  }
  bool operator!=(const SoftState& o) const { return !(*this == o); }
};

struct Ready {
  // Persist first.
  const raftpb::Snapshot* snapshot = nullptr;
  absl::Span<const raftpb::Entry> entries;
  std::optional<raftpb::HardState> hard_state;  // set when it changed
  bool must_sync = false;
  // Then send.
  std::vector<raftpb::Message> messages;
  // Then apply.
  absl::Span<const raftpb::Entry> committed_entries;
  std::vector<ReadState> read_states;
  // Set when it changed.
  std::optional<SoftState> soft_state;
};

struct ProgressStatus {
  uint64_t match = 0;
  uint64_t next = 0;
  ProgressState state = ProgressState::kProbe;
  bool is_learner = false;
};

// A snapshot of a member's state, for tests, checkers and operators.
struct RaftStatus {
  NodeId id = kNoNode;
  uint64_t term = 0;
  NodeId vote = kNoNode;
  NodeId lead = kNoNode;
  Role role = Role::kFollower;
  uint64_t commit = 0;
  uint64_t applied = 0;
  uint64_t first_index = 0;
  uint64_t last_index = 0;
  NodeId lead_transferee = kNoNode;
  bool lease_valid = false;
  raftpb::ConfState conf_state;
  std::map<NodeId, ProgressStatus> progress;  // leader only
  RaftCounters counters;
};

class RawNode {
 public:
  // `storage` outlives the RawNode. The config must pass Validate(); its
  // applied_index must match the state machine (restart: the snapshot's
  // index), and storage->conf_state() the membership at that index.
  RawNode(const Config& config, const Storage* storage);

  void Tick();
  // See Raft::Step.
  absl::Status Step(raftpb::Message&& message);
  absl::Status Step(const raftpb::Message& message) {
    return Step(raftpb::Message(message));
  }
  absl::StatusOr<EntryId> Propose(std::string data);
  absl::StatusOr<EntryId> ProposeConfChange(const raftpb::ConfChange& change);
  absl::Status ReadIndex(uint64_t request_id);
  absl::Status TransferLeadership(NodeId to);
  void Campaign();

  bool HasReady() const;
  Ready& GetReady();
  void Advance();
  // How many Readies GetReady has handed out. Every change of the protocol
  // state (term, vote, role, log, commit) shows in a Ready, so a checker that
  // sees this unchanged knows the state is as it last looked.
  uint64_t readies_issued() const { return readies_issued_; }

  bool LeaseValid() const { return raft_.LeaseValid(); }
  RaftStatus GetStatus() const;
  const Raft& raft() const { return raft_; }

 private:
  void CheckNoReadyOutstanding() const;
  SoftState soft_state() const { return SoftState{raft_.lead(), raft_.role()}; }
  void ApplyConfChanges(absl::Span<const raftpb::Entry> entries);

  Raft raft_;
  Ready ready_;
  bool ready_outstanding_ = false;
  uint64_t readies_issued_ = 0;
  raftpb::HardState prev_hard_state_;
  SoftState prev_soft_state_;
  std::vector<raftpb::Entry> committed_scratch_;
};

}  // namespace ekv::raft

#endif  // EKV_ENGINE_RAFT_RAW_NODE_H_
