// The Replica in the simulated world: elections, proposals and their
// outcomes, reads and leases, restarts from the WAL, snapshots and
// compaction, disk trouble, corruption, bad input, membership and transfer.
#include "engine/raft/replica.h"

#include <memory>
#include <string>
#include <vector>

#include "engine/base/status.h"
#include "engine/proto/envelope.h"
#include "engine/raft/testing/replica_node.h"
#include "gtest/gtest.h"
#include "sim/world.h"

namespace ekv::raft {
namespace {

using testing::ReplicaNode;
using testing::ReplicaNodeFactory;
using testing::TestReplicaConfig;

constexpr int64_t kMs = 1'000'000;

class Cluster {
 public:
  Cluster(int nodes, ReplicaConfig config, int extra_nodes = 0,
          uint64_t seed = 1)
      : world_(seed, sim::SimOptions()) {
    for (int i = 0; i < nodes + extra_nodes; ++i) {
      world_.AddNode(ReplicaNodeFactory(config));
    }
    world_.Start();
  }

  sim::World& world() { return world_; }
  ReplicaNode* node(EndpointId id) { return world_.ProcessAs<ReplicaNode>(id); }
  Replica& replica(EndpointId id) { return node(id)->replica(); }
  void Run(int64_t ns) { world_.RunFor(ns); }
  // Runs `fn` as an event of the world (where Replica calls belong).
  void Do(std::function<void()> fn) {
    world_.After(0, std::move(fn));
    world_.RunFor(1);
  }
  EndpointId Leader() {
    EndpointId leader = 0;
    uint64_t term = 0;
    for (EndpointId id : world_.nodes()) {
      ReplicaNode* n = node(id);
      if (n != nullptr && n->replica().is_leader() &&
          n->replica().term() >= term) {
        leader = id;
        term = n->replica().term();
      }
    }
    return leader;
  }
  EndpointId AFollower() {
    for (EndpointId id : world_.nodes()) {
      if (id != Leader() && node(id) != nullptr) return id;
    }
    return 0;
  }
  // Proposes `count` entries at the leader; returns their outcomes as they
  // arrive.
  std::shared_ptr<std::vector<absl::Status>> ProposeMany(int count,
                                                         std::string prefix) {
    auto outcomes = std::make_shared<std::vector<absl::Status>>();
    const EndpointId leader = Leader();
    Do([this, leader, count, prefix, outcomes] {
      for (int i = 0; i < count; ++i) {
        const auto at =
            replica(leader).Propose(prefix + std::to_string(i),
                                    [outcomes](absl::Status s, const EntryId&) {
                                      outcomes->push_back(s);
                                    });
        if (!at.ok()) outcomes->push_back(at.status());
      }
    });
    return outcomes;
  }
  void ExpectSameState() {
    const uint64_t hash = node(1)->state().hash();
    for (EndpointId id : world_.nodes()) {
      if (node(id) == nullptr) continue;
      EXPECT_EQ(node(id)->state().hash(), hash) << "node " << id;
      EXPECT_EQ(node(id)->state().applied_index(),
                node(1)->state().applied_index())
          << "node " << id;
    }
  }

 private:
  sim::World world_;
};

TEST(Replica, ThreeMembersElectALeaderAndReplicate) {
  Cluster c(3, TestReplicaConfig({1, 2, 3}));
  c.Run(1000 * kMs);
  ASSERT_NE(c.Leader(), 0u);
  auto outcomes = c.ProposeMany(20, "x");
  c.Run(500 * kMs);
  ASSERT_EQ(outcomes->size(), 20u);
  for (const absl::Status& s : *outcomes) EXPECT_TRUE(s.ok()) << s;
  c.ExpectSameState();
  EXPECT_EQ(c.node(1)->state().data_entries(), 20u);
}

TEST(Replica, SingleMemberCommitsAlone) {
  Cluster c(1, TestReplicaConfig({1}));
  c.Run(500 * kMs);
  ASSERT_EQ(c.Leader(), 1u);
  auto outcomes = c.ProposeMany(5, "solo");
  c.Run(10 * kMs);
  EXPECT_EQ(outcomes->size(), 5u);
  EXPECT_EQ(c.node(1)->state().data_entries(), 5u);
}

TEST(Replica, FollowerRefusesProposalsNamingTheLeader) {
  Cluster c(3, TestReplicaConfig({1, 2, 3}));
  c.Run(1000 * kMs);
  const EndpointId leader = c.Leader();
  const EndpointId follower = c.AFollower();
  absl::StatusOr<EntryId> result;
  c.Do([&] { result = c.replica(follower).Propose("x"); });
  ASSERT_FALSE(result.ok());
  EXPECT_TRUE(IsErrorKind(result.status(), ErrorKind::kNotLeader));
  EXPECT_EQ(GetLeaderHint(result.status()), static_cast<int64_t>(leader));
}

TEST(Replica, ReadIndexAndLeaseReadsAnswerOnTheLeaderOnly) {
  Cluster c(3, TestReplicaConfig({1, 2, 3}));
  c.Run(1000 * kMs);
  const EndpointId leader = c.Leader();
  c.ProposeMany(3, "r");
  c.Run(100 * kMs);
  std::vector<absl::StatusOr<uint64_t>> reads;
  absl::Status follower_read;
  bool lease = false;
  c.Do([&] {
    auto record = [&reads](absl::StatusOr<uint64_t> index) {
      reads.push_back(index);
    };
    EXPECT_TRUE(c.replica(leader).ReadIndex(record).ok());
    lease = c.replica(leader).LeaseValid();
    EXPECT_TRUE(c.replica(leader).LeaseRead(record).ok());
    follower_read = c.replica(c.AFollower()).ReadIndex(record);
  });
  c.Run(100 * kMs);
  EXPECT_TRUE(lease);
  ASSERT_EQ(reads.size(), 2u);
  for (const auto& index : reads) {
    ASSERT_TRUE(index.ok());
    EXPECT_GE(*index, 4u);  // the bootstrap entries, the no-op and 3 more
    EXPECT_LE(*index, c.replica(leader).applied_index());
  }
  EXPECT_TRUE(IsErrorKind(follower_read, ErrorKind::kNotLeader));
}

TEST(Replica, RestartRecoversEverythingFromTheDisk) {
  Cluster c(3, TestReplicaConfig({1, 2, 3}));
  c.Run(1000 * kMs);
  c.ProposeMany(10, "a");
  c.Run(200 * kMs);
  const EndpointId follower = c.AFollower();
  c.world().Crash(follower);
  c.ProposeMany(10, "b");
  c.Run(200 * kMs);
  c.world().Restart(follower);
  c.Run(500 * kMs);
  c.ExpectSameState();
  EXPECT_EQ(c.node(follower)->state().data_entries(), 20u);
  // Everyone restarts at once: the group comes back with its log.
  for (EndpointId id : c.world().nodes()) c.world().Crash(id);
  for (EndpointId id : c.world().nodes()) c.world().Restart(id);
  c.Run(1000 * kMs);
  ASSERT_NE(c.Leader(), 0u);
  c.ProposeMany(1, "c");
  c.Run(200 * kMs);
  c.ExpectSameState();
  EXPECT_EQ(c.node(1)->state().data_entries(), 21u);
}

TEST(Replica, SnapshotsBoundTheLogAndRestartsStartFromThem) {
  Cluster c(3, TestReplicaConfig({1, 2, 3}));
  c.Run(1000 * kMs);
  for (int round = 0; round < 4; ++round) {
    c.ProposeMany(60, "s" + std::to_string(round));
    c.Run(200 * kMs);
  }
  for (EndpointId id : c.world().nodes()) {
    const ReplicaStatus status = c.replica(id).status();
    EXPECT_GE(status.counters.snapshots_taken, 2u) << id;
    EXPECT_GT(status.raft.first_index, 100u) << id;
    EXPECT_LE(c.world().disk(id)->List()->size(), 3u)
        << "one segment, one snapshot (and maybe one more)";
  }
  c.world().Crash(2);
  c.world().Restart(2);
  c.Run(500 * kMs);
  c.ExpectSameState();
  EXPECT_EQ(c.node(2)->state().data_entries(), 240u);
}

TEST(Replica, LaggingFollowerCatchesUpThroughASnapshot) {
  Cluster c(3, TestReplicaConfig({1, 2, 3}));
  c.Run(1000 * kMs);
  const EndpointId leader = c.Leader();
  const EndpointId follower = c.AFollower();
  c.world().network().Block({follower}, {1, 2, 3}, false);
  c.ProposeMany(150, "lag");
  c.Run(300 * kMs);
  ASSERT_EQ(c.Leader(), leader);
  c.world().network().Heal();
  c.Run(1000 * kMs);
  c.ExpectSameState();
  EXPECT_GE(c.replica(follower).status().counters.snapshots_installed, 1u);
}

TEST(Replica, AFullDiskStallsTheMemberUntilThereIsRoomAgain) {
  Cluster c(3, TestReplicaConfig({1, 2, 3}));
  c.Run(1000 * kMs);
  const EndpointId follower = c.AFollower();
  c.world().disk(follower)->set_full(true);
  c.ProposeMany(5, "full");
  c.Run(300 * kMs);
  EXPECT_TRUE(c.replica(follower).status().stalled);
  EXPECT_EQ(c.node(follower)->state().data_entries(), 0u);
  absl::StatusOr<EntryId> refused;
  c.Do([&] { refused = c.replica(follower).Propose("x"); });
  EXPECT_TRUE(IsErrorKind(refused.status(), ErrorKind::kIoError));
  c.world().disk(follower)->set_full(false);
  c.Run(500 * kMs);
  EXPECT_FALSE(c.replica(follower).status().stalled);
  c.ExpectSameState();
  EXPECT_EQ(c.node(follower)->state().data_entries(), 5u);
}

// A stalled follower's disk traffic and the cluster's outcome, with the
// Replica's own tick timer or with its owner's.
struct StallRun {
  std::vector<absl::Status> outcomes;
  uint64_t stall_disk_operations = 0;
  uint64_t stall_full_refusals = 0;
  uint64_t owner_ticks = 0;
  uint64_t applied = 0;
};

StallRun RunThroughAFullDisk(bool ticks_from_owner) {
  ReplicaConfig config = TestReplicaConfig({1, 2, 3});
  config.ticks_from_owner = ticks_from_owner;
  Cluster c(3, config);
  c.Run(1000 * kMs);
  StallRun run;
  const EndpointId follower = c.AFollower();
  EXPECT_NE(follower, 0u);
  if (follower == 0) return run;
  SimDisk& disk = *c.world().disk(follower);
  disk.set_full(true);
  auto outcomes = c.ProposeMany(5, "full");
  c.Run(20 * kMs);  // the stall begins
  const DiskStats before = disk.stats();
  c.Run(300 * kMs);
  EXPECT_TRUE(c.replica(follower).status().stalled);
  run.stall_disk_operations = disk.stats().operations - before.operations;
  run.stall_full_refusals = disk.stats().full_refusals - before.full_refusals;
  disk.set_full(false);
  c.Run(500 * kMs);
  EXPECT_FALSE(c.replica(follower).status().stalled);
  c.ExpectSameState();
  run.outcomes = *outcomes;
  run.owner_ticks = c.node(follower)->owner_ticks();
  run.applied = c.node(follower)->state().data_entries();
  return run;
}

TEST(Replica, OwnerDrivenTicksKeepTheReplicasPace) {
  const StallRun own = RunThroughAFullDisk(/*ticks_from_owner=*/false);
  const StallRun owner = RunThroughAFullDisk(/*ticks_from_owner=*/true);
  EXPECT_EQ(own.owner_ticks, 0u);
  // About one owner tick per 10 ms tick over the 1.82 s run.
  EXPECT_GT(owner.owner_ticks, 150u);
  EXPECT_LT(owner.owner_ticks, 200u);
  for (const StallRun* run : {&own, &owner}) {
    ASSERT_EQ(run->outcomes.size(), 5u);
    for (const absl::Status& s : run->outcomes) EXPECT_TRUE(s.ok()) << s;
    EXPECT_EQ(run->applied, 5u);
    // Retried every disk_retry_interval_ticks (5 ticks = 50 ms): about 6
    // tries in 300 ms, not one per tick.
    EXPECT_GE(run->stall_full_refusals, 4u);
    EXPECT_LE(run->stall_full_refusals, 8u);
  }
  // The same pace either way: the disk sees the same traffic.
  EXPECT_EQ(own.stall_disk_operations, owner.stall_disk_operations);
  EXPECT_EQ(own.stall_full_refusals, owner.stall_full_refusals);
}

TEST(Replica, CorruptionInTheMiddleOfTheWalStopsTheMemberWithCorruption) {
  Cluster c(3, TestReplicaConfig({1, 2, 3}));
  c.Run(1000 * kMs);
  c.ProposeMany(10, "c");
  c.Run(200 * kMs);
  const EndpointId follower = c.AFollower();
  c.world().Crash(follower);
  Disk* disk = c.world().disk(follower);
  const std::string name = "raft-g1-wal-0000000000000001.log";
  std::string data = *ReadWholeFile(*disk, name);
  data[20] = static_cast<char>(~data[20]);  // inside the first record
  ASSERT_TRUE(disk->Remove(name).ok());
  ASSERT_TRUE(disk->Append(name, data).ok());
  ASSERT_TRUE(disk->Sync(name).ok());
  ASSERT_TRUE(disk->SyncDir().ok());
  c.world().Restart(follower);
  c.Run(100 * kMs);
  const absl::Status failed = c.replica(follower).failed();
  EXPECT_TRUE(IsErrorKind(failed, ErrorKind::kCorruption)) << failed;
  EXPECT_NE(failed.message().find("offset 0"), absl::string_view::npos);
  // The other two carry on.
  auto outcomes = c.ProposeMany(1, "after");
  c.Run(200 * kMs);
  ASSERT_EQ(outcomes->size(), 1u);
  EXPECT_TRUE(outcomes->at(0).ok());
}

TEST(Replica, MalformedPayloadsAreCountedAndDropped) {
  Cluster c(3, TestReplicaConfig({1, 2, 3}));
  c.Run(1000 * kMs);
  const EndpointId leader = c.Leader();
  const uint64_t term = c.replica(leader).term();
  c.Do([&] {
    ReplicaNode* n = c.node(leader);
    n->OnMessage(2, "");
    n->OnMessage(2, std::string("\x01garbage", 8));
    n->OnMessage(2, std::string("\x07whatever", 9));
    raftpb::GroupMessage wrong_group;
    wrong_group.set_group_id(99);
    wrong_group.mutable_message()->set_from(2);
    n->OnMessage(
        2, WrapPayload(PayloadTag::kRaft, wrong_group.SerializeAsString()));
    raftpb::GroupMessage spoofed;
    spoofed.set_group_id(1);
    spoofed.mutable_message()->set_from(3);  // but it comes from 2
    spoofed.mutable_message()->set_type(raftpb::MSG_APP_RESP);
    n->OnMessage(2,
                 WrapPayload(PayloadTag::kRaft, spoofed.SerializeAsString()));
  });
  c.Run(100 * kMs);
  EXPECT_EQ(c.replica(leader).status().counters.payloads_malformed, 5u);
  EXPECT_EQ(c.Leader(), leader);
  EXPECT_EQ(c.replica(leader).term(), term);
}

TEST(Replica, ANewMemberJoinsThroughAMembershipChange) {
  Cluster c(3, TestReplicaConfig({1, 2, 3}), /*extra_nodes=*/1);
  c.Run(1000 * kMs);
  const EndpointId leader = c.Leader();
  c.ProposeMany(10, "j");
  c.Run(100 * kMs);
  EXPECT_EQ(c.node(4)->state().data_entries(), 0u) << "not a member yet";
  absl::Status outcome = absl::UnknownError("pending");
  c.Do([&] {
    raftpb::ConfChange change;
    change.set_type(raftpb::CONF_CHANGE_ADD_VOTER);
    change.set_node_id(4);
    ASSERT_TRUE(
        c.replica(leader)
            .ProposeConfChange(
                change, [&](absl::Status s, const EntryId&) { outcome = s; })
            .ok());
  });
  c.Run(500 * kMs);
  EXPECT_TRUE(outcome.ok()) << outcome;
  c.ExpectSameState();
  EXPECT_EQ(c.replica(4).status().raft.conf_state.voters_size(), 4);
}

TEST(Replica, LeadershipMovesOnRequest) {
  Cluster c(3, TestReplicaConfig({1, 2, 3}));
  c.Run(1000 * kMs);
  const EndpointId target = c.AFollower();
  absl::Status status;
  c.Do([&] { status = c.replica(c.Leader()).TransferLeadership(target); });
  EXPECT_TRUE(status.ok()) << status;
  c.Run(200 * kMs);
  EXPECT_EQ(c.Leader(), target);
}

TEST(Replica, APausedLeaderReportsNoLeaseWhenItWakesUp) {
  Cluster c(3, TestReplicaConfig({1, 2, 3}));
  c.Run(1000 * kMs);
  const EndpointId leader = c.Leader();
  bool before = false;
  c.Do([&] { before = c.replica(leader).LeaseValid(); });
  EXPECT_TRUE(before);
  c.world().Pause(leader, 500 * kMs);
  c.Run(600 * kMs);
  // The first thing it is asked after waking: no lease (time passed while
  // it slept, and the others have moved on).
  bool after = true;
  c.world().After(0, [&] { after = c.replica(leader).LeaseValid(); });
  c.Run(1);
  EXPECT_FALSE(after);
  EXPECT_NE(c.Leader(), 0u);
}

}  // namespace
}  // namespace ekv::raft
