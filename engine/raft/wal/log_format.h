// The record format of Raft's write-ahead log and snapshot files.
//
// A file is a sequence of records, each:
//
//   +----------------+-----------+--------------------+-----------------+
//   | length: u32 LE | type: u8  | checksum: u64 LE   | payload: length |
//   +----------------+-----------+--------------------+-----------------+
//
// checksum = XXH3_64bits(payload, seed = length << 8 | type), so a flipped
// bit anywhere in a record, its length included, is detected.
// Payloads are serialized protobuf: a WalBatch (type kWalBatch) in segment
// files, a Snapshot (type kSnapshot) in snapshot files.
//
// Reading (record_reader.h): a record that fails its checks is a torn tail if
// no valid record follows it anywhere in the file — the remains of an append
// cut short by a crash, which the writer never synced, so nothing
// acknowledged is lost by dropping it. If a valid record does follow, the bad
// one was synced and then damaged: that is corruption, reported with its
// offset, never silently skipped.
//
// The writer makes the torn-tail case the only one a crash can produce: each
// append is one record followed by a sync before anything depends on it.
#ifndef EKV_ENGINE_RAFT_WAL_LOG_FORMAT_H_
#define EKV_ENGINE_RAFT_WAL_LOG_FORMAT_H_

#include <cstddef>
#include <cstdint>

namespace ekv::raft::wal {

enum class RecordType : uint8_t {
  kWalBatch = 1,
  kSnapshot = 2,
};

inline bool IsKnownRecordType(uint8_t type) {
  return type == static_cast<uint8_t>(RecordType::kWalBatch) ||
         type == static_cast<uint8_t>(RecordType::kSnapshot);
}

inline constexpr size_t kRecordHeaderBytes = 4 + 1 + 8;
// Larger payloads are refused by the writer and treated as damage by the
// reader (a corrupted length must not make it read gigabytes).
inline constexpr uint32_t kMaxRecordPayloadBytes = 1u << 30;

}  // namespace ekv::raft::wal

#endif  // EKV_ENGINE_RAFT_WAL_LOG_FORMAT_H_
