// The envelope of every payload on the peer transport: one tag byte, then
// the serialized protobuf of that kind.
//
//   payload = tag (1 byte) || body
//
// Node-to-node Raft traffic and client traffic share one transport
// (network/transport.h); the tag tells the receiving node which parser to
// use before it parses anything. A payload that is empty, has an unknown
// tag, or whose body does not parse is bad input: the receiver counts and
// drops it. Tags are allocated here, once, so that no two kinds collide;
// adding a kind means adding a value below (never reusing or renumbering
// one) and its body's message type in a comment.
#ifndef EKV_ENGINE_PROTO_ENVELOPE_H_
#define EKV_ENGINE_PROTO_ENVELOPE_H_

#include <cstdint>
#include <optional>
#include <string>

#include "absl/strings/string_view.h"

namespace ekv {

enum class PayloadTag : uint8_t {
  // body: ekv.raftpb.GroupMessage (engine/proto/raft.proto), a Raft message
  // between members of one group.
  kRaft = 1,
  // body: ekv.kvpb.ClientRequest (engine/proto/kv_client.proto), a client's
  // request to a KV node (engine/node/kv_node.h).
  kKvClientRequest = 2,
  // body: ekv.kvpb.ClientResponse, a KV node's answer to a client.
  kKvClientResponse = 3,
};

// tag || body.
inline std::string WrapPayload(PayloadTag tag, absl::string_view body) {
  std::string payload;
  payload.reserve(1 + body.size());
  payload.push_back(static_cast<char>(tag));
  payload.append(body.data(), body.size());
  return payload;
}

// tag || the serialization of `message` (a protobuf), in one allocation
// without an intermediate body string (hot: every message sent).
template <typename Message>
std::string SerializePayload(PayloadTag tag, const Message& message) {
  std::string payload(1, static_cast<char>(tag));
  message.AppendToString(&payload);
  return payload;
}

// The tag byte of `payload` (not checked against the known tags), or nothing
// when the payload is empty.
inline std::optional<uint8_t> PayloadTagByte(absl::string_view payload) {
  if (payload.empty()) return std::nullopt;
  return static_cast<uint8_t>(payload[0]);
}

// The body after the tag byte (payload must not be empty).
inline absl::string_view PayloadBody(absl::string_view payload) {
  return payload.substr(1);
}

}  // namespace ekv

#endif  // EKV_ENGINE_PROTO_ENVELOPE_H_
