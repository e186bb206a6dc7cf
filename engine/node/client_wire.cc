#include "engine/node/client_wire.h"

namespace ekv::node {
namespace {

template <typename Message>
std::string Encode(uint8_t tag, const Message& message) {
  std::string out(1, static_cast<char>(tag));
  message.AppendToString(&out);
  return out;
}

template <typename Message>
std::optional<Message> Decode(uint8_t tag, absl::string_view payload) {
  if (payload.empty() || static_cast<uint8_t>(payload[0]) != tag) {
    return std::nullopt;
  }
  Message message;
  if (!message.ParseFromArray(payload.data() + 1,
                              static_cast<int>(payload.size() - 1))) {
    return std::nullopt;
  }
  return message;
}

}  // namespace

std::string EncodeClientRequest(const kvpb::ClientRequest& request) {
  return Encode(kClientRequestTag, request);
}

std::string EncodeClientResponse(const kvpb::ClientResponse& response) {
  return Encode(kClientResponseTag, response);
}

std::optional<kvpb::ClientRequest> DecodeClientRequest(
    absl::string_view payload) {
  return Decode<kvpb::ClientRequest>(kClientRequestTag, payload);
}

std::optional<kvpb::ClientResponse> DecodeClientResponse(
    absl::string_view payload) {
  return Decode<kvpb::ClientResponse>(kClientResponseTag, payload);
}

}  // namespace ekv::node
