// Read paths: ReadIndex confirmed by a quorum heartbeat round, and leader
// leases anchored at the tick a round was sent.
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
using testing::MakeMessage;
using testing::OfType;
using testing::Solo;
using testing::TestCluster;

Message AppResp(NodeId from, uint64_t term, uint64_t index) {
  Message m = MakeMessage(raftpb::MSG_APP_RESP, from, 1, term);
  m.set_index(index);
  return m;
}

Message HeartbeatResp(NodeId from, uint64_t term, uint64_t round) {
  Message m = MakeMessage(raftpb::MSG_HEARTBEAT_RESP, from, 1, term);
  m.set_heartbeat_round(round);
  return m;
}

// Leader 1 of {1, 2, 3} in term 1 with its no-op committed.
Solo CommittedLeader(TestCluster::ConfigTweak tweak = {}) {
  Solo s(1, {1, 2, 3}, {}, 0, std::move(tweak));
  s.BecomeLeader();
  s.Drain();
  s.Step(AppResp(2, 1, 1));
  EXPECT_TRUE(s.raft().CommittedInCurrentTerm());
  return s;
}

uint64_t RoundOf(const std::vector<Message>& sent) {
  const std::vector<Message> heartbeats = OfType(sent, raftpb::MSG_HEARTBEAT);
  EXPECT_FALSE(heartbeats.empty());
  return heartbeats.empty() ? 0 : heartbeats[0].heartbeat_round();
}

TEST(ReadIndex, ConfirmedByAQuorumAnsweringANewHeartbeatRound) {
  Solo s = CommittedLeader();
  ASSERT_TRUE(s.node().ReadIndex(7).ok());
  const uint64_t round = RoundOf(s.Drain());
  EXPECT_TRUE(s.read_states.empty());
  s.Step(HeartbeatResp(2, 1, round));
  ASSERT_EQ(s.read_states.size(), 1u);
  EXPECT_EQ(s.read_states[0].request_id, 7u);
  EXPECT_EQ(s.read_states[0].index, s.raft().log().committed());
}

TEST(ReadIndex, AnAnswerToAnEarlierRoundConfirmsNothing) {
  Solo s = CommittedLeader();
  s.node().Tick();  // round 1 goes out before the read
  const uint64_t earlier = RoundOf(s.Drain());
  ASSERT_TRUE(s.node().ReadIndex(7).ok());
  const uint64_t round = RoundOf(s.Drain());
  ASSERT_GT(round, earlier);
  s.Step(HeartbeatResp(2, 1, earlier));
  s.Step(HeartbeatResp(3, 1, earlier));
  EXPECT_TRUE(s.read_states.empty());
  s.Step(HeartbeatResp(3, 1, round));
  EXPECT_EQ(s.read_states.size(), 1u);
}

TEST(ReadIndex, AnAppendsAnswerConfirmsTheRoundTheAppendCarried) {
  Solo s = CommittedLeader();
  ASSERT_TRUE(s.node().ReadIndex(7).ok());
  ASSERT_TRUE(s.node().Propose("a").ok());
  const std::vector<Message> sent = s.Drain();
  const uint64_t round = RoundOf(sent);
  for (const Message& app : OfType(sent, raftpb::MSG_APP)) {
    EXPECT_EQ(app.heartbeat_round(), round);
  }
  Message answer = AppResp(2, 1, 2);
  answer.set_heartbeat_round(round - 1);  // from before the read: nothing
  s.Step(answer);
  EXPECT_TRUE(s.read_states.empty());
  answer.set_heartbeat_round(round);
  s.Step(answer);
  ASSERT_EQ(s.read_states.size(), 1u);
  EXPECT_EQ(s.read_states[0].request_id, 7u);
}

TEST(ReadIndex, FollowersEchoTheRoundOfAnAppend) {
  Solo s(2, {1, 2, 3});
  Message app = MakeMessage(raftpb::MSG_APP, 1, 2, 1);
  app.set_heartbeat_round(5);
  *app.add_entries() = testing::MakeEntry(1, 1);
  const std::vector<Message> answers =
      OfType(s.Step(app), raftpb::MSG_APP_RESP);
  ASSERT_EQ(answers.size(), 1u);
  EXPECT_EQ(answers[0].heartbeat_round(), 5u);
}

TEST(ReadIndex, ReadsArrivingTogetherShareOneRound) {
  Solo s = CommittedLeader();
  for (uint64_t id = 1; id <= 5; ++id) ASSERT_TRUE(s.node().ReadIndex(id).ok());
  const std::vector<Message> sent = s.Drain();
  EXPECT_EQ(OfType(sent, raftpb::MSG_HEARTBEAT).size(), 2u) << "one round";
  s.Step(HeartbeatResp(2, 1, RoundOf(sent)));
  EXPECT_EQ(s.read_states.size(), 5u);
}

TEST(ReadIndex, WaitsForTheLeadersFirstCommitInItsTerm) {
  Solo s(1, {1, 2, 3});
  s.BecomeLeader();
  s.Drain();
  ASSERT_TRUE(s.node().ReadIndex(9).ok());
  EXPECT_TRUE(OfType(s.Drain(), raftpb::MSG_HEARTBEAT).empty());
  const std::vector<Message> sent = s.Step(AppResp(2, 1, 1));  // no-op commits
  s.Step(HeartbeatResp(2, 1, RoundOf(sent)));
  ASSERT_EQ(s.read_states.size(), 1u);
  EXPECT_EQ(s.read_states[0].index, 1u);
}

TEST(ReadIndex, FollowersNameTheLeader) {
  TestCluster c({1, 2, 3});
  c.ElectLeader(1);
  const absl::Status status = c.node(2).ReadIndex(1);
  EXPECT_TRUE(IsErrorKind(status, ErrorKind::kNotLeader));
  EXPECT_EQ(GetLeaderHint(status), 1);
}

TEST(ReadIndex, SingleVoterAnswersAtOnce) {
  Solo s(1, {1});
  s.BecomeLeader();
  s.Drain();
  ASSERT_TRUE(s.node().ReadIndex(3).ok());
  s.Drain();
  ASSERT_EQ(s.read_states.size(), 1u);
  EXPECT_EQ(s.read_states[0].index, 1u);
}

TEST(ReadIndex, PendingReadsAreBounded) {
  Solo s =
      CommittedLeader([](Config& c) { c.max_pending_read_index_requests = 2; });
  EXPECT_TRUE(s.node().ReadIndex(1).ok());
  EXPECT_TRUE(s.node().ReadIndex(2).ok());
  EXPECT_TRUE(absl::IsResourceExhausted(s.node().ReadIndex(3)));
}

TEST(ReadIndex, ReadsEndToEndInACluster) {
  TestCluster c({1, 2, 3});
  c.ElectLeader(1);
  ASSERT_TRUE(c.Propose(1, "a").ok());
  const uint64_t commit_at_request = c.raft(1).log().committed();
  ASSERT_TRUE(c.node(1).ReadIndex(42).ok());
  c.Stabilize();
  const std::vector<ReadState>& states = c.member(1).read_states;
  ASSERT_EQ(states.size(), 1u);
  EXPECT_EQ(states[0].request_id, 42u);
  // The commit index when the read arrived: "a" was not committed yet.
  EXPECT_EQ(states[0].index, commit_at_request);
}

TEST(Lease, ValidOnceAQuorumAcknowledgesAHeartbeatRound) {
  Solo s = CommittedLeader();
  EXPECT_FALSE(s.node().LeaseValid());
  s.node().Tick();
  const uint64_t round = RoundOf(s.Drain());
  EXPECT_FALSE(s.node().LeaseValid()) << "sent, not acknowledged";
  s.Step(HeartbeatResp(3, 1, round));
  EXPECT_TRUE(s.node().LeaseValid());
}

// Follower 2 is sent an append in every round and answers it; follower 3
// only hears heartbeats.
TEST(Lease, BusyFollowersAreSkippedByHeartbeatsAndAppendsKeepItValid) {
  Solo s = CommittedLeader(
      [](Config& c) { c.skip_heartbeats_to_busy_followers = true; });
  const auto heartbeat_targets = [](const std::vector<Message>& sent) {
    std::vector<NodeId> to;
    for (const Message& m : OfType(sent, raftpb::MSG_HEARTBEAT)) {
      to.push_back(m.to());
    }
    return to;
  };
  s.node().Tick();
  uint64_t round = RoundOf(s.Drain());
  s.Step(HeartbeatResp(2, 1, round));
  s.Step(HeartbeatResp(3, 1, round));
  uint64_t index = s.raft().log().LastIndex();
  for (int t = 0; t < 3 * s.raft().config().lease_ticks(); ++t) {
    ASSERT_TRUE(s.node().Propose("a").ok());
    s.Drain();
    Message answer = AppResp(2, 1, ++index);
    answer.set_heartbeat_round(round);
    s.Step(answer);
    s.node().Tick();
    const std::vector<Message> sent = s.Drain();
    EXPECT_EQ(heartbeat_targets(sent), std::vector<NodeId>{3}) << t;
    round = RoundOf(sent);
    EXPECT_TRUE(s.node().LeaseValid()) << t;
  }
  EXPECT_GT(s.raft().counters().heartbeats_skipped, 0u);
  // Sent nothing in the last round: follower 2 hears a heartbeat again, and
  // the lease runs out when nobody answers.
  s.node().Tick();
  EXPECT_EQ(heartbeat_targets(s.Drain()), (std::vector<NodeId>{2, 3}));
  for (int t = 0; t < s.raft().config().lease_ticks(); ++t) s.node().Tick();
  s.Drain();
  EXPECT_FALSE(s.node().LeaseValid());
}

TEST(Lease, HeartbeatsGoToEveryFollowerByDefault) {
  Solo s = CommittedLeader();
  s.node().Tick();
  uint64_t round = RoundOf(s.Drain());
  s.Step(HeartbeatResp(2, 1, round));
  ASSERT_TRUE(s.node().Propose("a").ok());
  s.Drain();
  Message answer = AppResp(2, 1, 2);
  answer.set_heartbeat_round(round);
  s.Step(answer);
  s.node().Tick();
  EXPECT_EQ(OfType(s.Drain(), raftpb::MSG_HEARTBEAT).size(), 2u);
}

TEST(Lease, RunsFromWhenTheRoundWasSentNotWhenItWasAcknowledged) {
  Solo s = CommittedLeader();
  const int lease_ticks = s.raft().config().lease_ticks();
  s.node().Tick();
  const uint64_t round = RoundOf(s.Drain());
  for (int t = 1; t < lease_ticks; ++t) s.node().Tick();
  s.Drain();
  // The answer comes late; the lease still ends lease_ticks after sending.
  s.Step(HeartbeatResp(2, 1, round));
  EXPECT_TRUE(s.node().LeaseValid());
  s.node().Tick();
  s.Drain();
  EXPECT_FALSE(s.node().LeaseValid());
}

TEST(Lease, EndsWhenTheLeaderStepsDown) {
  Solo s = CommittedLeader();
  s.node().Tick();
  s.Step(HeartbeatResp(2, 1, RoundOf(s.Drain())));
  ASSERT_TRUE(s.node().LeaseValid());
  s.Step(MakeMessage(raftpb::MSG_APP, 3, 1, 5));
  EXPECT_FALSE(s.node().LeaseValid());
}

TEST(Lease, ALeadershipTransferEndsItForTheRestOfTheTerm) {
  Solo s = CommittedLeader();
  s.node().Tick();
  s.Step(HeartbeatResp(2, 1, RoundOf(s.Drain())));
  ASSERT_TRUE(s.node().LeaseValid());
  ASSERT_TRUE(s.node().TransferLeadership(3).ok());
  EXPECT_FALSE(s.node().LeaseValid());
  // The transfer times out; heartbeats are acknowledged again, but a
  // TIMEOUT_NOW may still be on its way, so no lease in this term.
  for (int t = 0; t < s.raft().config().transfer_timeout_ticks; ++t) {
    s.node().Tick();
    const std::vector<Message> sent = s.Drain();
    s.Step(HeartbeatResp(2, 1, RoundOf(sent)));
  }
  EXPECT_EQ(s.raft().lead_transferee(), kNoNode);
  EXPECT_EQ(s.raft().role(), Role::kLeader);
  EXPECT_FALSE(s.node().LeaseValid());
}

TEST(Lease, NotBeforeTheLeadersFirstCommit) {
  Solo s(1, {1, 2, 3});
  s.BecomeLeader();
  s.Drain();
  s.node().Tick();
  s.Step(HeartbeatResp(2, 1, RoundOf(s.Drain())));
  EXPECT_FALSE(s.node().LeaseValid());
  s.Step(AppResp(2, 1, 1));
  EXPECT_TRUE(s.node().LeaseValid());
}

TEST(Lease, SingleVoterHoldsItFromItsOwnHeartbeat) {
  Solo s(1, {1});
  s.BecomeLeader();
  s.Drain();
  s.node().Tick();
  s.Drain();
  EXPECT_TRUE(s.node().LeaseValid());
}

TEST(Lease, DisabledByItsOption) {
  Solo s = CommittedLeader([](Config& c) { c.leader_lease = false; });
  s.node().Tick();
  s.Step(HeartbeatResp(2, 1, RoundOf(s.Drain())));
  EXPECT_FALSE(s.node().LeaseValid());
}

TEST(Lease, NoOtherLeaderIsElectedWhileTheOldLeaseIsValid) {
  for (uint64_t victim_peer : {2, 3}) {
    TestCluster c({1, 2, 3});
    c.ElectLeader(1);
    c.TickAll();
    c.Stabilize();
    ASSERT_TRUE(c.node(1).LeaseValid());
    // Cut the leader off (partly: it still hears one follower's answers in
    // one direction only, which must not extend its lease).
    c.Isolate(1);
    c.SetFilter(nullptr);
    bool new_leader = false;
    for (int t = 0; t < 50 && !new_leader; ++t) {
      c.TickAll();
      c.Stabilize();
      for (NodeId id : {2, 3}) {
        if (c.raft(id).role() != Role::kLeader) continue;
        new_leader = true;
        EXPECT_FALSE(c.node(1).LeaseValid())
            << "member " << id << " leads term " << c.raft(id).term()
            << " while the old leader's lease holds (victim " << victim_peer
            << ")";
      }
    }
    EXPECT_TRUE(new_leader);
  }
}

}  // namespace
}  // namespace ekv::raft
