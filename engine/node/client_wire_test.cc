// The client envelope: what decodes, what is refused, and that a request
// shared through its arena reads the same as one decoded by value.
#include "engine/node/client_wire.h"

#include <string>
#include <utility>
#include <vector>

#include "gtest/gtest.h"
#include "rapidcheck.h"
#include "rapidcheck/gtest.h"

namespace ekv::node {
namespace {

kvpb::ClientRequest TxnRequest(int ops, size_t value_bytes) {
  kvpb::ClientRequest request;
  request.set_client_id(7);
  request.set_request_id(11);
  for (int i = 0; i < ops; ++i) {
    kvpb::TxnOp* op = request.mutable_txn()->add_ops();
    op->set_key("key-" + std::to_string(i));
    op->set_kind(kvpb::TxnOp::APPEND);
    op->set_value(std::string(value_bytes, static_cast<char>('a' + i % 26)));
  }
  return request;
}

TEST(ClientWire, ASharedRequestReadsAsTheRequestSent) {
  // Small (inside the arena's first block) and large (beyond it).
  for (const auto& [ops, bytes] :
       std::vector<std::pair<int, size_t>>{{1, 3}, {3, 10}, {40, 2000}}) {
    const kvpb::ClientRequest sent = TxnRequest(ops, bytes);
    const std::string payload = EncodeClientRequest(sent);
    const auto shared = DecodeSharedClientRequest(payload);
    ASSERT_NE(shared, nullptr);
    EXPECT_EQ(shared->SerializeAsString(), sent.SerializeAsString());
    const auto by_value = DecodeClientRequest(payload);
    ASSERT_TRUE(by_value.has_value());
    EXPECT_EQ(by_value->SerializeAsString(), sent.SerializeAsString());
  }
}

TEST(ClientWire, PayloadsThatAreNoRequestAreRefused) {
  const kvpb::ClientRequest sent = TxnRequest(2, 5);
  const std::string request = EncodeClientRequest(sent);
  kvpb::ClientResponse response;
  response.set_request_id(3);
  // A response is no request, and a request no response.
  EXPECT_EQ(DecodeSharedClientRequest(EncodeClientResponse(response)), nullptr);
  EXPECT_FALSE(DecodeClientResponse(request).has_value());
  EXPECT_EQ(DecodeSharedClientRequest(""), nullptr);
  // A body cut short does not parse.
  EXPECT_EQ(DecodeSharedClientRequest(request.substr(0, request.size() - 3)),
            nullptr);
  EXPECT_FALSE(
      DecodeClientRequest(request.substr(0, request.size() - 3)).has_value());
}

RC_GTEST_PROP(ClientWire, ArbitraryBytesNeverCrashTheDecoder,
              (const std::string& body)) {
  for (const std::string& payload :
       {body, EncodeClientRequest(kvpb::ClientRequest()) + body,
        EncodeClientRequest(kvpb::ClientRequest()).substr(0, 1) + body}) {
    const auto shared = DecodeSharedClientRequest(payload);
    const auto by_value = DecodeClientRequest(payload);
    // Both decoders agree on what parses, and on what it holds.
    RC_ASSERT((shared != nullptr) == by_value.has_value());
    if (shared != nullptr) {
      RC_ASSERT(shared->SerializeAsString() == by_value->SerializeAsString());
    }
  }
}

}  // namespace
}  // namespace ekv::node
