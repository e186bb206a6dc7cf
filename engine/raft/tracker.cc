#include "engine/raft/tracker.h"

#include <algorithm>
#include <functional>

#include "absl/container/inlined_vector.h"
#include "engine/base/check.h"

namespace ekv::raft {

ProgressTracker::ProgressTracker(int max_inflight_msgs,
                                 uint64_t max_inflight_bytes)
    : max_inflight_msgs_(max_inflight_msgs),
      max_inflight_bytes_(max_inflight_bytes) {}

Progress ProgressTracker::NewProgress(uint64_t next_index,
                                      bool is_learner) const {
  return Progress(next_index, max_inflight_msgs_, max_inflight_bytes_,
                  is_learner);
}

void ProgressTracker::Reset(const raftpb::ConfState& conf_state,
                            uint64_t next_index) {
  voters_.clear();
  progress_.clear();
  votes_.clear();
  for (uint64_t id : conf_state.voters()) AddVoter(id, next_index);
  for (uint64_t id : conf_state.learners()) {
    if (!IsVoter(id)) AddLearner(id, next_index);
  }
}

void ProgressTracker::AddVoter(NodeId id, uint64_t next_index) {
  EKV_CHECK_NE(id, kNoNode);
  auto it = progress_.find(id);
  if (it == progress_.end()) {
    progress_.emplace(id, NewProgress(next_index, /*is_learner=*/false));
  } else {
    it->second.is_learner = false;  // promotion keeps the learner's progress
  }
  if (!IsVoter(id)) {
    voters_.insert(std::upper_bound(voters_.begin(), voters_.end(), id), id);
  }
}

void ProgressTracker::AddLearner(NodeId id, uint64_t next_index) {
  EKV_CHECK_NE(id, kNoNode);
  EKV_CHECK(!IsVoter(id)) << "demoting a voter to a learner is not supported";
  if (progress_.count(id) == 0) {
    progress_.emplace(id, NewProgress(next_index, /*is_learner=*/true));
  }
}

void ProgressTracker::Remove(NodeId id) {
  progress_.erase(id);
  votes_.erase(id);
  voters_.erase(std::remove(voters_.begin(), voters_.end(), id), voters_.end());
}

raftpb::ConfState ProgressTracker::conf_state() const {
  raftpb::ConfState state;
  for (NodeId id : voters_) state.add_voters(id);
  for (const auto& [id, progress] : progress_) {
    if (progress.is_learner) state.add_learners(id);
  }
  return state;
}

bool ProgressTracker::IsVoter(NodeId id) const {
  return std::binary_search(voters_.begin(), voters_.end(), id);
}

Progress* ProgressTracker::Find(NodeId id) {
  auto it = progress_.find(id);
  return it == progress_.end() ? nullptr : &it->second;
}

const Progress* ProgressTracker::Find(NodeId id) const {
  auto it = progress_.find(id);
  return it == progress_.end() ? nullptr : &it->second;
}

template <typename Value>
uint64_t ProgressTracker::QuorumValue(Value value) const {
  if (voters_.empty()) return 0;
  absl::InlinedVector<uint64_t, 8> values;
  for (NodeId id : voters_) values.push_back(value(progress_.at(id)));
  // The quorum-th largest value: a majority has at least this much.
  const size_t quorum_position = values.size() / 2;
  std::nth_element(values.begin(), values.begin() + quorum_position,
                   values.end(), std::greater<uint64_t>());
  return values[quorum_position];
}

uint64_t ProgressTracker::QuorumMatchIndex() const {
  return QuorumValue([](const Progress& p) { return p.match(); });
}

uint64_t ProgressTracker::QuorumAckedRound() const {
  return QuorumValue([](const Progress& p) { return p.heartbeat_round_acked; });
}

bool ProgressTracker::QuorumActive(NodeId self) const {
  size_t active = 0;
  for (NodeId id : voters_) {
    if (id == self || progress_.at(id).recent_active) ++active;
  }
  return active > voters_.size() / 2;
}

void ProgressTracker::ResetRecentActive(NodeId self) {
  for (auto& [id, progress] : progress_) progress.recent_active = id == self;
}

void ProgressTracker::RecordVote(NodeId id, bool granted) {
  votes_.emplace(id, granted);  // the first answer counts
}

VoteResult ProgressTracker::TallyVotes() const {
  size_t granted = 0;
  size_t rejected = 0;
  for (NodeId id : voters_) {
    auto it = votes_.find(id);
    if (it == votes_.end()) continue;
    (it->second ? granted : rejected) += 1;
  }
  const size_t quorum = voters_.size() / 2 + 1;
  if (granted >= quorum) return VoteResult::kWon;
  if (rejected > voters_.size() - quorum) return VoteResult::kLost;
  return VoteResult::kPending;
}

}  // namespace ekv::raft
