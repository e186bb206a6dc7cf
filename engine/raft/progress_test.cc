// Flow control and quorum arithmetic: Inflights, Progress, ProgressTracker.
#include "engine/raft/progress.h"

#include <vector>

#include "engine/proto/raft.pb.h"
#include "engine/raft/inflights.h"
#include "engine/raft/tracker.h"
#include "gtest/gtest.h"
#include "rapidcheck.h"
#include "rapidcheck/gtest.h"

namespace ekv::raft {
namespace {

TEST(Inflights, FullByCountOrBytes) {
  Inflights by_count(3, 1000);
  for (uint64_t i = 1; i <= 3; ++i) by_count.Add(i, 10);
  EXPECT_TRUE(by_count.Full());
  by_count.FreeLE(1);
  EXPECT_FALSE(by_count.Full());
  Inflights by_bytes(100, 50);
  by_bytes.Add(1, 30);
  EXPECT_FALSE(by_bytes.Full());
  by_bytes.Add(2, 30);
  EXPECT_TRUE(by_bytes.Full());
  by_bytes.FreeFirstOne();
  EXPECT_EQ(by_bytes.count(), 1);
  EXPECT_EQ(by_bytes.bytes(), 30u);
}

RC_GTEST_PROP(InflightsProperties, MatchesASimpleQueue,
              (const std::vector<uint8_t>& ops)) {
  Inflights window(8, 1 << 20);
  std::vector<std::pair<uint64_t, uint64_t>> model;
  uint64_t next = 1;
  for (uint8_t op : ops) {
    if (op % 3 != 0 && !window.Full()) {
      window.Add(next, op);
      model.emplace_back(next, op);
      ++next;
    } else if (!model.empty()) {
      const uint64_t upto = model.front().first + op % 3;
      window.FreeLE(upto);
      while (!model.empty() && model.front().first <= upto) {
        model.erase(model.begin());
      }
    }
    uint64_t bytes = 0;
    for (const auto& [index, b] : model) bytes += b;
    RC_ASSERT(window.count() == static_cast<int>(model.size()));
    RC_ASSERT(window.bytes() == bytes);
  }
}

TEST(Progress, ProbeSendsOneAtATime) {
  Progress pr(5, 4, 1000, false);
  EXPECT_FALSE(pr.IsPaused());
  pr.SentEntries(6, 2, 20);
  EXPECT_TRUE(pr.IsPaused());
  pr.OnHeartbeatResponse();
  EXPECT_FALSE(pr.IsPaused());
}

TEST(Progress, ReplicateAdvancesNextOptimisticallyAndFillsTheWindow) {
  Progress pr(1, 2, 1000, false);
  pr.MaybeUpdate(4);
  pr.BecomeReplicate();
  EXPECT_EQ(pr.next(), 5u);
  pr.SentEntries(6, 2, 10);
  EXPECT_EQ(pr.next(), 7u);
  pr.SentEntries(8, 2, 10);
  EXPECT_TRUE(pr.IsPaused());
  pr.MaybeUpdate(6);
  EXPECT_FALSE(pr.IsPaused());
}

TEST(Progress, RejectionsMoveNextBackOnlyWhenTheyAreNews) {
  Progress pr(1, 4, 1000, false);
  pr.MaybeUpdate(5);
  pr.BecomeReplicate();
  pr.SentEntries(9, 4, 10);
  EXPECT_FALSE(pr.MaybeDecrTo(5, 5)) << "below match: stale";
  EXPECT_TRUE(pr.MaybeDecrTo(8, 6));
  EXPECT_EQ(pr.next(), 6u) << "replicate falls back to match + 1";

  Progress probe(10, 4, 1000, false);
  EXPECT_FALSE(probe.MaybeDecrTo(7, 3)) << "not the outstanding probe";
  EXPECT_TRUE(probe.MaybeDecrTo(9, 3));
  EXPECT_EQ(probe.next(), 4u) << "jumps to the hint";

  Progress stuck(6, 4, 1000, false);
  stuck.MaybeUpdate(5);
  stuck.SentEntries(7, 2, 20);
  EXPECT_FALSE(stuck.MaybeDecrTo(5, 2))
      << "a rejection at match cannot move next: wait for a heartbeat";
  EXPECT_EQ(stuck.next(), 6u);
  EXPECT_TRUE(stuck.IsPaused());
  stuck.OnHeartbeatResponse();
  EXPECT_FALSE(stuck.IsPaused());
}

TEST(Progress, SnapshotStateLeavesAtTheSnapshotIndex) {
  Progress pr(3, 4, 1000, false);
  auto snapshot = std::make_shared<raftpb::Snapshot>();
  snapshot->mutable_metadata()->set_index(20);
  pr.BecomeSnapshot(snapshot);
  EXPECT_TRUE(pr.IsPaused());
  EXPECT_EQ(pr.pending_snapshot(), 20u);
  pr.BecomeProbe();
  EXPECT_EQ(pr.next(), 21u);
}

raftpb::ConfState Conf(std::vector<uint64_t> voters,
                       std::vector<uint64_t> learners = {}) {
  raftpb::ConfState cs;
  for (uint64_t v : voters) cs.add_voters(v);
  for (uint64_t l : learners) cs.add_learners(l);
  return cs;
}

TEST(ProgressTracker, QuorumMatchIsTheMajoritysIndex) {
  ProgressTracker tracker(4, 1000);
  tracker.Reset(Conf({1, 2, 3, 4, 5}, {6}), 1);
  const uint64_t matches[] = {0, 9, 7, 5, 3, 1, 100};
  for (uint64_t id = 1; id <= 6; ++id)
    tracker.Find(id)->MaybeUpdate(matches[id]);
  EXPECT_EQ(tracker.QuorumMatchIndex(), 5u) << "learner 6 does not count";
}

TEST(ProgressTracker, VotesAreTalliedOverVotersOnly) {
  ProgressTracker tracker(4, 1000);
  tracker.Reset(Conf({1, 2, 3}, {4}), 1);
  tracker.RecordVote(1, true);
  tracker.RecordVote(4, true);
  EXPECT_EQ(tracker.TallyVotes(), VoteResult::kPending);
  tracker.RecordVote(2, false);
  tracker.RecordVote(2, true);  // the first answer counts
  EXPECT_EQ(tracker.TallyVotes(), VoteResult::kPending);
  tracker.RecordVote(3, false);
  EXPECT_EQ(tracker.TallyVotes(), VoteResult::kLost);
}

TEST(ProgressTracker, MembershipChangesKeepVotersSortedAndPromoteLearners) {
  ProgressTracker tracker(4, 1000);
  tracker.Reset(Conf({3, 1}, {2}), 1);
  tracker.Find(2)->MaybeUpdate(7);
  tracker.AddVoter(2, 10);
  EXPECT_EQ(tracker.voters(), (std::vector<NodeId>{1, 2, 3}));
  EXPECT_EQ(tracker.Find(2)->match(), 7u) << "promotion keeps progress";
  tracker.Remove(1);
  const raftpb::ConfState cs = tracker.conf_state();
  EXPECT_EQ(cs.voters_size(), 2);
  EXPECT_EQ(cs.learners_size(), 0);
}

TEST(ProgressTracker, QuorumActiveCountsSelf) {
  ProgressTracker tracker(4, 1000);
  tracker.Reset(Conf({1, 2, 3}), 1);
  tracker.ResetRecentActive(1);
  EXPECT_FALSE(tracker.QuorumActive(1));
  tracker.Find(3)->recent_active = true;
  EXPECT_TRUE(tracker.QuorumActive(1));
}

}  // namespace
}  // namespace ekv::raft
