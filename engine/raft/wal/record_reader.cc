#include "engine/raft/wal/record_reader.h"

#include "engine/raft/wal/record_checksum.h"

namespace ekv::raft::wal {
namespace {

uint64_t GetFixed(absl::string_view data, size_t at, int bytes) {
  uint64_t value = 0;
  for (int i = 0; i < bytes; ++i) {
    value |= static_cast<uint64_t>(static_cast<unsigned char>(data[at + i]))
             << (8 * i);
  }
  return value;
}

// The record at `offset`, if a valid one starts there.
std::optional<Record> RecordAt(absl::string_view data, size_t offset) {
  if (data.size() - offset < kRecordHeaderBytes) return std::nullopt;
  const auto length = static_cast<uint32_t>(GetFixed(data, offset, 4));
  const auto type = static_cast<uint8_t>(data[offset + 4]);
  if (!IsKnownRecordType(type) || length > kMaxRecordPayloadBytes ||
      length > data.size() - offset - kRecordHeaderBytes) {
    return std::nullopt;
  }
  const absl::string_view payload =
      data.substr(offset + kRecordHeaderBytes, length);
  if (GetFixed(data, offset + 5, 8) != RecordChecksum(length, type, payload)) {
    return std::nullopt;
  }
  return Record{static_cast<RecordType>(type), offset, payload};
}

// The first position after `offset` where a valid record starts. Cheap
// checks reject almost every position before a checksum is computed.
std::optional<size_t> NextValidRecord(absl::string_view data, size_t offset) {
  for (size_t at = offset + 1; at + kRecordHeaderBytes <= data.size(); ++at) {
    if (RecordAt(data, at).has_value()) return at;
  }
  return std::nullopt;
}

}  // namespace

void ReadRecords(absl::string_view data, ReadResult* result) {
  size_t offset = 0;
  while (offset < data.size()) {
    const std::optional<Record> record = RecordAt(data, offset);
    if (record.has_value()) {
      result->records.push_back(*record);
      offset += kRecordHeaderBytes + record->payload.size();
      continue;
    }
    const std::optional<size_t> next = NextValidRecord(data, offset);
    if (!next.has_value()) {
      result->torn_tail_offset = offset;
      return;
    }
    result->damage.push_back(Damage{offset, *next});
    offset = *next;
  }
}

}  // namespace ekv::raft::wal
