// The checksum of a record (log_format.h): XXH64 over its length, type and
// payload.
#ifndef EKV_ENGINE_RAFT_WAL_RECORD_CHECKSUM_H_
#define EKV_ENGINE_RAFT_WAL_RECORD_CHECKSUM_H_

#include <cstdint>

#include "absl/strings/string_view.h"

namespace ekv::raft::wal {

uint64_t RecordChecksum(uint32_t length, uint8_t type,
                        absl::string_view payload);

}  // namespace ekv::raft::wal

#endif  // EKV_ENGINE_RAFT_WAL_RECORD_CHECKSUM_H_
