// KvNode: one process's KV engine — a Raft group member (engine/raft/
// replica.h) with its WAL on env.disk, the MVCC store, the HLC, the FSM, the
// coordinator and the client service. The simulator and the server both run
// it as a Process: Start() recovers from the disk, OnMessage() takes every
// payload (Raft traffic and client requests share the transport, told apart
// by the envelope's tag, engine/proto/envelope.h), and timers do the rest.
//
// Client protocol: a ClientRequest tagged PayloadTag::kKvClientRequest gets
// exactly one ClientResponse tagged kKvClientResponse back to its sender
// (engine/proto/kv_client.proto, engine/node/kv_service.h). A node that does
// not lead answers kNotLeader with the leader's endpoint id.
//
// The FSM applies entries inside the Replica's apply loop; the coordinator
// hears of them once the Replica has returned — at the end of the message or
// tick that applied them, or in an event of its own (a zero-delay timer) when
// something else did — so that what it does in response (answer clients,
// propose again) never re-enters the Replica. One timer per tick drives the
// Replica's ticks and the coordinator's and service's periodic work.
#ifndef EKV_ENGINE_NODE_KV_NODE_H_
#define EKV_ENGINE_NODE_KV_NODE_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "engine/base/process.h"
#include "engine/hlc/hlc.h"
#include "engine/kv/active_timestamp_tracker.h"
#include "engine/kv/coordinator.h"
#include "engine/kv/fsm.h"
#include "engine/mvcc/store.h"
#include "engine/node/kv_service.h"
#include "engine/raft/replica.h"

namespace ekv::node {

struct KvNodeOptions {
  // The group's initial voters (endpoint ids); the same list on every member.
  std::vector<EndpointId> members;
  // Raft: ticks, election timeout, lease margin, snapshots, bounds. Its
  // initial_members are set from `members`.
  raft::ReplicaConfig replica;
  // Coordinator bounds and the KV timing (HLC window and renewal, compaction,
  // request timeout, clock bounds); the Raft parts of `timing` (tick,
  // election timeout, lease margin) are taken from `replica`.
  kv::CoordinatorOptions coordinator;
  kv::FsmOptions fsm;
  KvServiceOptions service;
};

// The node's timing with the Raft parts filled in from the replica config.
kv::TimingOptions EffectiveTiming(const KvNodeOptions& options);
// OK, or InvalidRequest naming the relation that does not hold.
absl::Status ValidateKvNodeOptions(const KvNodeOptions& options);

struct KvNodeCounters {
  uint64_t client_requests = 0;
  uint64_t payloads_malformed = 0;
};

class KvNode final : public Process {
 public:
  // options must pass ValidateKvNodeOptions.
  KvNode(const Env& env, EndpointId self, KvNodeOptions options);
  ~KvNode() override;

  void Start() override;
  void OnMessage(EndpointId from, std::string payload) override;

  // An operator's request (rolling restart, rebalancing): the leader hands
  // its leadership to `to` once `to` has caught up. Fails where this node
  // does not lead.
  absl::Status TransferLeadership(EndpointId to) {
    return replica_.TransferLeadership(to);
  }

  // Inspection, for tests and checkers.
  bool IsLeader() const { return replica_.is_leader(); }
  uint64_t term() const { return replica_.term(); }
  uint64_t applied_index() const { return fsm_.applied_index(); }
  uint64_t StateHash() const { return fsm_.StateHash(); }
  const kv::Fsm& fsm() const { return fsm_; }
  const mvcc::Store& store() const { return store_; }
  const hlc::Hlc& hlc() const { return hlc_; }
  const kv::Coordinator& coordinator() const { return coordinator_; }
  const KvService& service() const { return service_; }
  kv::Coordinator& coordinator() { return coordinator_; }
  const raft::Replica& replica() const { return replica_; }
  // For the simulator's Raft checker; set before Start() to observe recovery.
  void set_replica_observer(raft::ReplicaObserver* observer) {
    replica_.set_observer(observer);
  }
  const KvNodeCounters& counters() const { return counters_; }
  EndpointId id() const { return self_; }

 private:
  class StateMachineAdapter;
  class RaftGroupAdapter;
  struct Applied {
    uint64_t index = 0;
    uint64_t term = 0;
    kv::ApplyResult result;
    bool restored = false;  // a snapshot replaced the state up to `index`
  };

  // Runs `work` as one of the node's entry points (a message, the tick,
  // Start): entries applied meanwhile reach the coordinator at its end.
  template <typename Work>
  void AsEntryPoint(Work work) {
    ++entry_depth_;
    work();
    --entry_depth_;
    if (entry_depth_ == 0) FlushApplied();
  }
  void QueueApplied(Applied applied);
  void ArmFlushTimer();
  void FlushApplied();
  void ArmTick();
  void HandleClientRequest(EndpointId from, absl::string_view body);

  Env env_;
  EndpointId self_;
  KvNodeOptions options_;
  mvcc::Store store_;
  hlc::Hlc hlc_;
  kv::Fsm fsm_;
  kv::ActiveTimestampTracker tracker_;
  std::unique_ptr<StateMachineAdapter> state_machine_;
  raft::Replica replica_;
  // The adapter's ReadIndex callbacks reach the coordinator through this
  // (the coordinator is built after the adapter it needs).
  kv::Coordinator* coordinator_ptr_ = nullptr;
  std::unique_ptr<RaftGroupAdapter> raft_group_;
  kv::Coordinator coordinator_;
  KvService service_;
  std::vector<Applied> applied_queue_;
  // Rounds of FlushApplied in one go (each takes what the last applied).
  static constexpr int kFlushRoundsMax = 16;
  // Inside an entry point (AsEntryPoint): applied entries wait for its end.
  int entry_depth_ = 0;
  TimerId flush_timer_ = kNoTimer;
  TimerId tick_timer_ = kNoTimer;
  KvNodeCounters counters_;
};

}  // namespace ekv::node

#endif  // EKV_ENGINE_NODE_KV_NODE_H_
