// Leadership transfer: catch the target up, tell it to campaign, give up
// after transfer_timeout_ticks.
#include <string>
#include <vector>

#include "engine/base/status.h"
#include "engine/proto/raft.pb.h"
#include "engine/raft/raw_node.h"
#include "engine/raft/testing/cluster.h"
#include "engine/raft/testing/solo.h"
#include "gtest/gtest.h"

namespace ekv::raft {
namespace {

using raftpb::Message;
using testing::TestCluster;

TEST(Transfer, UpToDateTargetBecomesLeaderAtOnce) {
  TestCluster c({1, 2, 3});
  c.ElectLeader(1);
  const uint64_t term = c.raft(1).term();
  ASSERT_TRUE(c.node(1).TransferLeadership(2).ok());
  c.Stabilize();
  EXPECT_EQ(c.Leader(), 2u);
  EXPECT_EQ(c.raft(2).term(), term + 1);
  EXPECT_EQ(c.raft(1).role(), Role::kFollower);
}

TEST(Transfer, LaggingTargetIsCaughtUpFirst) {
  TestCluster c({1, 2, 3});
  c.ElectLeader(1);
  c.Isolate(3);
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(c.Propose(1, "x").ok());
  c.Stabilize();
  ASSERT_LT(c.raft(3).log().LastIndex(), c.raft(1).log().LastIndex());
  c.Heal();
  ASSERT_TRUE(c.node(1).TransferLeadership(3).ok());
  for (int t = 0; t < 5 && c.Leader() != 3; ++t) {
    c.Stabilize();
    c.TickAll();
  }
  EXPECT_EQ(c.Leader(), 3u);
  EXPECT_EQ(c.AppliedData(3).size(), 5u) << "the new leader has every entry";
}

TEST(Transfer, ProposalsAreRefusedWhileInProgressNamingTheTarget) {
  TestCluster c({1, 2, 3});
  c.ElectLeader(1);
  c.Isolate(2);
  ASSERT_TRUE(c.Propose(1, "x").ok());
  c.Stabilize();
  ASSERT_TRUE(c.node(1).TransferLeadership(2).ok());
  const absl::StatusOr<EntryId> result = c.Propose(1, "y");
  ASSERT_FALSE(result.ok());
  EXPECT_TRUE(IsErrorKind(result.status(), ErrorKind::kNotLeader));
  EXPECT_EQ(GetLeaderHint(result.status()), 2);
}

TEST(Transfer, TimesOutAndTheLeaderCarriesOn) {
  TestCluster c({1, 2, 3});
  c.ElectLeader(1);
  c.Crash(2);
  ASSERT_TRUE(c.Propose(1, "x").ok());
  c.Stabilize();
  ASSERT_TRUE(c.node(1).TransferLeadership(2).ok());
  int ticks = 0;
  while (c.raft(1).lead_transferee() != kNoNode && ticks < 100) {
    c.Tick(1);
    c.Tick(3);
    c.Stabilize();
    ++ticks;
  }
  EXPECT_EQ(ticks, c.raft(1).config().transfer_timeout_ticks);
  EXPECT_EQ(c.Leader(), 1u);
  EXPECT_TRUE(c.Propose(1, "y").ok()) << "proposals are accepted again";
}

TEST(Transfer, RefusedForNonVotersAndTrivialForSelf) {
  TestCluster c({1, 2}, {}, {3});
  c.ElectLeader(1);
  EXPECT_TRUE(
      IsErrorKind(c.node(1).TransferLeadership(3), ErrorKind::kInvalidRequest));
  EXPECT_TRUE(
      IsErrorKind(c.node(1).TransferLeadership(9), ErrorKind::kInvalidRequest));
  EXPECT_TRUE(c.node(1).TransferLeadership(1).ok());
  EXPECT_EQ(c.raft(1).lead_transferee(), kNoNode);
  EXPECT_TRUE(
      IsErrorKind(c.node(2).TransferLeadership(1), ErrorKind::kNotLeader));
}

TEST(Transfer, ANewerTransferReplacesTheOlderOne) {
  TestCluster c({1, 2, 3});
  c.ElectLeader(1);
  c.Isolate(2);
  ASSERT_TRUE(c.node(1).TransferLeadership(2).ok());
  c.Stabilize();
  ASSERT_TRUE(c.node(1).TransferLeadership(3).ok());
  c.Stabilize();
  EXPECT_EQ(c.Leader(), 3u);
}

}  // namespace
}  // namespace ekv::raft
