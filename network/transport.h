// The peer transport: how a node sends bytes to another endpoint (node or
// client).
//
// Delivery is best effort, as on a real network under faults: a message may be
// lost, delayed, duplicated or reordered, and nothing tells the sender.
// Protocols above must tolerate all of it. Send never blocks and never fails
// loudly; a message to an unknown or unreachable endpoint is dropped. Payloads
// are opaque bytes (serialized protobuf); a receiver must treat a payload that
// does not parse as bad input, not as a bug.
//
// Implementations: the simulated network (network/sim_network.h) and TCP with
// length-prefixed frames (the server).
#ifndef EKV_NETWORK_TRANSPORT_H_
#define EKV_NETWORK_TRANSPORT_H_

#include <cstdint>
#include <string>

namespace ekv {

// Nodes and clients share one address space; a cluster's configuration says
// which ids are nodes.
using EndpointId = uint32_t;

class Transport {
 public:
  virtual ~Transport() = default;

  // Queues `payload` for `to`. Returns at once; delivery is not guaranteed.
  virtual void Send(EndpointId to, std::string payload) = 0;
};

// Implemented by whatever receives messages; the driver (simulator or server
// event loop) calls it once per delivered message, on the receiver's event
// loop.
class MessageReceiver {
 public:
  virtual ~MessageReceiver() = default;
  virtual void OnMessage(EndpointId from, std::string payload) = 0;
};

}  // namespace ekv

#endif  // EKV_NETWORK_TRANSPORT_H_
