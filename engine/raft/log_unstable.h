// UnstableLog: the tail of the log that the application has not yet persisted
// (and an incoming snapshot not yet persisted), plus persisted entries kept
// until they are applied, so that Ready can hand committed entries to the
// application without copying them out of Storage.
//
// Held entries are [offset(), offset() + size), contiguous in memory; those up
// to persisted_index() are already in Storage. A pending snapshot, if any,
// covers everything before offset().
#ifndef EKV_ENGINE_RAFT_LOG_UNSTABLE_H_
#define EKV_ENGINE_RAFT_LOG_UNSTABLE_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

#include "absl/types/span.h"
#include "engine/proto/raft.pb.h"
#include "engine/raft/entry_buffer.h"

namespace ekv::raft {

class UnstableLog {
 public:
  // Starts empty after `last_stable_index`.
  explicit UnstableLog(uint64_t last_stable_index)
      : offset_(last_stable_index + 1), persisted_index_(last_stable_index) {}

  uint64_t offset() const { return offset_; }
  uint64_t persisted_index() const { return persisted_index_; }
  size_t size() const { return entries_.size(); }
  const raftpb::Snapshot* snapshot() const { return snapshot_.get(); }

  // The first index after a pending snapshot, if there is one.
  std::optional<uint64_t> MaybeFirstIndex() const {
    if (snapshot_ != nullptr) return snapshot_->metadata().index() + 1;
    return std::nullopt;
  }
  // The last held index (or the pending snapshot's), if any.
  std::optional<uint64_t> MaybeLastIndex() const {
    if (!entries_.empty()) return offset_ + entries_.size() - 1;
    if (snapshot_ != nullptr) return snapshot_->metadata().index();
    return std::nullopt;
  }
  // The term of a held entry or of the pending snapshot's last entry.
  std::optional<uint64_t> MaybeTerm(uint64_t index) const {
    if (index >= offset_ && index - offset_ < entries_.size()) {
      return At(index).term();
    }
    if (snapshot_ != nullptr && snapshot_->metadata().index() == index) {
      return snapshot_->metadata().term();
    }
    return std::nullopt;
  }

  // Entries not yet persisted.
  absl::Span<const raftpb::Entry> UnpersistedEntries() const;
  // Held entries [lo, hi); offset() <= lo <= hi <= offset() + size().
  absl::Span<const raftpb::Entry> Slice(uint64_t lo, uint64_t hi) const;

  // Appends entries that follow index entries.front().index() - 1, replacing
  // any held entries from there on. The first index must be at most one past
  // the last index of the whole log (the caller checks against Storage).
  void TruncateAndAppend(std::vector<raftpb::Entry>&& entries);
  void Append(raftpb::Entry&& entry);
  // Appends an entry at offset() + size() and returns it for the caller to
  // fill in (every field). It may be a recycled entry whose data string
  // still holds a buffer, so filling it often allocates nothing.
  raftpb::Entry& AppendSlot();

  // The application persisted entries up to `index` with `term`. Ignored when
  // the entry has since been replaced (its term differs).
  void PersistedTo(uint64_t index, uint64_t term);
  // The application persisted the pending snapshot at `index`.
  void SnapshotPersisted(uint64_t index);
  // Drops held entries up to `index` that are persisted.
  void ReleaseTo(uint64_t index);

  // Replaces everything with a snapshot to persist.
  void Restore(raftpb::Snapshot snapshot);

 private:
  const raftpb::Entry& At(uint64_t index) const {
    return entries_[index - offset_];
  }
  void TruncateAfter(uint64_t index);

  std::unique_ptr<raftpb::Snapshot> snapshot_;
  EntryBuffer entries_;
  uint64_t offset_;
  uint64_t persisted_index_;
};

}  // namespace ekv::raft

#endif  // EKV_ENGINE_RAFT_LOG_UNSTABLE_H_
