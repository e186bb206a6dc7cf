// RaftLog: one member's view of the replicated log — Storage (persisted) plus
// the UnstableLog (appended, not yet persisted) — with the commit and apply
// positions.
//
// Invariant: applied <= committed <= LastIndex(), and FirstIndex() - 1 <=
// applied (entries are compacted only after being applied).
#ifndef EKV_ENGINE_RAFT_RAFT_LOG_H_
#define EKV_ENGINE_RAFT_RAFT_LOG_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "engine/proto/raft.pb.h"
#include "engine/raft/log_unstable.h"
#include "engine/raft/storage.h"
#include "google/protobuf/repeated_field.h"

namespace ekv::raft {

class RaftLog {
 public:
  RaftLog(const Storage* storage, uint64_t max_committed_bytes_per_ready);

  // Restart: the commit index persisted, and what the application applied.
  void Init(uint64_t committed, uint64_t applied);

  uint64_t committed() const { return committed_; }
  uint64_t applied() const { return applied_; }
  uint64_t FirstIndex() const {
    if (auto first = unstable_.MaybeFirstIndex()) return *first;
    return storage_->FirstIndex();
  }
  uint64_t LastIndex() const {
    if (auto last = unstable_.MaybeLastIndex()) return *last;
    return storage_->LastIndex();
  }
  uint64_t LastTerm() const;

  // The term of entry `index` for FirstIndex() - 1 <= index <= LastIndex();
  // a CompactedIndexError below, OutOfRange above.
  absl::StatusOr<uint64_t> Term(uint64_t index) const;
  // Term(), or 0 when out of range.
  uint64_t TermOrZero(uint64_t index) const;
  bool MatchTerm(uint64_t index, uint64_t term) const;
  // Term(), or nothing when out of range, without building an error (hot:
  // probes beyond the log are routine for MatchTerm and the checkers).
  std::optional<uint64_t> TermIfKnown(uint64_t index) const;

  // Whether a log ending at (last_index, term) is at least as up to date as
  // this one (Raft paper, 5.4.1).
  bool IsUpToDate(uint64_t last_index, uint64_t term) const;

  // A follower's append: when the entry at `index` has `log_term`, appends
  // `entries` (moving them out), replacing conflicting ones, and commits up
  // to min(committed, last new index). Returns the last new index, or
  // nothing when the terms do not match.
  std::optional<uint64_t> MaybeAppend(
      uint64_t index, uint64_t log_term, uint64_t committed,
      google::protobuf::RepeatedPtrField<raftpb::Entry>* entries);
  // A leader's append of a new entry at LastIndex() + 1, to be filled in
  // by the caller (every field; see UnstableLog::AppendSlot).
  raftpb::Entry& AppendSlot() { return unstable_.AppendSlot(); }

  // The largest index <= `index` whose term is <= `term` (0 for unknown
  // terms), with that term: where a follower's and leader's logs may match.
  std::pair<uint64_t, uint64_t> FindConflictByTerm(uint64_t index,
                                                   uint64_t term) const;

  // Commits up to `index` when its entry has `term` (a leader's rule: only
  // entries of its own term are committed by counting replicas).
  bool MaybeCommit(uint64_t index, uint64_t term);
  void CommitTo(uint64_t index);
  void AppliedTo(uint64_t index);

  // Copies of entries from `lo` on, at most `max_bytes` (at least one), up to
  // LastIndex(), appended to `out`; CompactedIndexError when lo is compacted.
  absl::Status AppendEntriesTo(
      uint64_t lo, uint64_t max_bytes,
      google::protobuf::RepeatedPtrField<raftpb::Entry>* out) const;

  // Copies of entries [lo, hi) (hi <= LastIndex() + 1), at most `max_bytes`
  // (at least one), appended to `out`; lo must not be compacted.
  void Entries(uint64_t lo, uint64_t hi, uint64_t max_bytes,
               std::vector<raftpb::Entry>* out) const {
    CollectEntries(lo, hi, max_bytes, out);
  }

  // What Ready hands the application.
  absl::Span<const raftpb::Entry> UnpersistedEntries() const {
    return unstable_.UnpersistedEntries();
  }
  const raftpb::Snapshot* UnpersistedSnapshot() const {
    return unstable_.snapshot();
  }
  bool HasNextCommittedEntries() const { return committed_ > applied_; }
  // Committed, unapplied entries, at most max_committed_bytes_per_ready (at
  // least one). Valid until the log changes; may live in `*scratch`.
  absl::Span<const raftpb::Entry> NextCommittedEntries(
      std::vector<raftpb::Entry>* scratch) const;

  void PersistedTo(uint64_t index, uint64_t term) {
    unstable_.PersistedTo(index, term);
  }
  void SnapshotPersisted(uint64_t index) { unstable_.SnapshotPersisted(index); }

  // Replaces the log with a snapshot (to persist) and commits its index.
  void Restore(raftpb::Snapshot snapshot);

  // The latest snapshot (a pending one, or Storage's).
  absl::StatusOr<std::shared_ptr<const raftpb::Snapshot>> Snapshot() const;

 private:
  void CollectEntries(uint64_t lo, uint64_t hi, uint64_t max_bytes,
                      std::vector<raftpb::Entry>* out) const;
  uint64_t FindConflict(
      const google::protobuf::RepeatedPtrField<raftpb::Entry>& entries) const;

  const Storage* storage_;
  UnstableLog unstable_;
  uint64_t committed_ = 0;
  uint64_t applied_ = 0;
  const uint64_t max_committed_bytes_per_ready_;
  mutable std::vector<raftpb::Entry> scratch_;
};

}  // namespace ekv::raft

#endif  // EKV_ENGINE_RAFT_RAFT_LOG_H_
