// Log replication: probing, pipelining, flow control, batching, fast
// backtracking, and the limits on proposals.
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
using testing::MakeEntry;
using testing::MakeMessage;
using testing::OfType;
using testing::Solo;
using testing::TestCluster;

Message AppResp(NodeId from, uint64_t term, uint64_t index) {
  Message m = MakeMessage(raftpb::MSG_APP_RESP, from, 1, term);
  m.set_index(index);
  return m;
}

// A leader (member 1 of 1, 2, 3) whose followers took the no-op, so both
// are in replicate state.
Solo ReplicatingLeader(TestCluster::ConfigTweak tweak = {}) {
  Solo s(1, {1, 2, 3}, {}, 0, std::move(tweak));
  s.BecomeLeader();
  s.Drain();
  for (NodeId follower : {2, 3}) s.Step(AppResp(follower, 1, 1));
  return s;
}

std::vector<Message> AppsTo(const std::vector<Message>& sent, NodeId to) {
  std::vector<Message> out;
  for (const Message& m : OfType(sent, raftpb::MSG_APP)) {
    if (m.to() == to) out.push_back(m);
  }
  return out;
}

TEST(Replication, ProbingSendsOneAppendUntilTheFollowerAnswers) {
  Solo s(1, {1, 2, 3});
  s.BecomeLeader();
  s.Drain();  // the no-op probe went out
  ASSERT_TRUE(s.node().Propose("a").ok());
  EXPECT_TRUE(AppsTo(s.Drain(), 2).empty()) << "probe outstanding";
  // A heartbeat answer proves the follower alive: probe again.
  Message hb = MakeMessage(raftpb::MSG_HEARTBEAT_RESP, 2, 1, 1);
  EXPECT_EQ(AppsTo(s.Step(hb), 2).size(), 1u);
}

TEST(Replication, ReplicateStatePipelinesUpToTheInflightLimit) {
  Solo s = ReplicatingLeader([](Config& c) { c.max_inflight_msgs = 3; });
  int sent = 0;
  for (int i = 0; i < 5; ++i) {
    ASSERT_TRUE(s.node().Propose("x" + std::to_string(i)).ok());
    sent += static_cast<int>(AppsTo(s.Drain(), 2).size());
  }
  EXPECT_EQ(sent, 3) << "three appends in flight, unacknowledged";
  const uint64_t first_inflight = s.raft().tracker().Find(2)->match() + 1;
  // An ack of the first frees one slot; the rest goes out in one message.
  const std::vector<Message> more =
      AppsTo(s.Step(AppResp(2, 1, first_inflight)), 2);
  ASSERT_EQ(more.size(), 1u);
  EXPECT_EQ(more[0].entries_size(), 2);
}

TEST(Replication, InflightBytesBoundTheWindow) {
  Solo s = ReplicatingLeader([](Config& c) {
    c.max_inflight_msgs = 100;
    c.max_inflight_bytes = 2000;
  });
  int sent = 0;
  for (int i = 0; i < 10; ++i) {
    ASSERT_TRUE(s.node().Propose(std::string(900, 'x')).ok());
    sent += static_cast<int>(AppsTo(s.Drain(), 2).size());
  }
  EXPECT_EQ(sent, 3) << "2000 bytes allow three messages of ~924 bytes";
}

TEST(Replication, AppendsCarryAtMostMaxAppendBytesButAtLeastOneEntry) {
  Solo s =
      ReplicatingLeader([](Config& c) { c.max_append_bytes_per_msg = 250; });
  // Proposals made together leave in as few messages as the limit allows.
  for (int i = 0; i < 6; ++i) {
    ASSERT_TRUE(s.node().Propose(std::string(100, 'x')).ok());
  }
  ASSERT_TRUE(s.node().Propose(std::string(1000, 'y')).ok());
  const std::vector<Message> apps = AppsTo(s.Drain(), 2);
  std::vector<int> sizes;
  for (const Message& m : apps) sizes.push_back(m.entries_size());
  EXPECT_EQ(sizes, (std::vector<int>{2, 2, 2, 1}));
}

TEST(Replication, ProposalsBetweenReadiesTravelInOneAppend) {
  Solo s = ReplicatingLeader();
  for (int i = 0; i < 10; ++i) ASSERT_TRUE(s.node().Propose("p").ok());
  const std::vector<Message> apps = AppsTo(s.Drain(), 2);
  ASSERT_EQ(apps.size(), 1u);
  EXPECT_EQ(apps[0].entries_size(), 10);
}

TEST(Replication, CommitReachesFollowersWithoutNewEntries) {
  TestCluster c({1, 2, 3});
  c.ElectLeader(1);
  ASSERT_TRUE(c.Propose(1, "a").ok());
  c.Stabilize();
  for (NodeId id : c.ids()) {
    EXPECT_EQ(c.raft(id).log().committed(), c.raft(1).log().LastIndex());
    EXPECT_EQ(c.AppliedData(id), std::vector<std::string>{"a"});
  }
}

TEST(Replication, ACommitIsBroadcastAtOnceByDefault) {
  Solo s = ReplicatingLeader();
  ASSERT_TRUE(s.node().Propose("a").ok());
  s.Drain();
  const std::vector<Message> sent = s.Step(AppResp(2, 1, 2));
  for (NodeId follower : {2, 3}) {
    const std::vector<Message> apps = AppsTo(sent, follower);
    ASSERT_EQ(apps.size(), 1u) << follower;
    EXPECT_EQ(apps[0].entries_size(), 0);
    EXPECT_EQ(apps[0].commit(), 2u);
  }
}

TEST(Replication, WithoutCommitBroadcastTheCommitRidesOnTheNextHeartbeat) {
  Solo s = ReplicatingLeader([](Config& c) { c.broadcast_commit = false; });
  ASSERT_TRUE(s.node().Propose("a").ok());
  s.Drain();
  EXPECT_TRUE(OfType(s.Step(AppResp(2, 1, 2)), raftpb::MSG_APP).empty());
  ASSERT_EQ(s.raft().log().committed(), 2u);
  s.node().Tick();
  const std::vector<Message> heartbeats =
      OfType(s.Drain(), raftpb::MSG_HEARTBEAT);
  ASSERT_EQ(heartbeats.size(), 2u);
  for (const Message& hb : heartbeats) {
    // Never past what the follower is known to hold.
    EXPECT_EQ(hb.commit(), hb.to() == 2 ? 2u : 1u) << hb.to();
  }
  // The heartbeat carried the commit: its answer asks for no empty append.
  Message hb_resp = MakeMessage(raftpb::MSG_HEARTBEAT_RESP, 2, 1, 1);
  hb_resp.set_heartbeat_round(heartbeats[0].heartbeat_round());
  EXPECT_TRUE(AppsTo(s.Step(hb_resp), 2).empty());
  EXPECT_TRUE(OfType(s.Step(AppResp(3, 1, 2)), raftpb::MSG_APP).empty());
}

TEST(Replication, WithoutCommitBroadcastFollowersCommitWithinAHeartbeat) {
  TestCluster c({1, 2, 3},
                [](Config& config) { config.broadcast_commit = false; });
  c.ElectLeader(1);
  c.TickAll();
  c.Stabilize();
  ASSERT_TRUE(c.Propose(1, "a").ok());
  c.Stabilize();
  const uint64_t last = c.raft(1).log().LastIndex();
  EXPECT_EQ(c.raft(1).log().committed(), last);
  for (NodeId id : {2, 3}) EXPECT_LT(c.raft(id).log().committed(), last);
  c.Tick(1);
  c.Stabilize();
  for (NodeId id : c.ids()) {
    EXPECT_EQ(c.raft(id).log().committed(), last) << id;
    EXPECT_EQ(c.AppliedData(id), std::vector<std::string>{"a"}) << id;
  }
}

TEST(Replication, FastBacktrackingSkipsWholeTermsOfDivergentEntries) {
  // The follower holds 50 entries of term 2 the leader never had; the leader
  // (term 3) has 50 entries of term 3 after a common entry (1, 1).
  std::vector<raftpb::Entry> leader_log = {MakeEntry(1, 1)};
  std::vector<raftpb::Entry> follower_log = {MakeEntry(1, 1)};
  for (uint64_t i = 2; i <= 51; ++i) {
    leader_log.push_back(MakeEntry(i, 3, "L"));
    follower_log.push_back(MakeEntry(i, 2, "F"));
  }
  TestCluster c({1, 2, 3}, [](Config& cfg) { cfg.pre_vote = false; });
  c.storage(1).Append(leader_log);
  c.storage(3).Append(leader_log);
  c.storage(2).Append(follower_log);
  for (NodeId id : {1, 2, 3}) {
    raftpb::HardState hs;
    hs.set_term(3);
    c.storage(id).SetHardState(hs);
    c.Restart(id);
  }
  c.Cut(1, 2);
  c.ElectLeader(1);
  int rejections = 0;
  c.Heal();
  c.SetFilter([&rejections](const Message& m) {
    if (m.type() == raftpb::MSG_APP_RESP && m.reject()) ++rejections;
    return false;
  });
  c.Tick(1);
  c.Stabilize();
  EXPECT_EQ(c.raft(2).log().LastIndex(), c.raft(1).log().LastIndex());
  EXPECT_EQ(c.raft(2).log().TermOrZero(51), 3u);
  EXPECT_LE(rejections, 3) << "one rejection per divergent term, not per entry";
}

TEST(Replication, ProposalOnAFollowerNamesTheLeader) {
  TestCluster c({1, 2, 3});
  c.ElectLeader(1);
  const absl::StatusOr<EntryId> result = c.Propose(2, "x");
  ASSERT_FALSE(result.ok());
  EXPECT_TRUE(IsErrorKind(result.status(), ErrorKind::kNotLeader));
  EXPECT_EQ(GetLeaderHint(result.status()), 1);
}

TEST(Replication, ProposalWithoutAKnownLeaderSaysSo) {
  Solo s(1, {1, 2, 3});
  const absl::StatusOr<EntryId> result = s.node().Propose("x");
  EXPECT_TRUE(IsErrorKind(result.status(), ErrorKind::kLeaderNotFound));
}

TEST(Replication, OversizedProposalIsRejected) {
  Solo s = ReplicatingLeader([](Config& c) { c.max_entry_bytes = 100; });
  EXPECT_TRUE(s.node().Propose(std::string(100, 'x')).ok());
  const absl::StatusOr<EntryId> result =
      s.node().Propose(std::string(101, 'x'));
  EXPECT_TRUE(IsErrorKind(result.status(), ErrorKind::kInvalidRequest));
}

TEST(Replication, UncommittedBytesBoundProposalsUntilEntriesCommit) {
  Solo s = ReplicatingLeader(
      [](Config& c) { c.max_uncommitted_entries_bytes = 1000; });
  ASSERT_TRUE(s.node().Propose(std::string(600, 'x')).ok());
  s.Drain();
  const absl::StatusOr<EntryId> refused =
      s.node().Propose(std::string(600, 'y'));
  EXPECT_TRUE(absl::IsResourceExhausted(refused.status()));
  // Once the first commits (and is applied), there is room again.
  s.Step(AppResp(2, 1, s.raft().log().LastIndex()));
  EXPECT_TRUE(s.node().Propose(std::string(600, 'y')).ok());
}

TEST(Replication, ProposalReturnsWhereItLandsInTheLog) {
  Solo s = ReplicatingLeader();
  const absl::StatusOr<EntryId> a = s.node().Propose("a");
  const absl::StatusOr<EntryId> b = s.node().Propose("b");
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(a->index + 1, b->index);
  EXPECT_EQ(a->term, s.raft().term());
}

TEST(Replication, MalformedAppendsAreRefusedWithoutHarm) {
  Solo s(2, {1, 2, 3}, {MakeEntry(1, 1)}, 1);
  Message gap = MakeMessage(raftpb::MSG_APP, 1, 2, 1);
  gap.set_index(1);
  gap.set_log_term(1);
  *gap.add_entries() = MakeEntry(3, 1);  // not contiguous after index 1
  EXPECT_TRUE(absl::IsInvalidArgument(s.node().Step(gap)));
  Message future = MakeMessage(raftpb::MSG_APP, 1, 2, 1);
  future.set_index(1);
  future.set_log_term(1);
  *future.add_entries() = MakeEntry(2, 9);  // newer than the message's term
  EXPECT_TRUE(absl::IsInvalidArgument(s.node().Step(future)));
  Message wrong_to = MakeMessage(raftpb::MSG_HEARTBEAT, 1, 3, 1);
  EXPECT_TRUE(absl::IsInvalidArgument(s.node().Step(wrong_to)));
  EXPECT_EQ(s.raft().log().LastIndex(), 1u);
  EXPECT_EQ(s.raft().counters().messages_malformed, 3u);
}

}  // namespace
}  // namespace ekv::raft
