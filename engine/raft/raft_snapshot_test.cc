// Log compaction and snapshots: a follower that needs compacted entries gets
// the leader's snapshot in chunks, resent from where it was lost; a member
// restarts from its snapshot plus its log.
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

void SmallChunks(Config& c) {
  c.max_snapshot_chunk_bytes = 16;
  c.max_inflight_snapshot_chunks = 4;
}

// Leader 1 of {1, 2, 3} with member 3 cut off while 20 entries commit, then
// compacted past them.
void LeaveMemberThreeBehind(TestCluster& c) {
  c.ElectLeader(1);
  c.Isolate(3);
  for (int i = 0; i < 20; ++i) {
    ASSERT_TRUE(c.Propose(1, "entry-" + std::to_string(i)).ok());
  }
  c.Stabilize();
  c.SnapshotAndCompact(1, c.raft(1).log().applied());
  ASSERT_GT(c.raft(1).log().FirstIndex(), c.raft(3).log().LastIndex() + 1);
}

void SettleWithHeartbeats(TestCluster& c, int ticks) {
  for (int t = 0; t < ticks; ++t) {
    c.Tick(1);
    c.Stabilize();
  }
}

TEST(Snapshot, LaggingFollowerCatchesUpThroughChunks) {
  TestCluster c({1, 2, 3}, SmallChunks);
  LeaveMemberThreeBehind(c);
  c.Heal();
  int chunks = 0;
  c.SetFilter([&chunks](const Message& m) {
    if (m.type() == raftpb::MSG_SNAP) ++chunks;
    return false;
  });
  SettleWithHeartbeats(c, 3);
  EXPECT_EQ(c.AppliedData(3), c.AppliedData(1));
  EXPECT_GT(chunks, 4) << "the snapshot went in several chunks";
  EXPECT_EQ(c.raft(1).tracker().Find(3)->state(), ProgressState::kReplicate);
  ASSERT_TRUE(c.Propose(1, "after").ok());
  c.Stabilize();
  EXPECT_EQ(c.AppliedData(3).back(), "after");
}

TEST(Snapshot, LostChunksAreResentFromWhereTheFollowerIs) {
  TestCluster c({1, 2, 3}, SmallChunks);
  LeaveMemberThreeBehind(c);
  c.Heal();
  int seen = 0;
  c.SetFilter([&seen](const Message& m) {
    // Lose every third chunk for the first thirty.
    return m.type() == raftpb::MSG_SNAP && ++seen <= 30 && seen % 3 == 0;
  });
  SettleWithHeartbeats(c, 30);
  EXPECT_EQ(c.AppliedData(3), c.AppliedData(1));
}

TEST(Snapshot, LostLastAnswerIsRecoveredByHeartbeats) {
  TestCluster c({1, 2, 3}, SmallChunks);
  LeaveMemberThreeBehind(c);
  c.Heal();
  bool dropped = false;
  c.SetFilter([&dropped](const Message& m) {
    // The follower's answer after installing is lost once.
    if (m.from() == 3 && m.type() == raftpb::MSG_APP_RESP && !dropped) {
      dropped = true;
      return true;
    }
    return false;
  });
  SettleWithHeartbeats(c, 10);
  EXPECT_TRUE(dropped);
  EXPECT_EQ(c.raft(1).tracker().Find(3)->state(), ProgressState::kReplicate);
  EXPECT_EQ(c.AppliedData(3), c.AppliedData(1));
}

TEST(Snapshot, FollowerThatRestartsMidTransferStartsOver) {
  TestCluster c({1, 2, 3}, SmallChunks);
  LeaveMemberThreeBehind(c);
  c.Heal();
  c.Tick(1);
  c.StepRound();  // heartbeats out
  c.StepRound();  // answers in; the snapshot starts
  c.StepRound();  // a few chunks arrive
  c.Crash(3);
  c.Restart(3);
  SettleWithHeartbeats(c, 10);
  EXPECT_EQ(c.AppliedData(3), c.AppliedData(1));
}

TEST(Snapshot, OversizedSnapshotIsRefused) {
  TestCluster c({1, 2, 3}, [](Config& cfg) {
    SmallChunks(cfg);
    if (cfg.id == 3) cfg.max_snapshot_bytes = 8;
  });
  LeaveMemberThreeBehind(c);
  c.Heal();
  SettleWithHeartbeats(c, 5);
  EXPECT_TRUE(c.AppliedData(3).empty());
  EXPECT_GT(c.raft(3).counters().snapshots_refused, 0u);
}

TEST(Snapshot, InstalledSnapshotBringsItsMembership) {
  TestCluster c({1, 2, 3}, SmallChunks);
  c.ElectLeader(1);
  c.Isolate(3);
  c.AddEmptyMember(4);
  raftpb::ConfChange add;
  add.set_type(raftpb::CONF_CHANGE_ADD_LEARNER);
  add.set_node_id(4);
  ASSERT_TRUE(c.node(1).ProposeConfChange(add).ok());
  ASSERT_TRUE(c.Propose(1, "x").ok());
  c.Stabilize();
  c.SnapshotAndCompact(1, c.raft(1).log().applied());
  c.Heal();
  SettleWithHeartbeats(c, 5);
  const raftpb::ConfState cs = c.raft(3).conf_state();
  ASSERT_EQ(cs.learners_size(), 1);
  EXPECT_EQ(cs.learners(0), 4u);
}

TEST(Snapshot, MemberRestartsFromItsSnapshotPlusItsLog) {
  TestCluster c({1, 2, 3});
  c.ElectLeader(1);
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(c.Propose(1, "a").ok());
  c.Stabilize();
  c.SnapshotAndCompact(2, c.raft(2).log().applied() - 2);
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(c.Propose(1, "b").ok());
  c.Stabilize();
  const std::vector<std::string> before = c.AppliedData(2);
  const uint64_t snapshot_index = c.storage(2).snapshot_metadata().index();
  ASSERT_GT(snapshot_index, 0u);
  c.Crash(2);
  c.Restart(2);
  c.Stabilize();
  EXPECT_EQ(c.AppliedData(2), before);
  EXPECT_EQ(c.raft(2).log().applied(), c.raft(1).log().committed());
  EXPECT_LE(c.raft(2).log().FirstIndex(), snapshot_index);
  EXPECT_EQ(c.member(2).snapshot_index, snapshot_index)
      << "the state machine restarted from the snapshot";
}

TEST(Snapshot, ChunkOfASnapshotTheFollowerAlreadyHasIsAnsweredAtOnce) {
  Solo s(2, {1, 2, 3}, {MakeEntry(1, 1), MakeEntry(2, 1), MakeEntry(3, 1)}, 1);
  raftpb::Message app = MakeMessage(raftpb::MSG_APP, 1, 2, 1);
  app.set_index(3);
  app.set_log_term(1);
  app.set_commit(3);
  s.Step(app);
  raftpb::Message chunk = MakeMessage(raftpb::MSG_SNAP, 1, 2, 1);
  chunk.mutable_snapshot()->set_index(2);
  chunk.mutable_snapshot()->set_term(1);
  chunk.set_snapshot_size_bytes(100);
  chunk.set_snapshot_chunk(std::string(10, 's'));
  const std::vector<Message> sent = s.Step(chunk);
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0].type(), raftpb::MSG_APP_RESP);
  EXPECT_EQ(sent[0].index(), 3u);
}

TEST(Snapshot, ChunkAfterAGapIsRejectedWithTheOffsetExpected) {
  Solo s(2, {1, 2, 3}, {MakeEntry(1, 1)}, 1);
  raftpb::Message chunk = MakeMessage(raftpb::MSG_SNAP, 1, 2, 1);
  chunk.mutable_snapshot()->set_index(9);
  chunk.mutable_snapshot()->set_term(1);
  chunk.set_snapshot_size_bytes(30);
  chunk.set_snapshot_chunk(std::string(10, 's'));
  std::vector<Message> sent = s.Step(chunk);
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_FALSE(sent[0].reject());
  EXPECT_EQ(sent[0].snapshot_offset(), 10u);
  chunk.set_snapshot_offset(20);  // the chunk at 10 was lost
  sent = s.Step(chunk);
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_TRUE(sent[0].reject());
  EXPECT_EQ(sent[0].reject_hint(), 10u);
  chunk.set_snapshot_offset(10);
  s.Step(chunk);
  chunk.set_snapshot_offset(20);
  sent = s.Step(chunk);
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0].type(), raftpb::MSG_APP_RESP) << "installed";
  EXPECT_EQ(sent[0].index(), 9u);
  EXPECT_EQ(s.raft().log().committed(), 9u);
}

}  // namespace
}  // namespace ekv::raft
