// The simulated network: the Transport of every simulated endpoint.
//
// Every message sent becomes one delivery event in the scheduler, at the
// sender's local time plus a delay drawn per message (a minimum plus an
// exponential tail, so messages on one path overtake each other). Faults, each
// decided by the network's own random stream or by the nemesis:
// - loss and duplication, at per-run rates;
// - a per-path capacity: a message sent while `net_path_capacity_messages` are
//   already in flight on its path is dropped (a full buffer);
// - blocked paths (partitions; a path is one direction, so one-way partitions
//   are two calls): a message is dropped when its path is blocked at sending
//   or at arrival time;
// - clogged paths: arrivals wait until the clog ends;
// - an endpoint that is down receives nothing: a message arriving while its
//   receiver is down is dropped.
// Every send, delivery and drop is folded into the trace.
//
// Endpoint ids are dense, 1..endpoints(); 0 is never an endpoint.
// Not thread-safe: one World owns one network.
#ifndef EKV_NETWORK_SIM_NETWORK_H_
#define EKV_NETWORK_SIM_NETWORK_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "engine/base/random.h"
#include "network/transport.h"
#include "sim/scheduler.h"
#include "sim/trace.h"

namespace ekv {

struct NetworkOptions {
  int64_t net_delay_ns_min = 100'000;   // every message takes at least this
  int64_t net_delay_ns_mean = 400'000;  // mean of the exponential part on top
  double net_loss_rate = 0;             // probability a message is lost
  double net_duplicate_rate = 0;        // probability a message arrives twice
  int64_t net_path_capacity_messages = 4096;  // in flight per path, at most
};

// Why a message did not arrive. Values are folded into the trace.
enum class DropReason : uint32_t {
  kLoss = 1,
  kBlockedAtSend = 2,
  kBlockedAtArrival = 3,
  kPathFull = 4,
  kReceiverDown = 5,
  kUnknownEndpoint = 6,
};
const char* DropReasonName(DropReason reason);

struct NetworkStats {
  uint64_t sent = 0;
  uint64_t delivered = 0;
  uint64_t duplicated = 0;
  uint64_t dropped[7] = {};  // by DropReason
  uint64_t dropped_total() const;
};

class SimNetwork {
 public:
  // Delivery events are scheduled with kind `deliver_event_kind`, the
  // receiver as endpoint and an argument the World hands back to Arrive().
  SimNetwork(sim::Scheduler* scheduler, sim::Trace* trace, Random random,
             const NetworkOptions& options, uint32_t deliver_event_kind);
  SimNetwork(const SimNetwork&) = delete;
  SimNetwork& operator=(const SimNetwork&) = delete;
  ~SimNetwork();

  // Adds the next endpoint (id endpoints() + 1), whose sends depart at `time`.
  EndpointId AddEndpoint(sim::LocalTime time);
  EndpointId endpoints() const { return endpoint_count_; }
  Transport* transport(EndpointId id);

  // A down endpoint receives nothing (the World marks crashed nodes down).
  void SetUp(EndpointId id, bool up);
  bool up(EndpointId id) const;

  void Send(EndpointId from, EndpointId to, std::string payload);

  // Partitions: the path from -> to drops every message while blocked.
  void SetBlocked(EndpointId from, EndpointId to, bool blocked);
  bool blocked(EndpointId from, EndpointId to) const;
  // Blocks every path from a member of `from` to a member of `to`, and back
  // unless `one_way`.
  void Block(const std::vector<EndpointId>& from,
             const std::vector<EndpointId>& to, bool one_way);
  // Arrivals on from -> to wait until `until_ns`.
  void Clog(EndpointId from, EndpointId to, int64_t until_ns);
  // Unblocks and unclogs every path.
  void Heal();
  bool partitioned() const;

  const NetworkOptions& options() const { return options_; }
  void set_options(const NetworkOptions& options) { options_ = options; }
  const NetworkStats& stats() const { return stats_; }
  uint64_t in_flight() const { return live_messages_; }

  // Called by the World when a delivery event comes due. kDeliver fills
  // `from` and `payload`; kPostponed re-queued it (a clog); kDropped
  // dropped it (and folded why).
  enum class Arrival { kDeliver, kDropped, kPostponed };
  Arrival Arrive(uint64_t arg, EndpointId* from, std::string* payload);

 private:
  class EndpointTransport;
  struct Path {
    bool blocked = false;
    int64_t clogged_until_ns = 0;
    int64_t in_flight = 0;
  };
  struct Message {
    EndpointId from = 0;
    EndpointId to = 0;
    uint64_t id = 0;
    std::string payload;
  };

  Path& path(EndpointId from, EndpointId to) {
    return paths_[static_cast<size_t>(from) * stride_ + to];
  }
  const Path& path(EndpointId from, EndpointId to) const {
    return paths_[static_cast<size_t>(from) * stride_ + to];
  }
  bool valid(EndpointId id) const { return id >= 1 && id <= endpoint_count_; }
  int64_t DrawDelay();
  void Drop(EndpointId from, EndpointId to, uint64_t id, DropReason reason);
  void Enqueue(EndpointId from, EndpointId to, uint64_t id, int64_t at_ns,
               std::string payload);
  uint32_t AllocateSlot();

  sim::Scheduler* scheduler_;
  sim::Trace* trace_;
  Random random_;
  NetworkOptions options_;
  uint32_t deliver_event_kind_;

  EndpointId endpoint_count_ = 0;
  size_t stride_ = 1;
  std::vector<Path> paths_;
  std::vector<uint8_t> up_;  // by endpoint id
  std::vector<sim::LocalTime> send_time_;
  std::vector<std::unique_ptr<EndpointTransport>> transports_;

  std::vector<Message> slots_;  // messages in flight, reused via free_slots_
  std::vector<uint32_t> free_slots_;
  uint64_t live_messages_ = 0;
  uint64_t next_message_id_ = 1;
  NetworkStats stats_;
};

}  // namespace ekv

#endif  // EKV_NETWORK_SIM_NETWORK_H_
