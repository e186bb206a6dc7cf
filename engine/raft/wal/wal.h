// Wal: a Raft member's durable state on an ekv::Disk — the log entries, the
// hard state, and the latest snapshot — written as Ready asks and recovered
// at start.
//
// Files (names start with the prefix given at Open):
//   <prefix>wal-<seq>.log     segments of records (log_format.h), each a
//                             WalBatch; replayed in sequence order
//   <prefix>snap-<index>.snap one Snapshot record; written to a .tmp file,
//                             synced, then renamed into place
//
// Writing: Append(batch) appends one record; Sync() makes it durable. The
// caller appends at most one batch per sync. SaveSnapshot() writes a
// snapshot file, then starts a new segment whose first batch names the
// snapshot and carries the hard state and the entries after it, then removes
// older segments and snapshots. A crash at any point leaves files that
// recover to the state before or after the call.
//
// Recovery (Open): replays every segment. A torn tail of the last segment is
// cut off (and counted); damage anywhere else — a bad record followed by good
// ones, a bad tail of an older segment, a gap in the log, a snapshot file
// missing or failing its checksum — is Corruption naming the file and
// offset, and nothing is modified.
//
// Not thread-safe. Disk errors are returned as they come (IoError,
// DiskFull); after a failed Append or Sync the Wal must not be used again
// (what reached the disk is unknown until the next recovery).
#ifndef EKV_ENGINE_RAFT_WAL_WAL_H_
#define EKV_ENGINE_RAFT_WAL_WAL_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "disk/disk.h"
#include "engine/proto/raft.pb.h"

namespace ekv::raft::wal {

// What recovery found.
struct Recovered {
  raftpb::HardState hard_state;
  // The latest snapshot (index 0 and no data when there is none).
  raftpb::Snapshot snapshot;
  // The entries after the snapshot, contiguous.
  std::vector<raftpb::Entry> entries;
  // A torn tail cut off the last segment: how many bytes.
  uint64_t torn_tail_bytes = 0;
  // Whether anything was recovered (false: a fresh disk, or one whose only
  // write was torn away — the member starts as new).
  bool existed = false;
};

class Wal {
 public:
  // Recovers the state under `prefix` on `disk` (which outlives the Wal) and
  // opens the log for appending.
  static absl::StatusOr<std::unique_ptr<Wal>> Open(Disk* disk,
                                                   std::string prefix,
                                                   Recovered* recovered);

  // Appends one batch (entries, hard state). Durable after Sync().
  absl::Status Append(const raftpb::WalBatch& batch);
  absl::Status Sync();

  // Makes `snapshot` the durable base of the log: the snapshot file, then a
  // new segment starting with a batch of its metadata, `hard_state` and
  // `entries_after` (the log after the snapshot's index that stays valid),
  // then removes what it supersedes. Synced when it returns OK.
  absl::Status SaveSnapshot(const raftpb::Snapshot& snapshot,
                            const raftpb::HardState& hard_state,
                            absl::Span<const raftpb::Entry> entries_after);

  // Bytes in the current segment (for tests and status).
  uint64_t segment_bytes() const { return segment_bytes_; }

 private:
  Wal(Disk* disk, std::string prefix, uint64_t segment_seq,
      uint64_t segment_bytes, uint64_t snapshot_index);
  std::string SegmentName(uint64_t seq) const;
  std::string SnapshotName(uint64_t index) const;
  absl::Status WriteSnapshotFile(const raftpb::Snapshot& snapshot);
  absl::Status RemoveSuperseded(uint64_t keep_segment_seq,
                                uint64_t keep_snapshot_index);

  Disk* disk_;
  const std::string prefix_;
  uint64_t segment_seq_;
  uint64_t segment_bytes_;
  uint64_t snapshot_index_;
  // A new segment's name must reach the directory on the next sync.
  bool needs_dir_sync_ = false;
};

}  // namespace ekv::raft::wal

#endif  // EKV_ENGINE_RAFT_WAL_WAL_H_
