// The hand-written GroupMessage codec against the generated class: the same
// bytes out, the same verdict and content in, for valid, mutated and random
// bodies.
#include "engine/raft/group_message_codec.h"

#include <string>
#include <vector>

#include "engine/proto/envelope.h"
#include "gtest/gtest.h"
#include "rapidcheck.h"
#include "rapidcheck/gtest.h"

namespace ekv::raft {
namespace {

raftpb::Message MakeMessage(uint64_t seed, int entries) {
  raftpb::Message m;
  m.set_type(static_cast<raftpb::MessageType>(seed % 4));
  m.set_to(seed % 7);
  m.set_from(seed % 5);
  m.set_term(seed * 31);
  m.set_log_term(seed >> 3);
  m.set_index(seed * 17);
  m.set_commit(seed * 13);
  m.set_reject(seed % 2 == 1);
  m.set_heartbeat_round(seed >> 1);
  for (int i = 0; i < entries; ++i) {
    raftpb::Entry* e = m.add_entries();
    e->set_term(seed + i);
    e->set_index(seed * 17 + 1 + i);
    e->set_data(std::string(static_cast<size_t>(i * 3 + seed % 11), 'a' + i));
  }
  return m;
}

std::string GeneratedBody(uint64_t group_id, const raftpb::Message& m) {
  raftpb::GroupMessage envelope;
  envelope.set_group_id(group_id);
  *envelope.mutable_message() = m;
  return envelope.SerializeAsString();
}

// The generated parser's verdict and content, in the codec's terms.
struct Parsed {
  bool ok = false;
  uint64_t group_id = 0;
  std::string message;  // serialized
};

Parsed WithGenerated(const std::string& body) {
  raftpb::GroupMessage envelope;
  Parsed p;
  p.ok = envelope.ParseFromString(body);
  if (p.ok) {
    p.group_id = envelope.group_id();
    p.message = envelope.message().SerializeAsString();
  }
  return p;
}

Parsed WithCodec(const std::string& body) {
  raftpb::Message m;
  Parsed p;
  p.ok = DecodeGroupMessage(body, &p.group_id, &m);
  if (p.ok) p.message = m.SerializeAsString();
  return p;
}

void ExpectSameVerdict(const std::string& body) {
  const Parsed a = WithGenerated(body);
  const Parsed b = WithCodec(body);
  ASSERT_EQ(a.ok, b.ok) << "body of " << body.size() << " bytes";
  if (!a.ok) return;
  EXPECT_EQ(a.group_id, b.group_id);
  EXPECT_EQ(a.message, b.message);
}

TEST(GroupMessageCodec, EncodesWhatTheGeneratedClassEncodes) {
  for (uint64_t group_id : {0ull, 1ull, 300ull, ~0ull}) {
    for (int entries : {0, 1, 5}) {
      const raftpb::Message m = MakeMessage(group_id + 7, entries);
      const std::string payload = EncodeRaftPayload(group_id, m);
      ASSERT_FALSE(payload.empty());
      EXPECT_EQ(static_cast<uint8_t>(payload[0]),
                static_cast<uint8_t>(PayloadTag::kRaft));
      EXPECT_EQ(payload.substr(1), GeneratedBody(group_id, m));
    }
  }
  // An empty message is still present.
  EXPECT_EQ(EncodeRaftPayload(1, raftpb::Message()).substr(1),
            GeneratedBody(1, raftpb::Message()));
}

TEST(GroupMessageCodec, DecodesWhatItEncodes) {
  const raftpb::Message m = MakeMessage(42, 3);
  const std::string payload = EncodeRaftPayload(9, m);
  uint64_t group_id = 0;
  raftpb::Message out;
  out.set_commit(12345);  // cleared by the decoder
  ASSERT_TRUE(DecodeGroupMessage(PayloadBody(payload), &group_id, &out));
  EXPECT_EQ(group_id, 9u);
  EXPECT_EQ(out.SerializeAsString(), m.SerializeAsString());
}

TEST(GroupMessageCodec, FollowsTheGeneratedParserOnOddButValidBodies) {
  const std::string a = GeneratedBody(3, MakeMessage(5, 2));
  const std::string b = GeneratedBody(4, MakeMessage(6, 1));
  // Repeated fields (group_id last wins, the message merged), fields in
  // reverse order, and an unknown field of every wire type.
  ExpectSameVerdict(a + b);
  ExpectSameVerdict(b.substr(b.find('\x12')) + a.substr(0, a.find('\x12')));
  ExpectSameVerdict(a + std::string("\x18\x05", 2));  // varint 3
  ExpectSameVerdict(a + std::string("\x21", 1) + std::string(8, '\x01'));
  ExpectSameVerdict(a + std::string("\x2a\x02zz", 4));  // bytes 5
  ExpectSameVerdict(a + std::string("\x35", 1) + std::string(4, '\x02'));
  ExpectSameVerdict(a + std::string("\x3b\x08\x01\x3c", 4));  // group 7
  // group_id sent with another wire type is an unknown field.
  ExpectSameVerdict(std::string("\x0a\x01x", 3) + a);
  ExpectSameVerdict("");
}

TEST(GroupMessageCodec, RejectsWhatTheGeneratedParserRejects) {
  const std::string a = GeneratedBody(3, MakeMessage(5, 2));
  for (size_t cut = 0; cut < a.size(); ++cut) {
    ExpectSameVerdict(a.substr(0, cut));
  }
  ExpectSameVerdict(std::string("\x00", 1));                        // zero tag
  ExpectSameVerdict(std::string("\x0c", 1));                        // end group
  ExpectSameVerdict(std::string("\x01", 1) + std::string(8, 'x'));  // field 0
  ExpectSameVerdict(std::string("\x08\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff",
                                11));  // an overlong varint
  ExpectSameVerdict(std::string("\x12\xff\xff\xff\xff\x0f", 6));  // length
  ExpectSameVerdict(std::string("\x12\x02\x08", 3));  // message cut short
  ExpectSameVerdict(std::string("\x0f", 1));          // wire type 7
}

// The property form of ExpectSameVerdict.
void AssertSameVerdict(const std::string& body) {
  const Parsed a = WithGenerated(body);
  const Parsed b = WithCodec(body);
  RC_CLASSIFY(a.ok, "parses");
  RC_ASSERT(a.ok == b.ok);
  if (a.ok) {
    RC_ASSERT(a.group_id == b.group_id);
    RC_ASSERT(a.message == b.message);
  }
}

RC_GTEST_PROP(GroupMessageCodec, MutatedBodiesGetTheGeneratedVerdict,
              (uint64_t seed, uint8_t entries,
               std::vector<std::pair<uint16_t, uint8_t>> edits)) {
  std::string body = GeneratedBody(seed % 1000, MakeMessage(seed, entries % 6));
  for (const auto& [where, byte] : edits) {
    if (body.empty()) break;
    const size_t at = where % body.size();
    switch (byte % 3) {
      case 0:
        body[at] = static_cast<char>(byte);
        break;
      case 1:
        body.insert(at, 1, static_cast<char>(byte));
        break;
      default:
        body.erase(at, 1);
    }
  }
  AssertSameVerdict(body);
}

RC_GTEST_PROP(GroupMessageCodec, RandomBytesGetTheGeneratedVerdict,
              (const std::string& body)) {
  AssertSameVerdict(body);
}

}  // namespace
}  // namespace ekv::raft
