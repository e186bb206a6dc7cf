#include "engine/node/client_wire.h"

#include <utility>

#include "engine/proto/envelope.h"
#include "google/protobuf/arena.h"

namespace ekv::node {
namespace {

template <typename Message>
std::string Encode(PayloadTag tag, const Message& message) {
  return SerializePayload(tag, message);
}

// Parses the body of a payload tagged `tag` into `message`; false when the
// tag differs or the body does not parse.
bool ParseTagged(PayloadTag tag, absl::string_view payload,
                 google::protobuf::MessageLite* message) {
  const auto got = PayloadTagByte(payload);
  if (!got.has_value() || *got != static_cast<uint8_t>(tag)) return false;
  const absl::string_view body = PayloadBody(payload);
  return message->ParseFromArray(body.data(), static_cast<int>(body.size()));
}

template <typename Message>
std::optional<Message> Decode(PayloadTag tag, absl::string_view payload) {
  Message message;
  if (!ParseTagged(tag, payload, &message)) return std::nullopt;
  return message;
}

// A request and the arena it lives in. Most requests fit the first block,
// which is part of this object.
struct ArenaRequest {
  static constexpr size_t kFirstBlockBytes = 1024;
  static google::protobuf::ArenaOptions Options(char* block) {
    google::protobuf::ArenaOptions options;
    options.initial_block = block;
    options.initial_block_size = kFirstBlockBytes;
    return options;
  }
  ArenaRequest() : arena(Options(first_block)) {}
  ArenaRequest(const ArenaRequest&) = delete;
  ArenaRequest& operator=(const ArenaRequest&) = delete;

  alignas(8) char first_block[kFirstBlockBytes];
  google::protobuf::Arena arena;  // after the block it starts with
  kvpb::ClientRequest* request = nullptr;
};

}  // namespace

std::shared_ptr<const kvpb::ClientRequest> DecodeSharedClientRequest(
    absl::string_view payload) {
  auto owner = std::make_shared<ArenaRequest>();
  owner->request = google::protobuf::Arena::CreateMessage<kvpb::ClientRequest>(
      &owner->arena);
  if (!ParseTagged(PayloadTag::kKvClientRequest, payload, owner->request)) {
    return nullptr;
  }
  const kvpb::ClientRequest* request = owner->request;
  return std::shared_ptr<const kvpb::ClientRequest>(std::move(owner), request);
}

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
