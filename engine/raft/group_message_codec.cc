#include "engine/raft/group_message_codec.h"

#include <limits>

#include "engine/base/check.h"
#include "engine/proto/envelope.h"
#include "google/protobuf/io/coded_stream.h"
#include "google/protobuf/wire_format_lite.h"

namespace ekv::raft {
namespace {

using google::protobuf::internal::WireFormatLite;
using google::protobuf::io::CodedOutputStream;

// GroupMessage's field numbers (engine/proto/raft.proto).
constexpr uint32_t kGroupIdField = 1;
constexpr uint32_t kMessageField = 2;

// Wire types.
constexpr uint32_t kVarint = 0;
constexpr uint32_t kFixed64 = 1;
constexpr uint32_t kLengthDelimited = 2;
constexpr uint32_t kStartGroup = 3;
constexpr uint32_t kEndGroup = 4;
constexpr uint32_t kFixed32 = 5;

// Nesting of unknown groups allowed (the generated parser's recursion limit).
constexpr int kGroupDepthMax = 100;

// Reads the wire format with the generated parser's limits: a tag takes at
// most 5 bytes, a length at most 5 (under 2 GiB), a varint at most 10, and
// every read stays inside the body.
class WireReader {
 public:
  explicit WireReader(absl::string_view body)
      : at_(reinterpret_cast<const uint8_t*>(body.data())),
        end_(at_ + body.size()) {}

  bool at_end() const { return at_ == end_; }

  bool ReadTag(uint32_t* tag) {
    uint64_t value = 0;
    if (!ReadVarint(5, &value)) return false;
    *tag = static_cast<uint32_t>(value);
    return *tag != 0;  // a zero tag (or one that wraps to it) is malformed
  }

  bool ReadVarint64(uint64_t* value) { return ReadVarint(10, value); }

  bool ReadLengthDelimited(absl::string_view* bytes) {
    uint64_t length = 0;
    if (!ReadVarint(5, &length) || length >= (uint64_t{1} << 31) ||
        length > static_cast<uint64_t>(end_ - at_)) {
      return false;
    }
    *bytes = absl::string_view(reinterpret_cast<const char*>(at_),
                               static_cast<size_t>(length));
    at_ += length;
    return true;
  }

  bool SkipField(uint32_t tag, int depth) {
    if ((tag >> 3) == 0) return false;  // no field has number 0
    uint64_t ignored = 0;
    absl::string_view bytes;
    switch (tag & 7) {
      case kVarint:
        return ReadVarint64(&ignored);
      case kFixed64:
        return Skip(8);
      case kLengthDelimited:
        return ReadLengthDelimited(&bytes);
      case kFixed32:
        return Skip(4);
      case kStartGroup:
        return SkipGroup(tag, depth);
      default:  // an end of group with no start, or wire types 6 and 7
        return false;
    }
  }

 private:
  // A varint of at most `bytes_max` bytes, its value taken modulo 2^64.
  bool ReadVarint(int bytes_max, uint64_t* value) {
    uint64_t result = 0;
    for (int i = 0; i < bytes_max; ++i) {
      if (at_ == end_) return false;
      const uint8_t byte = *at_++;
      result |= static_cast<uint64_t>(byte & 0x7f) << (7 * i);
      if (byte < 0x80) {
        *value = result;
        return true;
      }
    }
    return false;
  }

  bool Skip(size_t bytes) {
    if (bytes > static_cast<size_t>(end_ - at_)) return false;
    at_ += bytes;
    return true;
  }

  // Fields up to the end-group tag that matches `start_tag`.
  bool SkipGroup(uint32_t start_tag, int depth) {
    if (depth <= 0) return false;
    // Each round consumes at least one byte.
    while (true) {
      uint32_t tag = 0;
      if (!ReadTag(&tag)) return false;
      if ((tag & 7) == kEndGroup) return tag == start_tag + 1;
      if (!SkipField(tag, depth - 1)) return false;
    }
  }

  const uint8_t* at_;
  const uint8_t* end_;
};

}  // namespace

std::string EncodeRaftPayload(uint64_t group_id,
                              const raftpb::Message& message) {
  const size_t message_size = message.ByteSizeLong();
  EKV_CHECK_LE(message_size,
               static_cast<size_t>(std::numeric_limits<int32_t>::max()));
  // As the generated code writes it: fields in number order, a zero
  // group_id left out (proto3), the message field always present.
  size_t size = 1;  // the payload tag
  if (group_id != 0) {
    size +=
        WireFormatLite::TagSize(kGroupIdField, WireFormatLite::TYPE_UINT64) +
        CodedOutputStream::VarintSize64(group_id);
  }
  size += WireFormatLite::TagSize(kMessageField, WireFormatLite::TYPE_MESSAGE) +
          CodedOutputStream::VarintSize32(static_cast<uint32_t>(message_size)) +
          message_size;
  std::string payload(size, '\0');
  auto* begin = reinterpret_cast<uint8_t*>(&payload[0]);
  uint8_t* out = begin;
  *out++ = static_cast<uint8_t>(PayloadTag::kRaft);
  if (group_id != 0) {
    out = WireFormatLite::WriteUInt64ToArray(kGroupIdField, group_id, out);
  }
  out = WireFormatLite::WriteTagToArray(
      kMessageField, WireFormatLite::WIRETYPE_LENGTH_DELIMITED, out);
  out = CodedOutputStream::WriteVarint32ToArray(
      static_cast<uint32_t>(message_size), out);
  out = message.SerializeWithCachedSizesToArray(out);
  EKV_CHECK_EQ(static_cast<size_t>(out - begin), size);
  return payload;
}

bool DecodeGroupMessage(absl::string_view body, uint64_t* group_id,
                        raftpb::Message* message) {
  if (body.size() > static_cast<size_t>(std::numeric_limits<int>::max())) {
    return false;
  }
  WireReader in(body);
  *group_id = 0;
  message->Clear();
  bool message_seen = false;
  // Each round consumes at least one byte (a tag), so the loop is bounded by
  // the body's size.
  while (!in.at_end()) {
    uint32_t tag = 0;
    if (!in.ReadTag(&tag)) return false;
    const uint32_t field = tag >> 3;
    const uint32_t wire_type = tag & 7;
    if (field == kGroupIdField && wire_type == kVarint) {
      if (!in.ReadVarint64(group_id)) return false;
      continue;
    }
    if (field == kMessageField && wire_type == kLengthDelimited) {
      absl::string_view bytes;
      if (!in.ReadLengthDelimited(&bytes)) return false;
      const auto* data = reinterpret_cast<const uint8_t*>(bytes.data());
      const int size = static_cast<int>(bytes.size());
      if (!message_seen) {
        if (!message->ParsePartialFromArray(data, size)) return false;
        message_seen = true;
      } else {
        // A second occurrence merges into the first, as the generated
        // parser does.
        raftpb::Message more;
        if (!more.ParsePartialFromArray(data, size)) return false;
        message->MergeFrom(more);
      }
      continue;
    }
    // Unknown, or a known field with another wire type: skipped, as the
    // generated parser keeps it as an unknown field.
    if (!in.SkipField(tag, kGroupDepthMax)) return false;
  }
  return true;
}

}  // namespace ekv::raft
