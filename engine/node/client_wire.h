// Client messages on the shared transport, in the envelope of
// engine/proto/envelope.h: PayloadTag::kKvClientRequest or
// kKvClientResponse, then the serialized protobuf. A payload that does not
// parse is dropped by the receiver (bad input, never a crash).
#ifndef EKV_ENGINE_NODE_CLIENT_WIRE_H_
#define EKV_ENGINE_NODE_CLIENT_WIRE_H_

#include <memory>
#include <optional>
#include <string>

#include "absl/strings/string_view.h"
#include "engine/proto/kv_client.pb.h"

namespace ekv::node {

std::string EncodeClientRequest(const kvpb::ClientRequest& request);
std::string EncodeClientResponse(const kvpb::ClientResponse& response);
std::optional<kvpb::ClientRequest> DecodeClientRequest(
    absl::string_view payload);
std::optional<kvpb::ClientResponse> DecodeClientResponse(
    absl::string_view payload);
// The request parsed into an arena that lives as long as the pointer (one
// allocation for the whole request, freed at once), or nullptr when the
// payload is no request.
std::shared_ptr<const kvpb::ClientRequest> DecodeSharedClientRequest(
    absl::string_view payload);

}  // namespace ekv::node

#endif  // EKV_ENGINE_NODE_CLIENT_WIRE_H_
