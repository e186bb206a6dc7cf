#include "engine/raft/wal/record_writer.h"

#include "engine/base/check.h"
#include "engine/raft/wal/record_checksum.h"

namespace ekv::raft::wal {
namespace {

void PutFixed(std::string* out, uint64_t value, int bytes) {
  for (int i = 0; i < bytes; ++i) {
    out->push_back(static_cast<char>((value >> (8 * i)) & 0xff));
  }
}

}  // namespace

void AppendRecord(RecordType type, absl::string_view payload,
                  std::string* out) {
  EKV_CHECK_LE(payload.size(), kMaxRecordPayloadBytes) << "record too large";
  const auto length = static_cast<uint32_t>(payload.size());
  out->reserve(out->size() + kRecordHeaderBytes + payload.size());
  PutFixed(out, length, 4);
  out->push_back(static_cast<char>(type));
  PutFixed(out, RecordChecksum(length, static_cast<uint8_t>(type), payload), 8);
  out->append(payload.data(), payload.size());
}

}  // namespace ekv::raft::wal
