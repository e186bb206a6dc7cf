#include "engine/node/client_wire.h"

#include "engine/proto/envelope.h"

namespace ekv::node {
namespace {

template <typename Message>
std::string Encode(PayloadTag tag, const Message& message) {
  return SerializePayload(tag, message);
}

template <typename Message>
std::optional<Message> Decode(PayloadTag tag, absl::string_view payload) {
  const auto got = PayloadTagByte(payload);
  if (!got.has_value() || *got != static_cast<uint8_t>(tag)) {
    return std::nullopt;
  }
  const absl::string_view body = PayloadBody(payload);
  Message message;
  if (!message.ParseFromArray(body.data(), static_cast<int>(body.size()))) {
    return std::nullopt;
  }
  return message;
}

}  // namespace

std::string EncodeClientRequest(const kvpb::ClientRequest& request) {
  return Encode(PayloadTag::kKvClientRequest, request);
}

std::string EncodeClientResponse(const kvpb::ClientResponse& response) {
  return Encode(PayloadTag::kKvClientResponse, response);
}

std::optional<kvpb::ClientRequest> DecodeClientRequest(
    absl::string_view payload) {
  return Decode<kvpb::ClientRequest>(PayloadTag::kKvClientRequest, payload);
}

std::optional<kvpb::ClientResponse> DecodeClientResponse(
    absl::string_view payload) {
  return Decode<kvpb::ClientResponse>(PayloadTag::kKvClientResponse, payload);
}

}  // namespace ekv::node
