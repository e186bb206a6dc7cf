// Reads the records of one file (log_format.h): the valid records in order,
// every damaged stretch between them (corruption: valid records follow), and
// a torn tail if the file ends in damage.
#ifndef EKV_ENGINE_RAFT_WAL_RECORD_READER_H_
#define EKV_ENGINE_RAFT_WAL_RECORD_READER_H_

#include <cstdint>
#include <optional>
#include <vector>

#include "absl/strings/string_view.h"
#include "engine/raft/wal/log_format.h"

namespace ekv::raft::wal {

struct Record {
  RecordType type;
  uint64_t offset;            // of its header in the file
  absl::string_view payload;  // into the data given to ReadRecords
};

// Bytes [offset, resumed_at) hold no valid record, and a valid record starts
// at resumed_at.
struct Damage {
  uint64_t offset;
  uint64_t resumed_at;
};

struct ReadResult {
  std::vector<Record> records;
  std::vector<Damage> damage;
  // The file ends in damage from here, with no valid record after it.
  std::optional<uint64_t> torn_tail_offset;

  bool clean() const { return damage.empty() && !torn_tail_offset; }
};

// Reads every record of `data` (a whole file).
void ReadRecords(absl::string_view data, ReadResult* result);

}  // namespace ekv::raft::wal

#endif  // EKV_ENGINE_RAFT_WAL_RECORD_READER_H_
