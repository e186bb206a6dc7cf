// Encodes records in the format of log_format.h.
#ifndef EKV_ENGINE_RAFT_WAL_RECORD_WRITER_H_
#define EKV_ENGINE_RAFT_WAL_RECORD_WRITER_H_

#include <string>

#include "absl/strings/string_view.h"
#include "engine/raft/wal/log_format.h"

namespace ekv::raft::wal {

// Appends one framed record to `out`. The payload must be at most
// kMaxRecordPayloadBytes (checked).
void AppendRecord(RecordType type, absl::string_view payload, std::string* out);

}  // namespace ekv::raft::wal

#endif  // EKV_ENGINE_RAFT_WAL_RECORD_WRITER_H_
