#include "engine/raft/wal/record_reader.h"

#include "absl/strings/str_cat.h"
#include "engine/base/status.h"
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

// Whether a valid record starts anywhere after `offset`. Cheap checks reject
// almost every position before a checksum is computed.
bool AnyValidRecordAfter(absl::string_view data, size_t offset) {
  for (size_t at = offset + 1; at + kRecordHeaderBytes <= data.size(); ++at) {
    if (RecordAt(data, at).has_value()) return true;
  }
  return false;
}

}  // namespace

absl::Status ReadRecords(absl::string_view file, absl::string_view data,
                         ReadResult* result) {
  size_t offset = 0;
  while (offset < data.size()) {
    const std::optional<Record> record = RecordAt(data, offset);
    if (!record.has_value()) {
      if (AnyValidRecordAfter(data, offset)) {
        return CorruptionError(absl::StrCat(
            file, ": damaged record at offset ", offset,
            " is followed by valid records (", data.size(), " bytes)"));
      }
      result->torn_tail_offset = offset;
      return absl::OkStatus();
    }
    result->records.push_back(*record);
    offset += kRecordHeaderBytes + record->payload.size();
  }
  return absl::OkStatus();
}

}  // namespace ekv::raft::wal
