// Encodes records in the format of log_format.h.
#ifndef EKV_ENGINE_RAFT_WAL_RECORD_WRITER_H_
#define EKV_ENGINE_RAFT_WAL_RECORD_WRITER_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "absl/strings/string_view.h"
#include "engine/raft/wal/log_format.h"

namespace ekv::raft::wal {

// Appends one framed record to `out`. The payload must be at most
// kMaxRecordPayloadBytes (checked).
void AppendRecord(RecordType type, absl::string_view payload, std::string* out);

// A record whose payload is encoded in place, instead of in a string of its
// own that AppendRecord then copies: the constructor allocates the header and
// `payload_size` bytes (left uninitialised: the payload is written over them
// anyway), the caller fills payload(), and Seal() writes the header. bytes()
// are then what AppendRecord would append.
class RecordInPlace {
 public:
  explicit RecordInPlace(size_t payload_size);
  uint8_t* payload();
  void Seal(RecordType type);
  absl::string_view bytes() const;  // once sealed

 private:
  std::unique_ptr<char[]> buffer_;
  uint32_t length_;
  bool sealed_ = false;
};

}  // namespace ekv::raft::wal

#endif  // EKV_ENGINE_RAFT_WAL_RECORD_WRITER_H_
