// Membership changes, one member at a time: add and remove voters and
// learners, promote a learner; a change takes effect when applied, and the
// next may be proposed only then.
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

using raftpb::ConfChange;
using testing::MakeEntry;
using testing::MakeMessage;
using testing::Solo;
using testing::TestCluster;

ConfChange Change(raftpb::ConfChangeType type, NodeId id) {
  ConfChange change;
  change.set_type(type);
  change.set_node_id(id);
  return change;
}

std::vector<uint64_t> Voters(const Raft& r) {
  const raftpb::ConfState cs = r.conf_state();
  return {cs.voters().begin(), cs.voters().end()};
}

std::vector<uint64_t> Learners(const Raft& r) {
  const raftpb::ConfState cs = r.conf_state();
  return {cs.learners().begin(), cs.learners().end()};
}

TEST(Membership, AddedVoterCatchesUpAndCountsInTheQuorum) {
  TestCluster c({1, 2, 3});
  c.ElectLeader(1);
  ASSERT_TRUE(c.Propose(1, "before").ok());
  c.Stabilize();
  c.AddEmptyMember(4);
  ASSERT_TRUE(c.node(1)
                  .ProposeConfChange(Change(raftpb::CONF_CHANGE_ADD_VOTER, 4))
                  .ok());
  c.Stabilize();
  c.Tick(1);
  c.Stabilize();
  for (NodeId id : {1, 2, 3, 4}) {
    EXPECT_EQ(Voters(c.raft(id)), (std::vector<uint64_t>{1, 2, 3, 4}))
        << "member " << id;
  }
  EXPECT_EQ(c.AppliedData(4), std::vector<std::string>{"before"});
  // With four voters, the leader and one follower are no longer a quorum.
  c.Isolate(3);
  c.Isolate(4);
  ASSERT_TRUE(c.Propose(1, "needs three").ok());
  c.Stabilize();
  EXPECT_EQ(c.AppliedData(1).size(), 1u);
  c.Heal();
  c.Tick(1);
  c.Stabilize();
  EXPECT_EQ(c.AppliedData(1).size(), 2u);
}

TEST(Membership, LearnerReceivesTheLogButNeitherVotesNorCounts) {
  TestCluster c({1, 2});
  c.ElectLeader(1);
  c.AddEmptyMember(3);
  ASSERT_TRUE(c.node(1)
                  .ProposeConfChange(Change(raftpb::CONF_CHANGE_ADD_LEARNER, 3))
                  .ok());
  c.Stabilize();
  c.Tick(1);
  c.Stabilize();
  EXPECT_EQ(Learners(c.raft(1)), std::vector<uint64_t>{3});
  EXPECT_EQ(Voters(c.raft(1)), (std::vector<uint64_t>{1, 2}));
  ASSERT_TRUE(c.Propose(1, "x").ok());
  c.Stabilize();
  EXPECT_EQ(c.AppliedData(3), std::vector<std::string>{"x"});
  // The learner does not make a quorum with the leader.
  c.Isolate(2);
  ASSERT_TRUE(c.Propose(1, "y").ok());
  c.Stabilize();
  EXPECT_EQ(c.AppliedData(1), std::vector<std::string>{"x"});
}

TEST(Membership, LearnerIsPromotedToVoter) {
  TestCluster c({1, 2}, {}, {3});
  c.ElectLeader(1);
  ASSERT_TRUE(c.Propose(1, "x").ok());
  c.Stabilize();
  ASSERT_TRUE(c.node(1)
                  .ProposeConfChange(Change(raftpb::CONF_CHANGE_ADD_VOTER, 3))
                  .ok());
  c.Stabilize();
  for (NodeId id : {1, 2, 3}) {
    EXPECT_EQ(Voters(c.raft(id)), (std::vector<uint64_t>{1, 2, 3}));
    EXPECT_TRUE(Learners(c.raft(id)).empty());
  }
  // Now it can lead.
  ASSERT_TRUE(c.node(1).TransferLeadership(3).ok());
  c.Stabilize();
  EXPECT_EQ(c.Leader(), 3u);
}

TEST(Membership, RemovedFollowerLeavesTheQuorum) {
  TestCluster c({1, 2, 3});
  c.ElectLeader(1);
  ASSERT_TRUE(c.node(1)
                  .ProposeConfChange(Change(raftpb::CONF_CHANGE_REMOVE_NODE, 3))
                  .ok());
  c.Stabilize();
  EXPECT_EQ(Voters(c.raft(1)), (std::vector<uint64_t>{1, 2}));
  c.Crash(3);
  ASSERT_TRUE(c.Propose(1, "x").ok());
  c.Stabilize();
  EXPECT_EQ(c.AppliedData(2), std::vector<std::string>{"x"});
}

TEST(Membership, RemovedLeaderStepsDownAndTheOthersElectANewOne) {
  TestCluster c({1, 2, 3});
  c.ElectLeader(1);
  ASSERT_TRUE(c.node(1)
                  .ProposeConfChange(Change(raftpb::CONF_CHANGE_REMOVE_NODE, 1))
                  .ok());
  c.Stabilize();
  EXPECT_EQ(c.raft(1).role(), Role::kFollower);
  for (int t = 0; t < 100 && (c.Leader() == kNoNode || c.Leader() == 1); ++t) {
    c.TickAll();
    c.Stabilize();
  }
  const NodeId leader = c.Leader();
  EXPECT_TRUE(leader == 2 || leader == 3) << leader;
  EXPECT_EQ(Voters(c.raft(leader)), (std::vector<uint64_t>{2, 3}));
}

TEST(Membership, OneChangeAtATime) {
  TestCluster c({1, 2, 3});
  c.ElectLeader(1);
  c.AddEmptyMember(4);
  c.AddEmptyMember(5);
  ASSERT_TRUE(c.node(1)
                  .ProposeConfChange(Change(raftpb::CONF_CHANGE_ADD_LEARNER, 4))
                  .ok());
  const absl::StatusOr<EntryId> second =
      c.node(1).ProposeConfChange(Change(raftpb::CONF_CHANGE_ADD_LEARNER, 5));
  EXPECT_TRUE(absl::IsFailedPrecondition(second.status()));
  c.Stabilize();
  EXPECT_TRUE(c.node(1)
                  .ProposeConfChange(Change(raftpb::CONF_CHANGE_ADD_LEARNER, 5))
                  .ok())
      << "once the first is applied, the next may go";
}

TEST(Membership, NewLeaderWaitsForItsFirstEntryToApplyBeforeAChange) {
  Solo s(1, {1, 2, 3});
  s.BecomeLeader();
  s.Drain();
  const absl::StatusOr<EntryId> early =
      s.node().ProposeConfChange(Change(raftpb::CONF_CHANGE_ADD_LEARNER, 4));
  EXPECT_TRUE(absl::IsFailedPrecondition(early.status()));
  raftpb::Message ack = MakeMessage(raftpb::MSG_APP_RESP, 2, 1, 1);
  ack.set_index(1);
  s.Step(ack);
  EXPECT_TRUE(s.node()
                  .ProposeConfChange(Change(raftpb::CONF_CHANGE_ADD_LEARNER, 4))
                  .ok());
}

TEST(Membership, ChangesThatDoNotFitTheMembershipAreRefused) {
  TestCluster c({1, 2}, {}, {3});
  c.ElectLeader(1);
  const auto refused = [&](raftpb::ConfChangeType type, NodeId id) {
    return IsErrorKind(c.node(1).ProposeConfChange(Change(type, id)).status(),
                       ErrorKind::kInvalidRequest);
  };
  EXPECT_TRUE(refused(raftpb::CONF_CHANGE_ADD_VOTER, 2)) << "already a voter";
  EXPECT_TRUE(refused(raftpb::CONF_CHANGE_ADD_LEARNER, 2)) << "demotion";
  EXPECT_TRUE(refused(raftpb::CONF_CHANGE_ADD_LEARNER, 3)) << "already one";
  EXPECT_TRUE(refused(raftpb::CONF_CHANGE_REMOVE_NODE, 9)) << "not a member";
  EXPECT_TRUE(refused(raftpb::CONF_CHANGE_ADD_VOTER, 0)) << "node 0";
  TestCluster single({1});
  single.ElectLeader(1);
  EXPECT_TRUE(IsErrorKind(
      single.node(1)
          .ProposeConfChange(Change(raftpb::CONF_CHANGE_REMOVE_NODE, 1))
          .status(),
      ErrorKind::kInvalidRequest))
      << "the last voter";
}

TEST(Membership, RestartReplaysChangesFromTheLog) {
  TestCluster c({1, 2, 3});
  c.ElectLeader(1);
  c.AddEmptyMember(4);
  ASSERT_TRUE(c.node(1)
                  .ProposeConfChange(Change(raftpb::CONF_CHANGE_ADD_LEARNER, 4))
                  .ok());
  c.Stabilize();
  c.Crash(2);
  c.Restart(2);
  c.Stabilize();
  EXPECT_EQ(Learners(c.raft(2)), std::vector<uint64_t>{4});
}

TEST(Membership, CommittedButUnappliedChangeBlocksCampaigning) {
  Solo s(2, {1, 2, 3}, {MakeEntry(1, 1)}, 1);
  raftpb::Message app = MakeMessage(raftpb::MSG_APP, 1, 2, 1);
  app.set_index(1);
  app.set_log_term(1);
  raftpb::Entry change = MakeEntry(2, 1);
  change.set_type(raftpb::ENTRY_CONF_CHANGE);
  change.set_data(
      Change(raftpb::CONF_CHANGE_REMOVE_NODE, 3).SerializeAsString());
  *app.add_entries() = change;
  app.set_commit(2);
  ASSERT_TRUE(s.node().Step(app).ok());  // not drained: committed, unapplied
  s.node().Campaign();
  EXPECT_EQ(s.raft().role(), Role::kFollower);
  s.Drain();
  EXPECT_EQ(Voters(s.raft()), (std::vector<uint64_t>{1, 2}));
  s.node().Campaign();
  EXPECT_NE(s.raft().role(), Role::kFollower);
}

}  // namespace
}  // namespace ekv::raft
