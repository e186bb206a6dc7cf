// The checksum of a record (log_format.h): XXH3-64 of its payload, seeded
// with its length and type, so a damaged header fails it as a damaged payload
// does.
#ifndef EKV_ENGINE_RAFT_WAL_RECORD_CHECKSUM_H_
#define EKV_ENGINE_RAFT_WAL_RECORD_CHECKSUM_H_

#include <cstdint>

#include "absl/strings/string_view.h"

namespace ekv::raft::wal {

uint64_t RecordChecksum(uint32_t length, uint8_t type,
                        absl::string_view payload);

}  // namespace ekv::raft::wal

#endif  // EKV_ENGINE_RAFT_WAL_RECORD_CHECKSUM_H_
