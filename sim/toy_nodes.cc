#include "sim/toy_nodes.h"

#include <cstring>
#include <utility>

#include "disk/disk.h"
#include "engine/base/buggify.h"
#include "engine/base/check.h"
#include "xxhash.h"

namespace ekv::sim::toy {
namespace {

enum MessageType : uint8_t { kPing = 1, kPong = 2, kRequest = 3, kReply = 4 };
constexpr size_t kMessageBytes = 25;

void PutU64(std::string& out, uint64_t value) {
  for (int i = 0; i < 8; ++i)
    out.push_back(static_cast<char>(value >> (8 * i)));
}

uint64_t GetU64(const char* in) {
  uint64_t value = 0;
  for (int i = 0; i < 8; ++i) {
    value |= static_cast<uint64_t>(static_cast<uint8_t>(in[i])) << (8 * i);
  }
  return value;
}

std::string Encode(MessageType type, uint64_t a, uint64_t b, uint64_t c) {
  std::string out;
  out.reserve(kMessageBytes);
  out.push_back(static_cast<char>(type));
  PutU64(out, a);
  PutU64(out, b);
  PutU64(out, c);
  return out;
}

struct Message {
  MessageType type;
  uint64_t a, b, c;
};

bool Decode(const std::string& payload, Message* out) {
  if (payload.size() != kMessageBytes) return false;
  const auto type = static_cast<uint8_t>(payload[0]);
  if (type < kPing || type > kReply) return false;
  out->type = static_cast<MessageType>(type);
  out->a = GetU64(payload.data() + 1);
  out->b = GetU64(payload.data() + 9);
  out->c = GetU64(payload.data() + 17);
  return true;
}

uint64_t Checksum(uint64_t value) {
  char bytes[8];
  for (int i = 0; i < 8; ++i) bytes[i] = static_cast<char>(value >> (8 * i));
  return XXH64(bytes, sizeof(bytes), 0x746f79636f756e74ULL);
}

}  // namespace

std::string EncodeCounterRecord(uint64_t value) {
  std::string out;
  PutU64(out, value);
  PutU64(out, Checksum(value));
  return out;
}

RecoveredCounter RecoverCounter(const std::string& file) {
  RecoveredCounter out;
  const size_t full = file.size() / kCounterRecordBytes;
  for (size_t i = 0; i < full; ++i) {
    const char* record = file.data() + i * kCounterRecordBytes;
    const uint64_t value = GetU64(record);
    if (GetU64(record + 8) == Checksum(value)) {
      ++out.good_records;
      if (value > out.value) out.value = value;
    } else {
      ++out.bad_records;
    }
  }
  out.tail_bytes = file.size() % kCounterRecordBytes;
  return out;
}

CounterNode::CounterNode(const Env& env, EndpointId self,
                         std::vector<EndpointId> peers, const ToyConfig& config)
    : env_(env), self_(self), peers_(std::move(peers)), config_(config) {
  EKV_CHECK(env.disk != nullptr) << "a CounterNode needs a disk";
}

void CounterNode::Start() {
  absl::StatusOr<std::string> file = ReadWholeFile(*env_.disk, kCounterFile);
  if (file.ok()) {
    recovered_ = RecoverCounter(*file);
  } else if (!absl::IsNotFound(file.status())) {
    ++disk_errors_;
  }
  counter_ = recovered_.value;
  synced_counter_ = 0;
  // Leftovers of a rewrite the crash interrupted, then a clean file that
  // holds the recovered value alone.
  if (!env_.disk->Remove(kCounterTmpFile).ok()) ++disk_errors_;
  needs_rewrite_ = !Rewrite();
  last_wall_ns_ = env_.clock->WallNanos();
  env_.timers->StartTimer(config_.tick_ns, [this] { Tick(); });
}

bool CounterNode::Rewrite() {
  Disk& disk = *env_.disk;
  const bool ok =
      disk.Append(kCounterTmpFile, EncodeCounterRecord(counter_)).ok() &&
      disk.Sync(kCounterTmpFile).ok() &&
      disk.Rename(kCounterTmpFile, kCounterFile).ok() && disk.SyncDir().ok();
  if (!ok) {
    ++disk_errors_;
    // A failed SyncDir leaves the rename undecided: until a SyncDir succeeds,
    // a crash may bring back the old file, so no later Sync counts.
    directory_unsynced_ = true;
    disk.Remove(kCounterTmpFile).IgnoreError();
    return false;
  }
  directory_unsynced_ = false;
  needs_rewrite_ = false;
  synced_counter_ = counter_;
  records_in_file_ = 1;
  unsynced_appends_ = 0;
  return true;
}

void CounterNode::Persist() {
  Disk& disk = *env_.disk;
  // The recovered file may end in a torn record: appending after it would
  // misalign every later record, so nothing is appended until a rewrite
  // succeeds.
  if (needs_rewrite_ && !Rewrite()) return;
  if (!disk.Append(kCounterFile, EncodeCounterRecord(counter_ + 1)).ok()) {
    ++disk_errors_;
    return;
  }
  ++counter_;
  ++records_in_file_;
  if (++unsynced_appends_ < static_cast<uint64_t>(config_.sync_every_ticks)) {
    return;
  }
  // A rare path: the sync waits for a later tick, so more data is at risk.
  if (EKV_BUGGIFY_AT(env_.buggify, "toy/persist/postpone_sync")) return;
  if (!disk.Sync(kCounterFile).ok() ||
      (directory_unsynced_ && !disk.SyncDir().ok())) {
    ++disk_errors_;
    return;
  }
  directory_unsynced_ = false;
  unsynced_appends_ = 0;
  synced_counter_ = counter_;
  if (records_in_file_ >
      static_cast<uint64_t>(config_.records_before_rewrite)) {
    Rewrite();
  }
}

void CounterNode::Tick() {
  ++ticks_;
  const int64_t wall = env_.clock->WallNanos();
  last_wall_ns_ = wall;
  Persist();
  if (!peers_.empty()) {
    const EndpointId peer = peers_[env_.random->Uniform(peers_.size())];
    if (peer != self_) {
      env_.transport->Send(peer, Encode(kPing, counter_, ticks_, 0));
      ++pings_sent_;
      if (EKV_BUGGIFY(env_.buggify)) {  // a retransmission
        env_.transport->Send(peer, Encode(kPing, counter_, ticks_, 0));
        ++pings_sent_;
      }
    }
  }
  env_.timers->StartTimer(config_.tick_ns, [this] { Tick(); });
}

void CounterNode::OnMessage(EndpointId from, std::string payload) {
  Message message;
  if (!Decode(payload, &message)) {
    ++bad_messages_;
    return;
  }
  switch (message.type) {
    case kPing:
      env_.transport->Send(from, Encode(kPong, message.a, message.b, 0));
      break;
    case kPong:
      ++pongs_received_;
      break;
    case kRequest:
      ++requests_served_;
      env_.transport->Send(from, Encode(kReply, message.a, counter_, self_));
      break;
    case kReply:
      ++bad_messages_;  // nodes send no requests
      break;
  }
}

EchoClient::EchoClient(const Env& env, EndpointId self,
                       std::vector<EndpointId> nodes, const ToyConfig& config)
    : env_(env), self_(self), nodes_(std::move(nodes)), config_(config) {
  EKV_CHECK(!nodes_.empty());
}

void EchoClient::Start() {
  env_.timers->StartTimer(config_.request_interval_ns,
                          [this] { SendRequest(); });
}

void EchoClient::SendRequest() {
  const EndpointId node = nodes_[env_.random->Uniform(nodes_.size())];
  const uint64_t id = next_request_++;
  outstanding_[id] = node;
  while (outstanding_.size() > static_cast<size_t>(config_.outstanding_max)) {
    outstanding_.erase(outstanding_.begin());  // given up: the oldest
  }
  env_.transport->Send(node, Encode(kRequest, id, 0, 0));
  env_.timers->StartTimer(config_.request_interval_ns,
                          [this] { SendRequest(); });
}

void EchoClient::OnMessage(EndpointId from, std::string payload) {
  Message message;
  if (!Decode(payload, &message) || message.type != kReply ||
      message.a >= next_request_ || message.c != from) {
    ++bad_replies_;
    return;
  }
  auto it = outstanding_.find(message.a);
  if (it == outstanding_.end() || it->second != from) {
    ++late_replies_;
    return;
  }
  outstanding_.erase(it);
  ++replies_;
}

ProcessFactory CounterNodeFactory(std::vector<EndpointId> peers,
                                  const ToyConfig& config) {
  return [peers, config](const Env& env, EndpointId self) {
    return std::make_unique<CounterNode>(env, self, peers, config);
  };
}

ProcessFactory EchoClientFactory(std::vector<EndpointId> nodes,
                                 const ToyConfig& config) {
  return [nodes, config](const Env& env, EndpointId self) {
    return std::make_unique<EchoClient>(env, self, nodes, config);
  };
}

}  // namespace ekv::sim::toy
