// Encodes records in the format of log_format.h.
#ifndef EKV_ENGINE_RAFT_WAL_RECORD_WRITER_H_
#define EKV_ENGINE_RAFT_WAL_RECORD_WRITER_H_

#include <cstddef>
#include <cstdint>
#include <string>

#include "absl/strings/string_view.h"
#include "engine/raft/wal/log_format.h"

namespace ekv::raft::wal {

// Appends one framed record to `out`. The payload must be at most
// kMaxRecordPayloadBytes (checked).
void AppendRecord(RecordType type, absl::string_view payload, std::string* out);

// A record whose payload is encoded in place at the end of `out`, instead of
// in a string of its own that AppendRecord then copies: the constructor makes
// room for the header and `payload_size` bytes, the caller fills payload(),
// and Seal() writes the header. Same bytes as AppendRecord.
class RecordInPlace {
 public:
  RecordInPlace(std::string* out, size_t payload_size);
  uint8_t* payload();
  void Seal(RecordType type);

 private:
  std::string* out_;
  size_t start_;
  uint32_t length_;
};

}  // namespace ekv::raft::wal

#endif  // EKV_ENGINE_RAFT_WAL_RECORD_WRITER_H_
