#include "engine/node/kv_node.h"

#include <utility>

#include "engine/base/check.h"
#include "engine/base/status.h"
#include "engine/node/client_wire.h"
#include "engine/proto/envelope.h"

namespace ekv::node {

// The FSM as the Replica's state machine. Outcomes go to the node's queue
// for the coordinator.
class KvNode::StateMachineAdapter final : public raft::StateMachine {
 public:
  explicit StateMachineAdapter(KvNode* node) : node_(node) {}

  absl::Status Apply(const raftpb::Entry& entry) override {
    // Membership changes are Raft's; for the FSM they are no-ops.
    const absl::string_view data = entry.type() == raftpb::ENTRY_NORMAL
                                       ? absl::string_view(entry.data())
                                       : absl::string_view();
    kv::ApplyResult result = node_->fsm_.Apply(entry.index(), data);
    absl::Status status = result.status;
    node_->QueueApplied(
        Applied{entry.index(), entry.term(), std::move(result), false});
    return status;
  }
  std::string TakeSnapshot() override { return node_->fsm_.Snapshot(); }
  absl::Status Restore(absl::string_view data) override {
    EKV_RETURN_IF_ERROR(node_->fsm_.Restore(data));
    node_->QueueApplied(Applied{node_->fsm_.applied_index(), 0, {}, true});
    return absl::OkStatus();
  }

 private:
  KvNode* node_;
};

// The Replica as the coordinator's Raft group.
class KvNode::RaftGroupAdapter final : public kv::RaftGroup {
 public:
  RaftGroupAdapter(raft::Replica* replica, kv::Coordinator** coordinator)
      : replica_(replica), coordinator_(coordinator) {}

  absl::StatusOr<kv::ProposalId> Propose(std::string data) override {
    EKV_ASSIGN_OR_RETURN(raft::EntryId at, replica_->Propose(std::move(data)));
    return kv::ProposalId{at.index, at.term};
  }
  absl::Status ReadIndex(uint64_t request_id) override {
    kv::Coordinator** coordinator = coordinator_;
    return replica_->ReadIndex(
        [coordinator, request_id](absl::StatusOr<uint64_t> index) {
          if (index.ok()) {
            (*coordinator)->OnReadIndex(request_id, *index);
          } else {
            (*coordinator)->OnReadIndexFailed(request_id, index.status());
          }
        });
  }
  bool IsLeader() const override { return replica_->is_leader(); }
  int64_t LeaderHint() const override {
    const EndpointId leader = replica_->leader();
    return leader == 0 ? -1 : static_cast<int64_t>(leader);
  }
  uint64_t Term() const override { return replica_->term(); }
  uint64_t CommitIndex() const override { return replica_->commit_index(); }
  bool LeaseValid() const override { return replica_->LeaseValid(); }
  bool Transferring() const override {
    const raft::RawNode* node = replica_->raw_node();
    return node != nullptr && node->raft().lead_transferee() != raft::kNoNode;
  }

 private:
  raft::Replica* replica_;
  kv::Coordinator** coordinator_;
};

kv::TimingOptions EffectiveTiming(const KvNodeOptions& options) {
  kv::TimingOptions timing = options.coordinator.timing;
  timing.tick_interval_ms =
      std::max<int64_t>(1, options.replica.tick_interval_ns / kNanosPerMilli);
  timing.election_timeout_ticks = options.replica.raft.election_timeout_ticks;
  timing.lease_margin_ticks =
      options.replica.raft.lease_clock_error_margin_ticks;
  return timing;
}

absl::Status ValidateKvNodeOptions(const KvNodeOptions& options) {
  if (options.members.empty()) return InvalidRequestError("no members");
  if (options.replica.tick_interval_ns % kNanosPerMilli != 0) {
    return InvalidRequestError("tick_interval_ns must be whole milliseconds");
  }
  return kv::ValidateTiming(EffectiveTiming(options));
}

namespace {

kv::CoordinatorOptions WithTiming(kv::CoordinatorOptions options,
                                  const kv::TimingOptions& timing,
                                  const Env& env) {
  options.timing = timing;
  options.bugs = env.bugs;
  options.probes = env.probes;
  return options;
}

kv::FsmOptions WithEnv(kv::FsmOptions options, const Env& env) {
  options.bugs = env.bugs;
  options.probes = env.probes;
  return options;
}

KvServiceOptions WithBugs(KvServiceOptions options, const PlantedBugs* bugs) {
  options.bugs = bugs;
  return options;
}

raft::ReplicaConfig WithMembers(raft::ReplicaConfig config,
                                const std::vector<EndpointId>& members) {
  config.initial_members = members;
  config.ticks_from_owner = true;  // one timer ticks the node (ArmTick)
  return config;
}

}  // namespace

KvNode::KvNode(const Env& env, EndpointId self, KvNodeOptions options)
    : env_(env),
      self_(self),
      options_(std::move(options)),
      hlc_(env.clock, options_.coordinator.timing.hlc),
      fsm_(&store_, &hlc_, WithEnv(options_.fsm, env)),
      state_machine_(std::make_unique<StateMachineAdapter>(this)),
      replica_(env, self, WithMembers(options_.replica, options_.members),
               state_machine_.get()),
      raft_group_(
          std::make_unique<RaftGroupAdapter>(&replica_, &coordinator_ptr_)),
      coordinator_(
          raft_group_.get(), &fsm_, &hlc_, &tracker_, env.clock,
          WithTiming(options_.coordinator, EffectiveTiming(options_), env)),
      service_(&coordinator_, &store_, &tracker_, env.clock,
               WithBugs(options_.service, env.bugs)) {
  EKV_CHECK_OK(ValidateKvNodeOptions(options_));
  coordinator_ptr_ = &coordinator_;
}

KvNode::~KvNode() {
  for (TimerId timer : {flush_timer_, tick_timer_}) {
    if (timer != kNoTimer) env_.timers->CancelTimer(timer);
  }
}

void KvNode::Start() {
  // A refused start (disk trouble) is retried by the Replica; corruption
  // stops it, and every request then answers its error.
  AsEntryPoint([this] { (void)replica_.Start(); });
  ArmTick();
}

void KvNode::ArmTick() {
  // On the Replica's tick grid, so that its ticks arrive on time.
  tick_timer_ = env_.timers->StartTimer(replica_.NextTickDelayNs(), [this] {
    tick_timer_ = kNoTimer;
    AsEntryPoint([this] {
      replica_.Tick();
      service_.OnTick();
      coordinator_.OnTick();
    });
    ArmTick();
  });
}

void KvNode::QueueApplied(Applied applied) {
  applied_queue_.push_back(std::move(applied));
  // Inside an entry point, the flush at its end takes it.
  if (entry_depth_ == 0) ArmFlushTimer();
}

void KvNode::ArmFlushTimer() {
  if (flush_timer_ != kNoTimer) return;
  flush_timer_ = env_.timers->StartTimer(0, [this] {
    flush_timer_ = kNoTimer;
    FlushApplied();
  });
}

void KvNode::FlushApplied() {
  if (flush_timer_ != kNoTimer) {
    env_.timers->CancelTimer(flush_timer_);
    flush_timer_ = kNoTimer;
  }
  // What the coordinator does with an entry (propose, answer) may apply more
  // (a group of one commits at once); those are taken in the next round.
  ++entry_depth_;
  for (int round = 0; round < kFlushRoundsMax && !applied_queue_.empty();
       ++round) {
    std::vector<Applied> queue = std::move(applied_queue_);
    applied_queue_.clear();
    for (const Applied& applied : queue) {
      if (applied.restored) {
        coordinator_.OnSnapshotRestored(applied.index);
      } else {
        coordinator_.OnApplied(applied.index, applied.term, applied.result);
      }
    }
  }
  --entry_depth_;
  // Still more after kFlushRoundsMax rounds: the rest in an event of its
  // own, so one event's work stays bounded.
  if (!applied_queue_.empty()) ArmFlushTimer();
}

void KvNode::OnMessage(EndpointId from, std::string payload) {
  const auto tag = PayloadTagByte(payload);
  if (!tag.has_value()) {
    ++counters_.payloads_malformed;
    return;
  }
  AsEntryPoint([&] {
    switch (static_cast<PayloadTag>(*tag)) {
      case PayloadTag::kRaft:
        return replica_.HandlePayload(from, payload);
      case PayloadTag::kKvClientRequest:
        return HandleClientRequest(from, payload);
      default:
        ++counters_.payloads_malformed;
    }
  });
}

void KvNode::HandleClientRequest(EndpointId from, absl::string_view payload) {
  auto request = DecodeSharedClientRequest(payload);
  if (request == nullptr) {
    ++counters_.payloads_malformed;
    return;
  }
  ++counters_.client_requests;
  Transport* transport = env_.transport;
  service_.Handle(std::move(request),
                  [transport, from](kvpb::ClientResponse&& response) {
                    transport->Send(from, EncodeClientResponse(response));
                  });
}

}  // namespace ekv::node
