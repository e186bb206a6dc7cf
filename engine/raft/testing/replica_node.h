// ReplicaNode: a simulated process hosting one Replica over HashStateMachine,
// for Replica tests and the simulation tests in tests/.
//
// HashStateMachine's state is the number of entries applied, the last index
// applied and a running XXH64 over every applied entry (index, term, type,
// data): two replicas that applied the same log prefix hold the same state,
// and any difference in any entry shows in every later hash.
#ifndef EKV_ENGINE_RAFT_TESTING_REPLICA_NODE_H_
#define EKV_ENGINE_RAFT_TESTING_REPLICA_NODE_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "engine/base/process.h"
#include "engine/raft/replica.h"

namespace ekv::raft::testing {

class HashStateMachine : public StateMachine {
 public:
  absl::Status Apply(const raftpb::Entry& entry) override;
  std::string TakeSnapshot() override;
  absl::Status Restore(absl::string_view data) override;

  uint64_t applied_index() const { return applied_index_; }
  uint64_t hash() const { return hash_; }
  // Normal entries with data applied.
  uint64_t data_entries() const { return data_entries_; }
  // The data of the last normal entry applied.
  const std::string& last_data() const { return last_data_; }

  // The running hash after `entry`, starting from `hash`.
  static uint64_t Fold(uint64_t hash, const raftpb::Entry& entry);

 private:
  uint64_t applied_index_ = 0;
  uint64_t hash_ = 0;
  uint64_t data_entries_ = 0;
  std::string last_data_;
};

// With config.ticks_from_owner, the node ticks its Replica from a timer of
// its own, as KvNode does.
class ReplicaNode : public Process {
 public:
  ReplicaNode(const Env& env, EndpointId self, ReplicaConfig config,
              ReplicaObserver* observer);
  ~ReplicaNode() override;

  void Start() override;
  void OnMessage(EndpointId from, std::string payload) override;

  Replica& replica() { return replica_; }
  const HashStateMachine& state() const { return state_; }
  const absl::Status& start_status() const { return start_status_; }
  uint64_t messages_received() const { return messages_received_; }
  // Times the node's own tick timer fired (ticks_from_owner only).
  uint64_t owner_ticks() const { return owner_ticks_; }

 private:
  void ArmTick();

  Env env_;
  bool ticks_from_owner_;
  TimerId tick_timer_ = kNoTimer;
  uint64_t owner_ticks_ = 0;
  HashStateMachine state_;
  Replica replica_;
  absl::Status start_status_;
  uint64_t messages_received_ = 0;
};

// Builds ReplicaNodes with `config` (group membership `members`, a
// bootstrapping member when it is among them).
ProcessFactory ReplicaNodeFactory(ReplicaConfig config,
                                  ReplicaObserver* observer = nullptr);

// Test defaults: 10 ms ticks, election after 10 ticks, small snapshots.
ReplicaConfig TestReplicaConfig(std::vector<EndpointId> members);

}  // namespace ekv::raft::testing

#endif  // EKV_ENGINE_RAFT_TESTING_REPLICA_NODE_H_
