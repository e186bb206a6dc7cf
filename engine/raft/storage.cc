#include "engine/raft/storage.h"

#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "engine/base/check.h"
#include "engine/base/status.h"

namespace ekv::raft {
namespace {

constexpr absl::string_view kCompactedPrefix = "raft: index compacted";

std::shared_ptr<const raftpb::Snapshot> EmptySnapshot(
    const raftpb::ConfState& conf_state) {
  auto snapshot = std::make_shared<raftpb::Snapshot>();
  *snapshot->mutable_metadata()->mutable_conf_state() = conf_state;
  return snapshot;
}

}  // namespace

absl::Status CompactedIndexError(uint64_t index, uint64_t first_index) {
  return absl::OutOfRangeError(absl::StrCat(kCompactedPrefix, ": ", index,
                                            " is below the first index ",
                                            first_index));
}

bool IsCompactedIndex(const absl::Status& status) {
  return absl::IsOutOfRange(status) &&
         absl::StartsWith(status.message(), kCompactedPrefix);
}

MemoryStorage::MemoryStorage() : MemoryStorage(raftpb::ConfState()) {}

MemoryStorage::MemoryStorage(const raftpb::ConfState& conf_state)
    : snapshot_(EmptySnapshot(conf_state)) {}

raftpb::ConfState MemoryStorage::conf_state() const {
  return snapshot_->metadata().conf_state();
}

absl::StatusOr<uint64_t> MemoryStorage::Term(uint64_t index) const {
  if (index + 1 < first_index_) {
    return CompactedIndexError(index, first_index_);
  }
  if (index + 1 == first_index_) return prev_term_;
  if (index > LastIndex()) {
    return absl::OutOfRangeError(
        absl::StrCat("raft: index ", index, " beyond last ", LastIndex()));
  }
  return entries_[index - first_index_].term();
}

absl::Status MemoryStorage::Entries(uint64_t lo, uint64_t hi,
                                    uint64_t max_bytes,
                                    std::vector<raftpb::Entry>* out) const {
  if (lo < first_index_) return CompactedIndexError(lo, first_index_);
  EKV_CHECK_LE(hi, LastIndex() + 1) << "entries beyond the last index";
  uint64_t bytes = 0;
  for (uint64_t i = lo; i < hi; ++i) {
    const raftpb::Entry& entry = entries_[i - first_index_];
    bytes += EntryBytes(entry);
    if (i > lo && bytes > max_bytes) break;
    out->push_back(entry);
  }
  return absl::OkStatus();
}

absl::StatusOr<std::shared_ptr<const raftpb::Snapshot>>
MemoryStorage::Snapshot() const {
  return snapshot_;
}

void MemoryStorage::Append(absl::Span<const raftpb::Entry> entries) {
  for (const raftpb::Entry& entry : entries) {
    if (entry.index() < first_index_) continue;  // covered by the snapshot
    EKV_CHECK_LE(entry.index(), LastIndex() + 1) << "gap in appended entries";
    entries_.Truncate(entry.index() - first_index_);
    entries_.PushSlot() = entry;  // reuses a recycled entry's buffer
  }
}

bool MemoryStorage::ApplySnapshot(raftpb::Snapshot snapshot) {
  const raftpb::SnapshotMetadata& meta = snapshot.metadata();
  if (meta.index() < snapshot_->metadata().index()) return false;
  prev_term_ = meta.term();
  first_index_ = meta.index() + 1;
  entries_.Clear();
  snapshot_ = std::make_shared<const raftpb::Snapshot>(std::move(snapshot));
  return true;
}

absl::Status MemoryStorage::CreateSnapshot(uint64_t index,
                                           const raftpb::ConfState& conf_state,
                                           std::string data) {
  if (index <= snapshot_->metadata().index()) {
    return absl::FailedPreconditionError(absl::StrCat(
        "raft: snapshot at ", index, " is not newer than the one at ",
        snapshot_->metadata().index()));
  }
  if (index > LastIndex()) {
    return absl::OutOfRangeError(absl::StrCat(
        "raft: snapshot at ", index, " beyond last index ", LastIndex()));
  }
  EKV_ASSIGN_OR_RETURN(const uint64_t term, Term(index));
  auto snapshot = std::make_shared<raftpb::Snapshot>();
  snapshot->mutable_metadata()->set_index(index);
  snapshot->mutable_metadata()->set_term(term);
  *snapshot->mutable_metadata()->mutable_conf_state() = conf_state;
  snapshot->set_data(std::move(data));
  snapshot_ = std::move(snapshot);
  return absl::OkStatus();
}

absl::Status MemoryStorage::Compact(uint64_t index) {
  if (index < first_index_) return absl::OkStatus();  // already compacted
  if (index > snapshot_->metadata().index()) {
    return absl::FailedPreconditionError(
        absl::StrCat("raft: compacting to ", index, " beyond the snapshot at ",
                     snapshot_->metadata().index()));
  }
  prev_term_ = entries_[index - first_index_].term();
  entries_.PopFront(index + 1 - first_index_);
  first_index_ = index + 1;
  return absl::OkStatus();
}

}  // namespace ekv::raft
