#include "engine/raft/wal/record_writer.h"

#include <cstring>

#include "engine/base/check.h"
#include "engine/raft/wal/record_checksum.h"

namespace ekv::raft::wal {
namespace {

void PutFixed(char* at, uint64_t value, int bytes) {
  for (int i = 0; i < bytes; ++i) {
    at[i] = static_cast<char>((value >> (8 * i)) & 0xff);
  }
}

}  // namespace

RecordInPlace::RecordInPlace(std::string* out, size_t payload_size)
    : out_(out), start_(out->size()) {
  EKV_CHECK_LE(payload_size, kMaxRecordPayloadBytes) << "record too large";
  length_ = static_cast<uint32_t>(payload_size);
  out->resize(start_ + kRecordHeaderBytes + payload_size);
}

uint8_t* RecordInPlace::payload() {
  return reinterpret_cast<uint8_t*>(out_->data() + start_ + kRecordHeaderBytes);
}

void RecordInPlace::Seal(RecordType type) {
  EKV_CHECK_EQ(out_->size(), start_ + kRecordHeaderBytes + length_)
      << "the record must stay at the end of its string until sealed";
  char* header = out_->data() + start_;
  const absl::string_view payload(header + kRecordHeaderBytes, length_);
  PutFixed(header, length_, 4);
  header[4] = static_cast<char>(type);
  PutFixed(header + 5,
           RecordChecksum(length_, static_cast<uint8_t>(type), payload), 8);
}

void AppendRecord(RecordType type, absl::string_view payload,
                  std::string* out) {
  RecordInPlace record(out, payload.size());
  if (!payload.empty()) {
    std::memcpy(record.payload(), payload.data(), payload.size());
  }
  record.Seal(type);
}

}  // namespace ekv::raft::wal
