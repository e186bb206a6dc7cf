// TestCluster: Raft members wired through an in-memory, hand-driven network,
// for scenario tests. Each member is a RawNode over a MemoryStorage; the test
// decides when time passes (Tick), which messages are lost (partitions,
// filters) and when everything settles (Stabilize). Every Ready is handled as
// the contract in raw_node.h says, and the Raft invariants are checked after
// every Ready: at most one leader per term, logs that match at an (index,
// term) match before it, applied entries identical on every member.
#ifndef EKV_ENGINE_RAFT_TESTING_CLUSTER_H_
#define EKV_ENGINE_RAFT_TESTING_CLUSTER_H_

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "engine/proto/raft.pb.h"
#include "engine/raft/config.h"
#include "engine/raft/raw_node.h"
#include "engine/raft/storage.h"

namespace ekv::raft::testing {

// A config for tests: election timeout 10 ticks, heartbeat 1 tick.
Config TestConfig(NodeId id, uint64_t seed = 1);

struct TestMember {
  std::unique_ptr<MemoryStorage> storage;
  std::unique_ptr<RawNode> node;
  // Entries applied, in order, since the last restore (index -> data).
  std::map<uint64_t, raftpb::Entry> applied;
  // The state machine as of the last snapshot it restored: index and data.
  uint64_t snapshot_index = 0;
  std::vector<ReadState> read_states;
  bool crashed = false;
};

class TestCluster {
 public:
  using ConfigTweak = std::function<void(Config&)>;
  using MessageFilter = std::function<bool(const raftpb::Message&)>;

  // Members `voters` (and `learners`) bootstrapped with that membership.
  explicit TestCluster(std::vector<NodeId> voters, ConfigTweak tweak = {},
                       std::vector<NodeId> learners = {});
  // Reports every invariant violation as a test failure (unless taken).
  ~TestCluster();

  // Invariant violations seen so far (and forgets them).
  std::vector<std::string> TakeViolations();
  // Property tests check violations themselves.
  void ReportViolationsOnDestruction(bool on) {
    expect_no_violations_on_destruction_ = on;
  }

  // Adds a member with an empty log that knows the bootstrap membership (as
  // a joining node learns it from the log's first entries), to be added by a
  // membership change.
  void AddEmptyMember(NodeId id);

  RawNode& node(NodeId id) { return *members_.at(id).node; }
  const Raft& raft(NodeId id) { return members_.at(id).node->raft(); }
  TestMember& member(NodeId id) { return members_.at(id); }
  MemoryStorage& storage(NodeId id) { return *members_.at(id).storage; }
  std::vector<NodeId> ids() const;

  // Handles every member's Ready and delivers messages until nothing moves.
  // Bounded: fails the test after `max_rounds` rounds.
  void Stabilize(int max_rounds = 10000);
  // One round: every member's Ready handled, then the messages they sent
  // delivered once.
  bool StepRound();

  void Tick(NodeId id, int ticks = 1);
  void TickAll(int ticks = 1);
  // Ticks every member (stabilizing after each tick) until `id` leads, or
  // fails the test after `max_ticks`.
  void ElectLeader(NodeId id, int max_ticks = 200);
  // Campaigns at `id` and stabilizes.
  void Campaign(NodeId id);
  // The member that leads in the highest term, or kNoNode.
  NodeId Leader() const;

  absl::StatusOr<EntryId> Propose(NodeId id, std::string data);

  // Network faults: messages from `from` to `to` are dropped while cut.
  void Cut(NodeId a, NodeId b);
  void Isolate(NodeId id);
  void Heal();
  // Drops every message for which `filter` returns true (until cleared).
  void SetFilter(MessageFilter filter) { filter_ = std::move(filter); }
  // Messages sent in the last round, for inspection.
  const std::vector<raftpb::Message>& sent() const { return sent_; }
  // Messages held back (not delivered) for the test to inspect or inject.
  std::vector<raftpb::Message> TakeQueued();
  void Inject(raftpb::Message m) { queue_.push_back(std::move(m)); }

  // Crash: loses unpersisted state (the member's RawNode), keeps Storage.
  void Crash(NodeId id);
  // Restart from Storage, with the state machine restored from the snapshot.
  void Restart(NodeId id);

  // Takes a snapshot at `id`'s applied index and compacts its log to
  // `compact_to` (<= that index).
  void SnapshotAndCompact(NodeId id, uint64_t compact_to);

  // The applied data of `id` in order (no-ops and membership changes left
  // out).
  std::vector<std::string> AppliedData(NodeId id) const;

 private:
  void HandleReady(NodeId id, TestMember& m);
  void Deliver(raftpb::Message msg);
  void CheckInvariants(NodeId id);
  bool Dropped(const raftpb::Message& m) const;
  void Violation(std::string what);

  ConfigTweak tweak_;
  raftpb::ConfState bootstrap_conf_state_;
  std::map<NodeId, TestMember> members_;
  std::deque<raftpb::Message> queue_;
  std::vector<raftpb::Message> sent_;
  std::set<std::pair<NodeId, NodeId>> cuts_;
  MessageFilter filter_;
  std::vector<std::string> violations_;
  bool expect_no_violations_on_destruction_ = true;
  // Invariant records: leader per term; entry (index, term) -> (term of the
  // entry before it, data); the applied entry at each index.
  std::map<uint64_t, NodeId> leader_of_term_;
  std::map<std::pair<uint64_t, uint64_t>, std::pair<uint64_t, std::string>>
      entry_at_;
  struct AppliedEntry {
    uint64_t term;
    std::string data;
    // An upper bound of the term in which it was committed: the lowest term
    // any member was in when it applied the entry.
    uint64_t commit_term_max;
  };
  std::map<uint64_t, AppliedEntry> applied_at_;
  uint64_t seed_ = 1;
};

}  // namespace ekv::raft::testing

#endif  // EKV_ENGINE_RAFT_TESTING_CLUSTER_H_
