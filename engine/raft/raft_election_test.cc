// Elections beyond the paper: pre-vote, check-quorum, and the vote side of
// leases (a voter that heard from a leader recently grants no vote).
#include <string>
#include <vector>

#include "engine/proto/raft.pb.h"
#include "engine/raft/raw_node.h"
#include "engine/raft/testing/cluster.h"
#include "engine/raft/testing/solo.h"
#include "gtest/gtest.h"

namespace ekv::raft {
namespace {

using raftpb::Message;
using testing::MakeEntry;
using testing::MakeMessage;
using testing::OfType;
using testing::Solo;
using testing::TestCluster;

constexpr int kElectionTicks = 10;

TEST(PreVote, PreCandidateAsksWithoutRaisingItsTerm) {
  Solo s(1, {1, 2, 3}, {}, 5);
  s.PassBootLease();
  s.node().Campaign();
  const std::vector<Message> sent = OfType(s.Drain(), raftpb::MSG_PRE_VOTE);
  EXPECT_EQ(s.raft().role(), Role::kPreCandidate);
  EXPECT_EQ(s.raft().term(), 5u) << "the term rises only in the real election";
  EXPECT_EQ(s.raft().vote(), kNoNode);
  ASSERT_EQ(sent.size(), 2u);
  for (const Message& m : sent) EXPECT_EQ(m.term(), 6u);
}

TEST(PreVote, WinningThePreVoteStartsTheRealElection) {
  Solo s(1, {1, 2, 3}, {}, 5);
  s.node().Campaign();
  s.Drain();
  const std::vector<Message> sent =
      s.Step(MakeMessage(raftpb::MSG_PRE_VOTE_RESP, 2, 1, 6));
  EXPECT_EQ(s.raft().role(), Role::kCandidate);
  EXPECT_EQ(s.raft().term(), 6u);
  EXPECT_EQ(OfType(sent, raftpb::MSG_VOTE).size(), 2u);
}

TEST(PreVote, LosingThePreVoteLeavesNoTrace) {
  Solo s(1, {1, 2, 3}, {}, 5);
  s.node().Campaign();
  s.Drain();
  for (NodeId from : {2, 3}) {
    Message reject = MakeMessage(raftpb::MSG_PRE_VOTE_RESP, from, 1, 5);
    reject.set_reject(true);
    s.Step(reject);
  }
  EXPECT_EQ(s.raft().role(), Role::kFollower);
  EXPECT_EQ(s.raft().term(), 5u);
}

TEST(PreVote, GrantingAPreVoteChangesNothingOnTheVoter) {
  Solo s(2, {1, 2, 3}, {}, 5);
  s.PassBootLease();
  const uint64_t term = s.raft().term();
  Message pre_vote = MakeMessage(raftpb::MSG_PRE_VOTE, 1, 2, term + 1);
  const std::vector<Message> sent = s.Step(pre_vote);
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_FALSE(sent[0].reject());
  EXPECT_EQ(sent[0].term(), term + 1);
  EXPECT_EQ(s.raft().term(), term);
  EXPECT_EQ(s.raft().vote(), kNoNode);
}

TEST(PreVote, RejoiningPartitionedMemberDoesNotDeposeAHealthyLeader) {
  TestCluster c({1, 2, 3});
  c.ElectLeader(1);
  const uint64_t term = c.raft(1).term();
  c.Isolate(3);
  for (int t = 0; t < 10 * kElectionTicks; ++t) {
    c.TickAll();
    c.Stabilize();
  }
  EXPECT_EQ(c.raft(3).term(), term) << "pre-votes that fail raise no term";
  EXPECT_EQ(c.Leader(), 1u);
  c.Heal();
  for (int t = 0; t < 3 * kElectionTicks; ++t) {
    c.TickAll();
    c.Stabilize();
  }
  EXPECT_EQ(c.Leader(), 1u);
  EXPECT_EQ(c.raft(1).term(), term) << "the leader was never deposed";
  EXPECT_EQ(c.raft(3).lead(), 1u);
  ASSERT_TRUE(c.Propose(1, "after").ok());
  c.Stabilize();
  EXPECT_EQ(c.AppliedData(3), std::vector<std::string>{"after"});
}

TEST(CheckQuorum, LeaderStepsDownWithoutRecentContactWithAQuorum) {
  TestCluster c({1, 2, 3});
  c.ElectLeader(1);
  c.Isolate(1);
  int ticks = 0;
  while (c.raft(1).role() == Role::kLeader && ticks < 5 * kElectionTicks) {
    c.Tick(1);
    c.Stabilize();
    ++ticks;
  }
  EXPECT_EQ(c.raft(1).role(), Role::kFollower);
  EXPECT_LE(ticks, 2 * kElectionTicks);
}

TEST(CheckQuorum, LeaderStaysWhileAQuorumAnswers) {
  TestCluster c({1, 2, 3});
  c.ElectLeader(1);
  c.Isolate(3);
  for (int t = 0; t < 5 * kElectionTicks; ++t) {
    c.TickAll();
    c.Stabilize();
  }
  EXPECT_EQ(c.Leader(), 1u);
}

TEST(CheckQuorum, WithoutPreVoteAStuckMemberStillRejoins) {
  // Without pre-vote the cut-off member raises its term; its vote requests
  // are ignored (the others heard from the leader), but the leader learns
  // the higher term from its answer to a heartbeat and a new election lets
  // the member back in.
  TestCluster c({1, 2, 3}, [](Config& cfg) { cfg.pre_vote = false; });
  c.ElectLeader(1);
  c.Isolate(3);
  for (int t = 0; t < 5 * kElectionTicks; ++t) {
    c.TickAll();
    c.Stabilize();
  }
  EXPECT_GT(c.raft(3).term(), c.raft(1).term());
  c.Heal();
  for (int t = 0; t < 10 * kElectionTicks; ++t) {
    c.TickAll();
    c.Stabilize();
  }
  const NodeId leader = c.Leader();
  ASSERT_NE(leader, kNoNode);
  EXPECT_EQ(c.raft(3).term(), c.raft(leader).term());
}

TEST(LeaseVotes, FollowerThatHeardFromALeaderIgnoresHigherTermVotes) {
  Solo s(2, {1, 2, 3}, {}, 1);
  s.PassBootLease();
  s.Step(MakeMessage(raftpb::MSG_HEARTBEAT, 1, 2, 2));  // leader 1, term 2
  for (raftpb::MessageType type : {raftpb::MSG_VOTE, raftpb::MSG_PRE_VOTE}) {
    Message vote = MakeMessage(type, 3, 2, 3);
    vote.set_index(100);
    vote.set_log_term(2);
    EXPECT_TRUE(s.Step(vote).empty()) << "no answer at all";
    EXPECT_EQ(s.raft().term(), 2u) << "and no term change";
  }
  // Once election_timeout_ticks pass without the leader, votes count again.
  for (int t = 0; t < kElectionTicks; ++t) s.node().Tick();
  s.Drain();
  Message vote = MakeMessage(raftpb::MSG_VOTE, 3, 2, 5);
  vote.set_index(100);
  vote.set_log_term(2);
  const std::vector<Message> sent = OfType(s.Step(vote), raftpb::MSG_VOTE_RESP);
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_FALSE(sent[0].reject());
}

TEST(LeaseVotes, RestartedVoterGrantsNoVoteForOneElectionTimeout) {
  // It may have acknowledged a heartbeat just before it crashed.
  Solo s(2, {1, 2, 3}, {}, 1);
  Message vote = MakeMessage(raftpb::MSG_VOTE, 3, 2, 2);
  vote.set_index(10);
  vote.set_log_term(1);
  EXPECT_TRUE(s.Step(vote).empty());
  EXPECT_EQ(s.raft().term(), 1u);
  for (int t = 0; t < kElectionTicks - 1; ++t) s.node().Tick();
  s.Drain();
  EXPECT_TRUE(s.Step(vote).empty());
}

TEST(LeaseVotes, TransferCampaignPassesTheLease) {
  Solo s(2, {1, 2, 3}, {}, 1);
  s.Step(MakeMessage(raftpb::MSG_HEARTBEAT, 1, 2, 1));
  Message vote = MakeMessage(raftpb::MSG_VOTE, 3, 2, 2);
  vote.set_index(10);
  vote.set_log_term(1);
  vote.set_transfer(true);
  const std::vector<Message> sent = OfType(s.Step(vote), raftpb::MSG_VOTE_RESP);
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_FALSE(sent[0].reject());
  EXPECT_EQ(s.raft().vote(), 3u);
}

TEST(LeaseVotes, LeaderIgnoresHigherTermVoteRequests) {
  Solo s(1, {1, 2, 3});
  s.BecomeLeader();
  s.Drain();
  const uint64_t term = s.raft().term();
  Message vote = MakeMessage(raftpb::MSG_VOTE, 3, 1, term + 1);
  vote.set_index(100);
  vote.set_log_term(term);
  EXPECT_TRUE(s.Step(vote).empty());
  EXPECT_EQ(s.raft().role(), Role::kLeader);
  EXPECT_EQ(s.raft().term(), term);
}

TEST(Elections, LearnersNeverCampaign) {
  TestCluster c({1, 2}, {}, {3});
  for (int t = 0; t < 10 * kElectionTicks; ++t) {
    c.Tick(3);
    c.Stabilize();
  }
  EXPECT_EQ(c.raft(3).role(), Role::kFollower);
  EXPECT_EQ(c.raft(3).term(), 0u);
}

TEST(Elections, ALeaderIsElectedFromBootWithDefaultOptions) {
  for (uint64_t voters : {1, 3, 5}) {
    std::vector<NodeId> ids;
    for (uint64_t i = 1; i <= voters; ++i) ids.push_back(i);
    TestCluster c(ids);
    int ticks = 0;
    while (c.Leader() == kNoNode && ticks < 10 * kElectionTicks) {
      c.TickAll();
      c.Stabilize();
      ++ticks;
    }
    EXPECT_NE(c.Leader(), kNoNode) << voters << " voters";
    EXPECT_LT(ticks, 4 * kElectionTicks) << voters << " voters";
  }
}

TEST(Elections, StaleLeaderLearnsTheNewTermFromAHeartbeatAnswer) {
  Solo s(2, {1, 2, 3}, {MakeEntry(1, 1)}, 5);
  const std::vector<Message> sent =
      s.Step(MakeMessage(raftpb::MSG_HEARTBEAT, 1, 2, 3));
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0].type(), raftpb::MSG_APP_RESP);
  EXPECT_EQ(sent[0].term(), 5u);
}

}  // namespace
}  // namespace ekv::raft
