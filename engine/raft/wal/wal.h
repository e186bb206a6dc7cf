// Wal: a Raft member's durable state on an ekv::Disk — the log entries, the
// hard state, and the latest snapshot — written as Ready asks and recovered
// at start.
//
// Files (names start with the prefix given at Open):
//   <prefix>wal-<seq>.log      segments of records (log_format.h), each a
//                              WalBatch; replayed in sequence order
//   <prefix>snap-<index>.snap  one Snapshot record; written to a .tmp file,
//                              synced, checked, then renamed into place
//
// Writing. Write(batch) appends one record, syncs it and reads it back: a
// write is confirmed only when the bytes on disk are the bytes written. A
// failed sync or a damaged read-back is retried in place: the file is cut
// back to where the record began and the record written again. So a segment
// only ever holds confirmed records plus, at its end, at most one record in
// flight. When the attempts run out (or the disk is full), Write returns the
// error; the next call first cuts the segment back to its confirmed end, so
// the caller simply retries later. SaveSnapshot() writes a snapshot file,
// then starts a new segment whose first batch names the snapshot and carries
// the hard state and the entries after it, then removes older segments and
// snapshots. A crash at any point leaves files that recover to the state
// before or after the call.
//
// Recovery (Open) replays every segment, reading each file until a read is
// clean or two reads agree (a read may return a damaged sector once). A torn
// tail of the last segment is cut off (and counted). Anything else — damage
// followed by valid records, a damaged tail of an older segment, a gap in
// the log, a snapshot file missing or damaged — is Corruption naming the
// file and offset, and nothing is modified.
//
// Not thread-safe. Disk errors come back as they are (IoError, DiskFull).
#ifndef EKV_ENGINE_RAFT_WAL_WAL_H_
#define EKV_ENGINE_RAFT_WAL_WAL_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
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
  // Reads that came back damaged and were read again.
  uint64_t damaged_reads = 0;
  // Whether anything was recovered (false: a fresh disk, or one whose only
  // write was torn away — the member starts as new).
  bool existed = false;
};

// Counters of what writing ran into.
struct WalStats {
  uint64_t writes = 0;
  uint64_t sync_failures = 0;
  uint64_t damaged_read_backs = 0;  // a write read back wrong (then retried)
  uint64_t retries = 0;             // records written again
  uint64_t repairs = 0;             // segments cut back after a failed write
};

class Wal {
 public:
  // Attempts of one record (or snapshot file) before Write gives up.
  static constexpr int kWriteAttempts = 4;
  // Reads of a file (or a written record) before damage counts as real.
  static constexpr int kReadAttempts = 3;

  // Recovers the state under `prefix` on `disk` (which outlives the Wal) and
  // opens the log for writing.
  static absl::StatusOr<std::unique_ptr<Wal>> Open(Disk* disk,
                                                   std::string prefix,
                                                   Recovered* recovered);

  // Appends the batch and makes it durable (see above).
  absl::Status Write(const raftpb::WalBatch& batch);
  // The same for the batch {entries, hard_state} (no snapshot), written
  // straight from the entries without copying them into a WalBatch.
  absl::Status Write(absl::Span<const raftpb::Entry> entries,
                     const raftpb::HardState& hard_state);

  // Makes `snapshot` the durable base of the log: the snapshot file, then a
  // new segment starting with a batch of its metadata, `hard_state` and
  // `entries_after` (the log after the snapshot's index that stays valid),
  // then removes what it supersedes.
  absl::Status SaveSnapshot(const raftpb::Snapshot& snapshot,
                            const raftpb::HardState& hard_state,
                            absl::Span<const raftpb::Entry> entries_after);

  const WalStats& stats() const { return stats_; }
  uint64_t segment_bytes() const { return confirmed_bytes_; }

 private:
  Wal(Disk* disk, std::string prefix, uint64_t segment_seq,
      uint64_t segment_bytes);
  std::string SegmentName(uint64_t seq) const;
  std::string SnapshotName(uint64_t index) const;
  absl::Status Repair();
  absl::Status AppendConfirmed(absl::string_view record);
  absl::Status AttemptAppend(const std::string& name, absl::string_view record,
                             bool retry);
  // Whether `bytes` read back from `offset` of `name` (a read may return a
  // damaged sector the disk does not hold: up to kReadAttempts reads).
  bool ReadsBack(const std::string& name, uint64_t offset,
                 absl::string_view bytes);
  absl::Status SyncDirWithRetries();
  absl::Status WriteSnapshotFile(const raftpb::Snapshot& snapshot);
  absl::Status RemoveSuperseded(uint64_t keep_segment_seq,
                                uint64_t keep_snapshot_index);

  Disk* disk_;
  const std::string prefix_;
  uint64_t segment_seq_;
  // SegmentName(segment_seq_), kept rather than formatted at every write.
  std::string segment_name_;
  // What ReadsBack read, kept between calls up to kReadBackBufferKeptBytes.
  static constexpr size_t kReadBackBufferKeptBytes = 64 * 1024;
  std::string read_back_;
  // The current segment's size up to its last confirmed record; beyond it
  // there may be one unconfirmed attempt (needs_repair_).
  uint64_t confirmed_bytes_;
  bool needs_repair_ = false;
  // The segment's name has not reached the directory yet.
  bool needs_dir_sync_ = false;
  WalStats stats_;
};

}  // namespace ekv::raft::wal

#endif  // EKV_ENGINE_RAFT_WAL_WAL_H_
