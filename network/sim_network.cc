#include "network/sim_network.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "engine/base/check.h"
#include "xxhash.h"

namespace ekv {

using sim::TraceKind;

const char* DropReasonName(DropReason reason) {
  switch (reason) {
    case DropReason::kLoss:
      return "loss";
    case DropReason::kBlockedAtSend:
      return "blocked_at_send";
    case DropReason::kBlockedAtArrival:
      return "blocked_at_arrival";
    case DropReason::kPathFull:
      return "path_full";
    case DropReason::kReceiverDown:
      return "receiver_down";
    case DropReason::kUnknownEndpoint:
      return "unknown_endpoint";
  }
  return "?";
}

uint64_t NetworkStats::dropped_total() const {
  uint64_t total = 0;
  for (uint64_t count : dropped) total += count;
  return total;
}

// The Transport one endpoint holds: Send with its own id as the sender.
class SimNetwork::EndpointTransport final : public Transport {
 public:
  EndpointTransport(SimNetwork* network, EndpointId self)
      : network_(network), self_(self) {}
  void Send(EndpointId to, std::string payload) override {
    network_->Send(self_, to, std::move(payload));
  }

 private:
  SimNetwork* network_;
  EndpointId self_;
};

SimNetwork::SimNetwork(sim::Scheduler* scheduler, sim::Trace* trace,
                       Random random, const NetworkOptions& options,
                       uint32_t deliver_event_kind)
    : scheduler_(scheduler),
      trace_(trace),
      random_(random),
      options_(options),
      deliver_event_kind_(deliver_event_kind),
      paths_(1),
      up_(1, 0),
      send_time_(1) {
  transports_.emplace_back(nullptr);
}

SimNetwork::~SimNetwork() = default;

EndpointId SimNetwork::AddEndpoint(sim::LocalTime time) {
  const EndpointId id = ++endpoint_count_;
  const size_t stride = static_cast<size_t>(id) + 1;
  std::vector<Path> paths(stride * stride);
  for (size_t from = 0; from < stride_; ++from) {
    for (size_t to = 0; to < stride_; ++to) {
      paths[from * stride + to] = paths_[from * stride_ + to];
    }
  }
  paths_ = std::move(paths);
  stride_ = stride;
  up_.push_back(1);
  send_time_.push_back(time);
  transports_.push_back(std::make_unique<EndpointTransport>(this, id));
  return id;
}

Transport* SimNetwork::transport(EndpointId id) {
  EKV_CHECK(valid(id)) << id;
  return transports_[id].get();
}

void SimNetwork::SetUp(EndpointId id, bool up) {
  EKV_CHECK(valid(id)) << id;
  up_[id] = up ? 1 : 0;
}

bool SimNetwork::up(EndpointId id) const { return valid(id) && up_[id] != 0; }

int64_t SimNetwork::DrawDelay() {
  int64_t delay = options_.net_delay_ns_min;
  if (options_.net_delay_ns_mean > 0) {
    delay += static_cast<int64_t>(
        random_.Exponential(static_cast<double>(options_.net_delay_ns_mean)));
  }
  return delay;
}

void SimNetwork::Send(EndpointId from, EndpointId to, std::string payload) {
  EKV_CHECK(valid(from)) << from;
  const uint64_t id = next_message_id_++;
  ++stats_.sent;
  const int64_t now = send_time_[from].now_ns();
  trace_->Fold(TraceKind::kSend, now, (uint64_t{from} << 32) | to, id,
               XXH3_64bits(payload.data(), payload.size()));
  if (trace_->logging()) {
    trace_->Log(now, absl::StrCat("send ", from, "->", to, " #", id,
                                  " bytes=", payload.size()));
  }
  if (!valid(to)) return Drop(from, to, id, DropReason::kUnknownEndpoint);
  Path& p = path(from, to);
  if (p.blocked) return Drop(from, to, id, DropReason::kBlockedAtSend);
  if (options_.net_loss_rate > 0 && random_.Bernoulli(options_.net_loss_rate))
    return Drop(from, to, id, DropReason::kLoss);
  if (p.in_flight >= options_.net_path_capacity_messages)
    return Drop(from, to, id, DropReason::kPathFull);
  if (options_.net_duplicate_rate > 0 &&
      random_.Bernoulli(options_.net_duplicate_rate) &&
      p.in_flight + 1 < options_.net_path_capacity_messages) {
    ++stats_.duplicated;
    trace_->Fold(TraceKind::kDuplicate, now, (uint64_t{from} << 32) | to, id);
    Enqueue(from, to, id, now + DrawDelay(), payload);
  }
  Enqueue(from, to, id, now + DrawDelay(), std::move(payload));
}

void SimNetwork::Enqueue(EndpointId from, EndpointId to, uint64_t id,
                         int64_t at_ns, std::string payload) {
  const uint32_t slot = AllocateSlot();
  Message& message = slots_[slot];
  message.from = from;
  message.to = to;
  message.id = id;
  message.payload = std::move(payload);
  ++path(from, to).in_flight;
  ++live_messages_;
  scheduler_->Schedule(at_ns, deliver_event_kind_, to, slot);
}

uint32_t SimNetwork::AllocateSlot() {
  if (!free_slots_.empty()) {
    const uint32_t slot = free_slots_.back();
    free_slots_.pop_back();
    return slot;
  }
  slots_.emplace_back();
  return static_cast<uint32_t>(slots_.size() - 1);
}

void SimNetwork::Drop(EndpointId from, EndpointId to, uint64_t id,
                      DropReason reason) {
  ++stats_.dropped[static_cast<uint32_t>(reason)];
  const int64_t now = scheduler_->now_ns();
  trace_->Fold(TraceKind::kDrop, now, (uint64_t{from} << 32) | to, id,
               static_cast<uint64_t>(reason));
  if (trace_->logging()) {
    trace_->Log(now, absl::StrCat("drop ", from, "->", to, " #", id, " ",
                                  DropReasonName(reason)));
  }
}

SimNetwork::Arrival SimNetwork::Arrive(uint64_t arg, EndpointId* from,
                                       std::string* payload) {
  EKV_CHECK_LT(arg, slots_.size());
  const auto slot = static_cast<uint32_t>(arg);
  Message& message = slots_[slot];
  Path& p = path(message.from, message.to);
  const int64_t now = scheduler_->now_ns();
  if (!p.blocked && up_[message.to] && p.clogged_until_ns > now) {
    scheduler_->Schedule(p.clogged_until_ns + options_.net_delay_ns_min,
                         deliver_event_kind_, message.to, arg);
    return Arrival::kPostponed;
  }
  --p.in_flight;
  --live_messages_;
  free_slots_.push_back(slot);
  if (p.blocked || !up_[message.to]) {
    Drop(message.from, message.to, message.id,
         p.blocked ? DropReason::kBlockedAtArrival : DropReason::kReceiverDown);
    message.payload.clear();
    return Arrival::kDropped;
  }
  ++stats_.delivered;
  trace_->Fold(TraceKind::kDeliver, now,
               (uint64_t{message.from} << 32) | message.to, message.id);
  if (trace_->logging()) {
    trace_->Log(now, absl::StrCat("deliver ", message.from, "->", message.to,
                                  " #", message.id));
  }
  *from = message.from;
  *payload = std::move(message.payload);
  message.payload.clear();
  return Arrival::kDeliver;
}

void SimNetwork::SetBlocked(EndpointId from, EndpointId to, bool blocked) {
  EKV_CHECK(valid(from) && valid(to)) << from << "->" << to;
  path(from, to).blocked = blocked;
}

bool SimNetwork::blocked(EndpointId from, EndpointId to) const {
  return valid(from) && valid(to) && path(from, to).blocked;
}

void SimNetwork::Block(const std::vector<EndpointId>& from,
                       const std::vector<EndpointId>& to, bool one_way) {
  for (EndpointId a : from) {
    for (EndpointId b : to) {
      if (a == b) continue;
      SetBlocked(a, b, true);
      if (!one_way) SetBlocked(b, a, true);
    }
  }
}

void SimNetwork::Clog(EndpointId from, EndpointId to, int64_t until_ns) {
  EKV_CHECK(valid(from) && valid(to)) << from << "->" << to;
  Path& p = path(from, to);
  if (until_ns > p.clogged_until_ns) p.clogged_until_ns = until_ns;
}

void SimNetwork::Heal() {
  for (Path& p : paths_) {
    p.blocked = false;
    p.clogged_until_ns = 0;
  }
}

bool SimNetwork::partitioned() const {
  for (const Path& p : paths_) {
    if (p.blocked) return true;
  }
  return false;
}

}  // namespace ekv
