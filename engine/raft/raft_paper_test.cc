// The rules of the Raft paper (Ongaro and Ousterhout, "In Search of an
// Understandable Consensus Algorithm", section 5), one test per rule, on the
// plain protocol: no pre-vote, check-quorum or leases (those have their own
// tests in raft_election_test.cc and raft_read_test.cc).
#include <map>
#include <set>
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

void PaperRaft(Config& c) {
  c.pre_vote = false;
  c.check_quorum = false;
  c.leader_lease = false;
}

Solo PaperSolo(NodeId id, std::vector<NodeId> voters,
               std::vector<raftpb::Entry> entries = {}, uint64_t term = 0) {
  return Solo(id, std::move(voters), std::move(entries), term, PaperRaft);
}

// --- 5.1: terms ----------------------------------------------------------

TEST(RaftPaper_5_1, EveryRoleAdoptsAHigherTermAndBecomesFollower) {
  for (Role role : {Role::kFollower, Role::kCandidate, Role::kLeader}) {
    Solo s = PaperSolo(1, {1, 2, 3});
    if (role == Role::kCandidate) s.node().Campaign();
    if (role == Role::kLeader) s.BecomeLeader();
    s.Drain();
    s.Step(MakeMessage(raftpb::MSG_APP, 2, 1, 7));
    EXPECT_EQ(s.raft().term(), 7u) << RoleName(role);
    EXPECT_EQ(s.raft().role(), Role::kFollower) << RoleName(role);
    EXPECT_EQ(s.raft().lead(), 2u) << RoleName(role);
  }
}

TEST(RaftPaper_5_1, StaleTermRequestsAreRejectedWithTheCurrentTerm) {
  Solo s = PaperSolo(1, {1, 2, 3}, {MakeEntry(1, 1)}, 3);
  Message app = MakeMessage(raftpb::MSG_APP, 2, 1, 2);
  app.set_index(1);
  app.set_log_term(1);
  *app.add_entries() = MakeEntry(2, 2, "stale");
  const std::vector<Message> sent = s.Step(app);
  EXPECT_EQ(s.raft().log().LastIndex(), 1u) << "stale entries must not land";
  EXPECT_EQ(s.raft().term(), 3u);
  // Vote requests of an old term are ignored too.
  s.Step(MakeMessage(raftpb::MSG_VOTE, 3, 1, 2));
  EXPECT_EQ(s.raft().vote(), kNoNode);
}

// --- 5.2: leader election --------------------------------------------------

TEST(RaftPaper_5_2, MembersStartAsFollowers) {
  Solo s = PaperSolo(1, {1, 2, 3});
  EXPECT_EQ(s.raft().role(), Role::kFollower);
  EXPECT_EQ(s.raft().term(), 0u);
}

TEST(RaftPaper_5_2, LeaderSendsHeartbeatsEveryInterval) {
  Solo s = PaperSolo(1, {1, 2, 3});
  s.BecomeLeader();
  s.Drain();
  s.node().Tick();
  const std::vector<Message> heartbeats =
      OfType(s.Drain(), raftpb::MSG_HEARTBEAT);
  ASSERT_EQ(heartbeats.size(), 2u);
  std::set<NodeId> to;
  for (const Message& m : heartbeats) {
    to.insert(m.to());
    EXPECT_EQ(m.term(), s.raft().term());
  }
  EXPECT_EQ(to, (std::set<NodeId>{2, 3}));
}

TEST(RaftPaper_5_2, FollowerCampaignsAfterElectionTimeout) {
  Solo s = PaperSolo(1, {1, 2, 3});
  std::vector<Message> sent;
  for (int i = 0; i < 2 * 10 && sent.empty(); ++i) {
    s.node().Tick();
    sent = s.Drain();
  }
  EXPECT_EQ(s.raft().role(), Role::kCandidate);
  EXPECT_EQ(s.raft().term(), 1u) << "a candidate increments its term";
  EXPECT_EQ(s.raft().vote(), 1u) << "and votes for itself";
  const std::vector<Message> votes = OfType(sent, raftpb::MSG_VOTE);
  ASSERT_EQ(votes.size(), 2u) << "and asks every other voter";
  for (const Message& m : votes) EXPECT_EQ(m.term(), 1u);
}

TEST(RaftPaper_5_2, ElectionTimeoutsAreRandomizedInOneToTwoTimeouts) {
  std::set<int> timeouts;
  for (uint64_t seed = 1; seed <= 50; ++seed) {
    Solo s(1, {1, 2, 3}, {}, 0, [seed](Config& c) {
      PaperRaft(c);
      c.random_seed = seed;
    });
    int ticks = 0;
    while (s.raft().role() == Role::kFollower && ticks < 100) {
      s.node().Tick();
      ++ticks;
    }
    EXPECT_GE(ticks, 10);
    EXPECT_LT(ticks, 20);
    timeouts.insert(ticks);
  }
  EXPECT_GT(timeouts.size(), 3u) << "timeouts must differ between members";
}

struct VoteCase {
  int voters;
  std::map<NodeId, bool> answers;
  Role expected;
};

TEST(RaftPaper_5_2, CandidateWinsWithAMajorityAndLosesWithoutOne) {
  const std::vector<VoteCase> cases = {
      {1, {}, Role::kLeader},
      {3, {{2, true}}, Role::kLeader},
      {3, {{2, false}, {3, false}}, Role::kFollower},
      {3, {{2, false}}, Role::kCandidate},
      {5, {{2, true}, {3, true}}, Role::kLeader},
      {5, {{2, true}}, Role::kCandidate},
      {5, {{2, false}, {3, false}, {4, false}}, Role::kFollower},
  };
  for (const VoteCase& c : cases) {
    std::vector<NodeId> voters;
    for (int i = 1; i <= c.voters; ++i) voters.push_back(i);
    Solo s = PaperSolo(1, voters);
    s.node().Campaign();
    s.Drain();
    for (const auto& [from, granted] : c.answers) {
      Message m = MakeMessage(raftpb::MSG_VOTE_RESP, from, 1, 1);
      m.set_reject(!granted);
      s.Step(m);
    }
    EXPECT_EQ(s.raft().role(), c.expected) << c.voters << " voters";
  }
}

TEST(RaftPaper_5_2, EachVoterGrantsAtMostOneVotePerTerm) {
  Solo s = PaperSolo(1, {1, 2, 3});
  const auto vote = [&](NodeId from) {
    const std::vector<Message> sent =
        s.Step(MakeMessage(raftpb::MSG_VOTE, from, 1, 1));
    EXPECT_EQ(sent.size(), 1u);
    return !sent.at(0).reject();
  };
  EXPECT_TRUE(vote(2)) << "first come, first served";
  EXPECT_FALSE(vote(3)) << "the vote of term 1 is taken";
  EXPECT_TRUE(vote(2)) << "a repeated request gets the same answer";
}

TEST(RaftPaper_5_2, CandidateYieldsToALeaderOfItsTerm) {
  Solo s = PaperSolo(1, {1, 2, 3});
  s.node().Campaign();
  s.Drain();
  ASSERT_EQ(s.raft().role(), Role::kCandidate);
  s.Step(MakeMessage(raftpb::MSG_HEARTBEAT, 2, 1, s.raft().term()));
  EXPECT_EQ(s.raft().role(), Role::kFollower);
  EXPECT_EQ(s.raft().lead(), 2u);
}

TEST(RaftPaper_5_2, SplitVotesResolveByNewElections) {
  TestCluster c({1, 2, 3, 4, 5}, PaperRaft);
  // Everyone campaigns at once; randomized timeouts break the tie.
  for (NodeId id : c.ids()) c.node(id).Campaign();
  for (int t = 0; t < 100 && c.Leader() == kNoNode; ++t) {
    c.Stabilize();
    c.TickAll();
  }
  EXPECT_NE(c.Leader(), kNoNode);
}

// --- 5.3: log replication --------------------------------------------------

TEST(RaftPaper_5_3, LeaderAppendsAProposalAndSendsItWithItsPredecessor) {
  Solo s = PaperSolo(1, {1, 2, 3});
  s.BecomeLeader();
  s.Drain();
  for (NodeId follower : {2, 3}) {  // both took the no-op
    Message ack = MakeMessage(raftpb::MSG_APP_RESP, follower, 1, 1);
    ack.set_index(1);
    s.Step(ack);
  }
  ASSERT_TRUE(s.node().Propose("x").ok());
  const std::vector<Message> apps = OfType(s.Drain(), raftpb::MSG_APP);
  ASSERT_EQ(apps.size(), 2u);
  for (const Message& m : apps) {
    ASSERT_EQ(m.entries_size(), 1);
    EXPECT_EQ(m.entries(0).data(), "x");
    EXPECT_EQ(m.entries(0).index(), m.index() + 1);
    EXPECT_EQ(m.log_term(), s.raft().log().TermOrZero(m.index()));
  }
}

TEST(RaftPaper_5_3, LeaderCommitsOnceAMajorityHasTheEntry) {
  for (int voters : {3, 5}) {
    std::vector<NodeId> ids;
    for (int i = 1; i <= voters; ++i) ids.push_back(i);
    TestCluster c(ids, PaperRaft);
    c.Campaign(1);
    ASSERT_EQ(c.Leader(), 1u);
    // Only a bare majority (the leader included) can be reached.
    for (int i = voters / 2 + 2; i <= voters; ++i) c.Isolate(i);
    ASSERT_TRUE(c.Propose(1, "a").ok());
    c.Stabilize();
    EXPECT_EQ(c.AppliedData(1), std::vector<std::string>{"a"}) << voters;
    // One member fewer is not a majority: nothing more commits.
    c.Isolate(voters / 2 + 1);
    ASSERT_TRUE(c.Propose(1, "b").ok());
    c.Stabilize();
    EXPECT_EQ(c.AppliedData(1), std::vector<std::string>{"a"}) << voters;
  }
}

TEST(RaftPaper_5_3, FollowersApplyWhatTheLeaderTellsThemIsCommitted) {
  TestCluster c({1, 2, 3}, PaperRaft);
  c.Campaign(1);
  for (const char* data : {"a", "b", "c"}) ASSERT_TRUE(c.Propose(1, data).ok());
  c.Stabilize();
  for (NodeId id : c.ids()) {
    EXPECT_EQ(c.AppliedData(id), (std::vector<std::string>{"a", "b", "c"}));
  }
}

TEST(RaftPaper_5_3, FollowerRejectsAnAppendWhosePredecessorDoesNotMatch) {
  Solo s = PaperSolo(2, {1, 2, 3}, {MakeEntry(1, 1), MakeEntry(2, 2)}, 2);
  Message app = MakeMessage(raftpb::MSG_APP, 1, 2, 3);
  app.set_index(2);
  app.set_log_term(3);  // the follower has term 2 there
  *app.add_entries() = MakeEntry(3, 3, "x");
  const std::vector<Message> sent = s.Step(app);
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_TRUE(sent[0].reject());
  EXPECT_EQ(s.raft().log().LastIndex(), 2u);
  // The hint: the last index whose term is <= 3 is 2, with term 2.
  EXPECT_EQ(sent[0].reject_hint(), 2u);
  EXPECT_EQ(sent[0].log_term(), 2u);
}

TEST(RaftPaper_5_3, FollowerReplacesConflictingEntriesAndKeepsMatchingOnes) {
  Solo s = PaperSolo(
      2, {1, 2, 3},
      {MakeEntry(1, 1, "a"), MakeEntry(2, 1, "b"), MakeEntry(3, 2, "stale")},
      2);
  Message app = MakeMessage(raftpb::MSG_APP, 1, 2, 3);
  app.set_index(1);
  app.set_log_term(1);
  *app.add_entries() = MakeEntry(2, 1, "b");
  *app.add_entries() = MakeEntry(3, 3, "new");
  const std::vector<Message> sent = s.Step(app);
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_FALSE(sent[0].reject());
  EXPECT_EQ(sent[0].index(), 3u);
  std::vector<raftpb::Entry> entries;
  s.raft().log().Entries(1, 4, UINT64_MAX, &entries);
  ASSERT_EQ(entries.size(), 3u);
  EXPECT_EQ(entries[1].data(), "b");
  EXPECT_EQ(entries[2].data(), "new");
  EXPECT_EQ(entries[2].term(), 3u);
}

TEST(RaftPaper_5_3, LeaderBringsEveryDivergentFollowerInLine) {
  // Figure 7: the leader's log against followers that lack entries, have
  // extra uncommitted ones, or both.
  std::vector<raftpb::Entry> leader_log;
  const std::vector<uint64_t> leader_terms = {1, 1, 1, 4, 4, 5, 5, 6, 6, 6};
  for (size_t i = 0; i < leader_terms.size(); ++i) {
    leader_log.push_back(MakeEntry(i + 1, leader_terms[i], "L"));
  }
  const std::vector<std::vector<uint64_t>> follower_terms = {
      {1, 1, 1, 4, 4, 5, 5, 6, 6},
      {1, 1, 1, 4},
      {1, 1, 1, 4, 4, 5, 5, 6, 6, 6, 6},
      {1, 1, 1, 4, 4, 5, 5, 6, 6, 6, 7, 7},
      {1, 1, 1, 4, 4, 4, 4},
      {1, 1, 1, 2, 2, 2, 3, 3, 3, 3, 3},
  };
  for (const std::vector<uint64_t>& terms : follower_terms) {
    TestCluster c({1, 2, 3}, PaperRaft);
    std::vector<raftpb::Entry> follower_log;
    for (size_t i = 0; i < terms.size(); ++i) {
      // Entries of the leader's terms at the leader's positions are the
      // leader's; the others are the follower's own.
      const bool same = i < leader_terms.size() && terms[i] == leader_terms[i];
      follower_log.push_back(MakeEntry(i + 1, terms[i], same ? "L" : "F"));
    }
    c.storage(1).Append(leader_log);
    c.storage(2).Append(follower_log);
    c.storage(3).Append(leader_log);
    for (NodeId id : {1, 2, 3}) {
      raftpb::HardState hs;
      hs.set_term(8);
      c.storage(id).SetHardState(hs);
      c.Restart(id);
    }
    c.Campaign(1);
    ASSERT_EQ(c.Leader(), 1u);
    ASSERT_TRUE(c.Propose(1, "next").ok());
    c.Stabilize();
    const RaftLog& leader = c.raft(1).log();
    const RaftLog& follower = c.raft(2).log();
    ASSERT_EQ(follower.LastIndex(), leader.LastIndex());
    for (uint64_t i = 1; i <= leader.LastIndex(); ++i) {
      EXPECT_EQ(follower.TermOrZero(i), leader.TermOrZero(i)) << "index " << i;
    }
    EXPECT_EQ(follower.committed(), leader.committed());
  }
}

// --- 5.4: safety ------------------------------------------------------------

TEST(RaftPaper_5_4_1, VoterRejectsACandidateWithAnOlderLog) {
  // The voter's log ends at (index 2, term 2).
  struct Case {
    uint64_t last_index;
    uint64_t last_term;
    bool granted;
  };
  const std::vector<Case> cases = {
      {1, 1, false}, {2, 1, false}, {3, 1, false},  // older last term
      {1, 2, false},                                // same term, shorter
      {2, 2, true},  {3, 2, true},                  // same term, not shorter
      {1, 3, true},  {2, 3, true},                  // newer last term
  };
  for (const Case& c : cases) {
    Solo s = PaperSolo(1, {1, 2, 3}, {MakeEntry(1, 1), MakeEntry(2, 2)}, 2);
    Message vote = MakeMessage(raftpb::MSG_VOTE, 2, 1, 3);
    vote.set_index(c.last_index);
    vote.set_log_term(c.last_term);
    const std::vector<Message> sent = s.Step(vote);
    ASSERT_EQ(sent.size(), 1u);
    EXPECT_EQ(!sent[0].reject(), c.granted)
        << "candidate log ends at (" << c.last_index << ", " << c.last_term
        << ")";
  }
}

TEST(RaftPaper_5_4_2, LeaderCommitsOldTermEntriesOnlyThroughOneOfItsOwn) {
  // Figure 8: entry (2, term 2) is on a majority, but a leader of term 4
  // must not count replicas of it; only its own no-op at 3 commits both.
  Solo s = PaperSolo(1, {1, 2, 3}, {MakeEntry(1, 1), MakeEntry(2, 2)}, 3);
  s.BecomeLeader();
  s.Drain();
  ASSERT_EQ(s.raft().term(), 4u);
  ASSERT_EQ(s.raft().log().LastIndex(), 3u);  // the no-op
  Message ack = MakeMessage(raftpb::MSG_APP_RESP, 2, 1, 4);
  ack.set_index(2);
  s.Step(ack);
  EXPECT_EQ(s.raft().log().committed(), 0u)
      << "a majority holds index 2, but it is of term 2";
  ack.set_index(3);
  s.Step(ack);
  EXPECT_EQ(s.raft().log().committed(), 3u);
}

TEST(RaftPaper_5_4_2, NewLeaderAppendsANoOpOfItsTerm) {
  Solo s = PaperSolo(1, {1, 2, 3}, {MakeEntry(1, 1, "x")}, 1);
  s.BecomeLeader();
  const RaftLog& log = s.raft().log();
  ASSERT_EQ(log.LastIndex(), 2u);
  EXPECT_EQ(log.TermOrZero(2), s.raft().term());
  std::vector<raftpb::Entry> entries;
  log.Entries(2, 3, UINT64_MAX, &entries);
  EXPECT_TRUE(entries.at(0).data().empty());
}

TEST(RaftPaper_5_4_3, CommittedEntriesSurviveLeaderCrashesAndElections) {
  TestCluster c({1, 2, 3, 4, 5}, PaperRaft);
  c.Campaign(1);
  ASSERT_TRUE(c.Propose(1, "a").ok());
  c.Stabilize();
  // The leader and one follower crash; the rest elect a new leader.
  c.Crash(1);
  c.Crash(2);
  c.Campaign(3);
  ASSERT_EQ(c.Leader(), 3u);
  ASSERT_TRUE(c.Propose(3, "b").ok());
  c.Stabilize();
  c.Restart(1);
  c.Restart(2);
  c.Tick(3);  // a heartbeat brings them up to date
  c.Stabilize();
  for (NodeId id : c.ids()) {
    EXPECT_EQ(c.AppliedData(id), (std::vector<std::string>{"a", "b"}))
        << "member " << id;
  }
}

}  // namespace
}  // namespace ekv::raft
