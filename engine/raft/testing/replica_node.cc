#include "engine/raft/testing/replica_node.h"

#include <algorithm>
#include <cstring>
#include <utility>

#include "xxhash.h"

namespace ekv::raft::testing {

uint64_t HashStateMachine::Fold(uint64_t hash, const raftpb::Entry& entry) {
  const uint64_t header[3] = {entry.index(), entry.term(),
                              static_cast<uint64_t>(entry.type())};
  hash = XXH64(header, sizeof(header), hash);
  return XXH64(entry.data().data(), entry.data().size(), hash);
}

absl::Status HashStateMachine::Apply(const raftpb::Entry& entry) {
  hash_ = Fold(hash_, entry);
  applied_index_ = entry.index();
  if (entry.type() == raftpb::ENTRY_NORMAL && !entry.data().empty()) {
    ++data_entries_;
    last_data_ = entry.data();
  }
  return absl::OkStatus();
}

std::string HashStateMachine::TakeSnapshot() {
  std::string data(24, '\0');
  const uint64_t fields[3] = {applied_index_, hash_, data_entries_};
  std::memcpy(data.data(), fields, sizeof(fields));
  return data + last_data_;
}

absl::Status HashStateMachine::Restore(absl::string_view data) {
  if (data.size() < 24) {
    return absl::DataLossError("hash state machine: snapshot too short");
  }
  uint64_t fields[3];
  std::memcpy(fields, data.data(), sizeof(fields));
  applied_index_ = fields[0];
  hash_ = fields[1];
  data_entries_ = fields[2];
  last_data_ = std::string(data.substr(24));
  return absl::OkStatus();
}

ReplicaNode::ReplicaNode(const Env& env, EndpointId self, ReplicaConfig config,
                         ReplicaObserver* observer)
    : env_(env),
      ticks_from_owner_(config.ticks_from_owner),
      replica_(env, self, std::move(config), &state_) {
  replica_.set_observer(observer);
}

ReplicaNode::~ReplicaNode() {
  if (tick_timer_ != kNoTimer) env_.timers->CancelTimer(tick_timer_);
}

void ReplicaNode::Start() {
  start_status_ = replica_.Start();
  if (ticks_from_owner_) ArmTick();
}

void ReplicaNode::ArmTick() {
  tick_timer_ = env_.timers->StartTimer(replica_.NextTickDelayNs(), [this] {
    tick_timer_ = kNoTimer;
    ++owner_ticks_;
    replica_.Tick();
    ArmTick();
  });
}

void ReplicaNode::OnMessage(EndpointId from, std::string payload) {
  ++messages_received_;
  replica_.HandlePayload(from, payload);
}

ProcessFactory ReplicaNodeFactory(ReplicaConfig config,
                                  ReplicaObserver* observer) {
  return [config, observer](const Env& env, EndpointId self) {
    ReplicaConfig own = config;
    const auto& members = own.initial_members;
    if (std::find(members.begin(), members.end(), self) == members.end()) {
      own.initial_members.clear();  // a member added later joins
    }
    return std::make_unique<ReplicaNode>(env, self, std::move(own), observer);
  };
}

ReplicaConfig TestReplicaConfig(std::vector<EndpointId> members) {
  ReplicaConfig config;
  config.initial_members = std::move(members);
  config.tick_interval_ns = 10'000'000;
  config.raft.election_timeout_ticks = 10;
  config.raft.heartbeat_interval_ticks = 1;
  config.raft.transfer_timeout_ticks = 10;
  config.snapshot_interval_entries = 50;
  config.snapshot_catch_up_entries = 10;
  return config;
}

}  // namespace ekv::raft::testing
