// Client messages on the shared transport. Every payload between endpoints
// starts with a one-byte tag saying what follows (Raft's messages use tags of
// their own, engine/raft); a client request or response is its tag followed by
// the serialized protobuf. A payload that does not parse is dropped by the
// receiver (bad input, never a crash).
#ifndef EKV_ENGINE_NODE_CLIENT_WIRE_H_
#define EKV_ENGINE_NODE_CLIENT_WIRE_H_

#include <cstdint>
#include <optional>
#include <string>

#include "absl/strings/string_view.h"
#include "engine/proto/kv_client.pb.h"

namespace ekv::node {

inline constexpr uint8_t kClientRequestTag = 0x20;
inline constexpr uint8_t kClientResponseTag = 0x21;

std::string EncodeClientRequest(const kvpb::ClientRequest& request);
std::string EncodeClientResponse(const kvpb::ClientResponse& response);
std::optional<kvpb::ClientRequest> DecodeClientRequest(
    absl::string_view payload);
std::optional<kvpb::ClientResponse> DecodeClientResponse(
    absl::string_view payload);

}  // namespace ekv::node

#endif  // EKV_ENGINE_NODE_CLIENT_WIRE_H_
