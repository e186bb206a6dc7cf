// RaftChecker: the invariants of a simulated Raft group, checked as the run
// goes — on every persisted batch and applied entry (through the Replica's
// observer) and after every event of the world:
//
//   election safety     at most one leader per term;
//   log matching        an (index, term) names one entry, with one entry
//                       before it, in every log that ever held it;
//   state machine       every replica applies the same entry at an index,
//   safety              and reaches the same running hash there (so the
//                       prefixes are identical too); a restored snapshot
//                       carries the hash of its index;
//   leader completeness a leader of term T holds every entry committed in an
//   (no committed entry earlier term — checked when it takes office, so a
//   lost)               committed entry lost to a crash or a disk fault shows;
//   lease safety        while a member would report a valid lease, no other
//                       member leads a later term with a commit in it;
//   commit rule         a leader's commit index moves only onto an entry of
//                       its own term (paper 5.4.2: entries of older terms
//                       commit only under one of the current term);
//   committed entries   within one boot a member never drops from its log an
//   stay                entry it held that was committed (by its own commit
//                       index or a live member's), except by compacting it
//                       under a snapshot that covers it.
//
// Violations are collected (with the simulated time), not asserted, so the
// runner can report the seed; the first one stops the run.
//
// It serves any process that runs a raft::Replica: the run says how to find
// a node's Replica (nullptr while it is down; the answer may depend only on
// the world's processes, as it is asked again only when
// World::process_changes() moves) and, when its state machine can
// hash its state cheaply, that hash (otherwise the state check is skipped and
// only the entries are compared). Install it as each Replica's observer
// before the Replica starts, so recovery is observed too.
#ifndef EKV_SIM_RAFT_CHECKER_H_
#define EKV_SIM_RAFT_CHECKER_H_

#include <cstdint>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "engine/raft/replica.h"
#include "sim/world.h"

namespace ekv::sim {

class RaftChecker : public raft::ReplicaObserver {
 public:
  using ReplicaOf = std::function<const raft::Replica*(EndpointId)>;
  using StateHashOf = std::function<uint64_t(EndpointId)>;

  RaftChecker(World* world, ReplicaOf replica_of,
              StateHashOf state_hash_of = nullptr)
      : world_(world),
        replica_of_(std::move(replica_of)),
        state_hash_of_(std::move(state_hash_of)) {}

  void OnPersisted(EndpointId node,
                   absl::Span<const raftpb::Entry> entries) override;
  void OnApplied(EndpointId node, const raftpb::Entry& entry) override;
  void OnRestored(EndpointId node,
                  const raftpb::SnapshotMetadata& meta) override;

  // After every event of the world.
  void AfterEvent();

  const std::vector<std::string>& violations() const { return violations_; }
  uint64_t violation_count() const { return violation_count_; }
  // The highest index applied anywhere, and terms that had a leader.
  uint64_t max_applied_index() const { return applied_.size(); }
  size_t leader_terms() const { return leader_of_term_.size(); }
  // The running hash of the state machines after `index` (0 if unknown).
  uint64_t hash_at(uint64_t index) const;

  // Called with an entry's data when a replica applies it.
  std::function<void(EndpointId, const raftpb::Entry&)> on_applied;

 private:
  struct Applied {
    uint64_t term = 0;  // 0: nobody applied the index yet
    uint64_t data_hash = 0;
    uint64_t state_hash = 0;
    uint64_t commit_term_max = 0;  // the lowest term an applier was in
  };
  // What was applied at `index` (term 0 when nothing was), or nullptr when
  // the index is beyond every applied one.
  const Applied* AppliedAt(uint64_t index) const;
  void Violation(std::string what);
  void CheckLeader(EndpointId node, const raft::Raft& raft);
  void CheckLeaderCompleteness(EndpointId node, const raft::Raft& raft);
  void CheckLeases();
  // `replica` is the node's (nullptr while it is down).
  void CheckOwnLog(EndpointId node, const raft::Replica* replica);
  std::pair<uint64_t, uint64_t> HeldCommitted(EndpointId node,
                                              const raft::RaftLog& log) const;
  // Whether a member's protocol state may differ from what the checks last
  // saw; bumps states_seen_ when it may.
  bool StateMayHaveChanged(EndpointId node, const raft::Replica* replica);
  uint64_t StateHash(EndpointId node) const;
  // replica_of_(node), asked again only when some process changed.
  const raft::Replica* CachedReplica(EndpointId node);
  void RefreshReplicas();

  World* world_;
  ReplicaOf replica_of_;
  StateHashOf state_hash_of_;
  std::map<uint64_t, EndpointId> leader_of_term_;
  std::set<std::pair<EndpointId, uint64_t>> completeness_checked_;
  // (index, term) -> (term before it, data hash). Looked up, never
  // iterated: its order cannot reach the run.
  absl::flat_hash_map<std::pair<uint64_t, uint64_t>,
                      std::pair<uint64_t, uint64_t>>
      entries_;
  // By index - 1: every index from 1 up is applied somewhere before the next
  // (a snapshot is taken of applied state), so the vector has no holes worth
  // a map.
  std::vector<Applied> applied_;
  // What a member's log looked like after its last event, in one boot.
  struct LogView {
    uint64_t boot = 0;  // 0: no view
    uint64_t committed = 0;
    uint64_t held_index = 0;  // a committed entry the log held
    uint64_t held_term = 0;
    uint64_t states_seen = 0;  // states_seen_ when the view was taken
  };
  std::vector<LogView> log_views_;  // by EndpointId
  // The Ready count and boot of each member when the checks last looked at
  // it: a member whose count has not moved is in the state they saw, so an
  // event that changed nobody's state (most ticks and heartbeat replies)
  // costs the lease check only.
  struct Seen {
    uint64_t boot = 0;
    uint64_t readies = 0;
    bool led = false;  // led `term` when last seen (its checks are done)
    uint64_t term = 0;
  };
  std::vector<Seen> seen_;  // by EndpointId
  // Bumped whenever some member's state may have changed.
  uint64_t states_seen_ = 0;
  std::vector<std::string> violations_;
  uint64_t violation_count_ = 0;
  // Every member's Replica (nullptr while down) and the members that are up,
  // as of the world's process_changes() count in replicas_seen_.
  std::vector<const raft::Replica*> replicas_;  // by EndpointId
  std::vector<std::pair<EndpointId, const raft::Replica*>> live_;
  uint64_t replicas_seen_ = ~uint64_t{0};
};

}  // namespace ekv::sim

#endif  // EKV_SIM_RAFT_CHECKER_H_
