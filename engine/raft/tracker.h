// ProgressTracker: the group's membership (voters and learners), the leader's
// Progress for every member, and the votes of an election — with the quorum
// arithmetic over them (commit index, acknowledged heartbeat round, recent
// activity, election outcome).
//
// Membership is a plain majority configuration: changes come one member at a
// time (see raft.h), so no joint quorums are needed. Members are kept in
// ordered maps so that iteration order is the same on every run.
#ifndef EKV_ENGINE_RAFT_TRACKER_H_
#define EKV_ENGINE_RAFT_TRACKER_H_

#include <cstdint>
#include <map>
#include <vector>

#include "engine/proto/raft.pb.h"
#include "engine/raft/config.h"
#include "engine/raft/progress.h"

namespace ekv::raft {

enum class VoteResult { kPending, kWon, kLost };

class ProgressTracker {
 public:
  ProgressTracker(int max_inflight_msgs, uint64_t max_inflight_bytes);

  // Replaces the membership; every member gets a fresh Progress with next =
  // `next_index`.
  void Reset(const raftpb::ConfState& conf_state, uint64_t next_index);
  // Membership changes, one member at a time. A new member's progress starts
  // at `next_index` and counts as recently active.
  void AddVoter(NodeId id, uint64_t next_index);
  void AddLearner(NodeId id, uint64_t next_index);
  void Remove(NodeId id);

  raftpb::ConfState conf_state() const;
  const std::vector<NodeId>& voters() const { return voters_; }
  bool IsVoter(NodeId id) const;
  bool IsMember(NodeId id) const { return progress_.count(id) > 0; }

  Progress* Find(NodeId id);
  const Progress* Find(NodeId id) const;
  std::map<NodeId, Progress>& progress() { return progress_; }
  const std::map<NodeId, Progress>& progress() const { return progress_; }

  // The largest index a quorum of voters has (0 without voters).
  uint64_t QuorumMatchIndex() const;
  // The largest heartbeat round a quorum of voters acknowledged.
  uint64_t QuorumAckedRound() const;
  // Whether a quorum of voters was recently active (`self` always counts).
  bool QuorumActive(NodeId self) const;
  void ResetRecentActive(NodeId self);

  void ResetVotes() { votes_.clear(); }
  void RecordVote(NodeId id, bool granted);
  VoteResult TallyVotes() const;

 private:
  template <typename Value>
  uint64_t QuorumValue(Value value) const;
  Progress NewProgress(uint64_t next_index, bool is_learner) const;

  const int max_inflight_msgs_;
  const uint64_t max_inflight_bytes_;
  std::vector<NodeId> voters_;  // sorted
  std::map<NodeId, Progress> progress_;
  std::map<NodeId, bool> votes_;
};

}  // namespace ekv::raft

#endif  // EKV_ENGINE_RAFT_TRACKER_H_
