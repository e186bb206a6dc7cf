// Storage: the stable part of a member's log, as Raft reads it.
//
// Raft never writes to Storage: the application persists what Ready hands it
// (entries, hard state, snapshot) and then updates its Storage, before calling
// Advance. Raft reads entries, terms and the latest snapshot from it.
// MemoryStorage keeps everything in memory; the Replica backs it with the
// write-ahead log (wal_storage.h) so that it survives restarts.
//
// Indexes: entries held are [FirstIndex(), LastIndex()]; the snapshot covers
// everything up to FirstIndex() - 1, whose term Term() still answers. An empty
// log has FirstIndex() == 1, LastIndex() == 0.
#ifndef EKV_ENGINE_RAFT_STORAGE_H_
#define EKV_ENGINE_RAFT_STORAGE_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "engine/proto/raft.pb.h"
#include "engine/raft/entry_buffer.h"

namespace ekv::raft {

// The bytes an entry counts for in every byte limit: its payload plus a fixed
// allowance for its other fields, so the limits cost no serialization.
inline uint64_t EntryBytes(const raftpb::Entry& entry) {
  return entry.data().size() + 24;
}

// The error of a read below FirstIndex(): the entries were compacted away.
absl::Status CompactedIndexError(uint64_t index, uint64_t first_index);
bool IsCompactedIndex(const absl::Status& status);

class Storage {
 public:
  virtual ~Storage() = default;

  // State as of the last persisted Ready (restart).
  virtual raftpb::HardState hard_state() const = 0;
  // Membership as of the snapshot (later changes are in the log).
  virtual raftpb::ConfState conf_state() const = 0;

  virtual uint64_t FirstIndex() const = 0;
  virtual uint64_t LastIndex() const = 0;

  // The term of entry `index`, for FirstIndex() - 1 <= index <= LastIndex();
  // a CompactedIndexError below; OutOfRange above.
  virtual absl::StatusOr<uint64_t> Term(uint64_t index) const = 0;
  // Term() where it succeeds, nullopt where it fails, without building an
  // error Status: Raft asks out-of-range terms in normal operation.
  virtual std::optional<uint64_t> TermIfHeld(uint64_t index) const {
    const absl::StatusOr<uint64_t> term = Term(index);
    if (!term.ok()) return std::nullopt;
    return *term;
  }

  // Appends copies of entries [lo, hi) to `out`, stopping before the total
  // passes `max_bytes` but always giving at least one. lo >= FirstIndex()
  // (else CompactedIndexError), hi <= LastIndex() + 1.
  virtual absl::Status Entries(uint64_t lo, uint64_t hi, uint64_t max_bytes,
                               std::vector<raftpb::Entry>* out) const = 0;

  // The latest snapshot. Unavailable when the application is still making
  // one; Raft then tries again later.
  virtual absl::StatusOr<std::shared_ptr<const raftpb::Snapshot>> Snapshot()
      const = 0;
};

// Storage in memory. Not thread-safe.
class MemoryStorage : public Storage {
 public:
  MemoryStorage();
  // Starts from a snapshot at index 0 with this membership: how tests
  // bootstrap a group.
  explicit MemoryStorage(const raftpb::ConfState& conf_state);

  raftpb::HardState hard_state() const override { return hard_state_; }
  raftpb::ConfState conf_state() const override;
  uint64_t FirstIndex() const override { return first_index_; }
  uint64_t LastIndex() const override {
    return first_index_ + entries_.size() - 1;
  }
  absl::StatusOr<uint64_t> Term(uint64_t index) const override;
  std::optional<uint64_t> TermIfHeld(uint64_t index) const override {
    if (index + 1 < first_index_ || index > LastIndex()) return std::nullopt;
    if (index + 1 == first_index_) return prev_term_;
    return entries_[index - first_index_].term();
  }
  absl::Status Entries(uint64_t lo, uint64_t hi, uint64_t max_bytes,
                       std::vector<raftpb::Entry>* out) const override;
  absl::StatusOr<std::shared_ptr<const raftpb::Snapshot>> Snapshot()
      const override;

  void SetHardState(const raftpb::HardState& hard_state) {
    hard_state_ = hard_state;
  }

  // Appends persisted entries; an entry at an index already held replaces it
  // and everything after it. Entries the snapshot covers are skipped. The
  // first entry must not leave a gap after LastIndex().
  void Append(absl::Span<const raftpb::Entry> entries);

  // Replaces everything with the snapshot (a follower installing one). An
  // older snapshot than the one held is refused (returns false).
  bool ApplySnapshot(raftpb::Snapshot snapshot);

  // Records the application's snapshot at `index` (<= LastIndex(), above the
  // current snapshot) without discarding entries; see Compact.
  absl::Status CreateSnapshot(uint64_t index,
                              const raftpb::ConfState& conf_state,
                              std::string data);

  // Discards entries up to and including `index` (<= the snapshot's index).
  absl::Status Compact(uint64_t index);

  const raftpb::SnapshotMetadata& snapshot_metadata() const {
    return snapshot_->metadata();
  }

 private:
  raftpb::HardState hard_state_;
  std::shared_ptr<const raftpb::Snapshot> snapshot_;
  // Term of the entry at first_index_ - 1: the snapshot's, or that of the
  // last compacted entry when compaction kept entries the snapshot covers.
  uint64_t prev_term_ = 0;
  uint64_t first_index_ = 1;
  // Compacted entries are recycled, so that copying an entry in often
  // reuses a buffer instead of allocating one.
  EntryBuffer entries_;
};

}  // namespace ekv::raft

#endif  // EKV_ENGINE_RAFT_STORAGE_H_
