#include "engine/raft/wal/record_writer.h"

#include "engine/base/check.h"
#include "engine/raft/wal/record_checksum.h"

namespace ekv::raft::wal {
namespace {

void PutFixed(char* at, uint64_t value, int bytes) {
  for (int i = 0; i < bytes; ++i) {
    at[i] = static_cast<char>((value >> (8 * i)) & 0xff);
  }
}

// The header: length and type, then the checksum of both with the payload.
void WriteHeader(RecordType type, absl::string_view payload, char* header) {
  const auto length = static_cast<uint32_t>(payload.size());
  PutFixed(header, length, 4);
  header[4] = static_cast<char>(type);
  PutFixed(header + 5,
           RecordChecksum(length, static_cast<uint8_t>(type), payload), 8);
}

}  // namespace

RecordInPlace::RecordInPlace(size_t payload_size) {
  EKV_CHECK_LE(payload_size, kMaxRecordPayloadBytes) << "record too large";
  length_ = static_cast<uint32_t>(payload_size);
  // new char[n] without () leaves the bytes uninitialised.
  buffer_.reset(new char[kRecordHeaderBytes + payload_size]);
}

uint8_t* RecordInPlace::payload() {
  return reinterpret_cast<uint8_t*>(buffer_.get() + kRecordHeaderBytes);
}

void RecordInPlace::Seal(RecordType type) {
  WriteHeader(type,
              absl::string_view(buffer_.get() + kRecordHeaderBytes, length_),
              buffer_.get());
  sealed_ = true;
}

absl::string_view RecordInPlace::bytes() const {
  EKV_CHECK(sealed_) << "a record is read only once sealed";
  return absl::string_view(buffer_.get(), kRecordHeaderBytes + length_);
}

void AppendRecord(RecordType type, absl::string_view payload,
                  std::string* out) {
  EKV_CHECK_LE(payload.size(), kMaxRecordPayloadBytes) << "record too large";
  char header[kRecordHeaderBytes];
  WriteHeader(type, payload, header);
  out->reserve(out->size() + kRecordHeaderBytes + payload.size());
  out->append(header, kRecordHeaderBytes);
  out->append(payload.data(), payload.size());
}

}  // namespace ekv::raft::wal
