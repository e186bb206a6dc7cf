// Reads the records of one file (log_format.h), telling a torn tail (dropped,
// reported by offset so the caller can cut the file there) from corruption
// (a damaged record followed by a valid one: an error with its offset).
#ifndef EKV_ENGINE_RAFT_WAL_RECORD_READER_H_
#define EKV_ENGINE_RAFT_WAL_RECORD_READER_H_

#include <cstdint>
#include <optional>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "engine/raft/wal/log_format.h"

namespace ekv::raft::wal {

struct Record {
  RecordType type;
  uint64_t offset;            // of its header in the file
  absl::string_view payload;  // into the data given to ReadRecords
};

struct ReadResult {
  // The valid records before any damage, in order.
  std::vector<Record> records;
  // Where a torn tail starts (the file's valid part ends there), if any.
  std::optional<uint64_t> torn_tail_offset;
};

// Reads every record of `data` (a whole file named `file`, for messages).
// Corruption (kDataLoss, ErrorKind kCorruption) when a damaged record is
// followed by a valid one.
absl::Status ReadRecords(absl::string_view file, absl::string_view data,
                         ReadResult* result);

}  // namespace ekv::raft::wal

#endif  // EKV_ENGINE_RAFT_WAL_RECORD_READER_H_
