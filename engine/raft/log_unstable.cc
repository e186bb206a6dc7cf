#include "engine/raft/log_unstable.h"

#include <algorithm>
#include <utility>

#include "engine/base/check.h"

namespace ekv::raft {
absl::Span<const raftpb::Entry> UnstableLog::UnpersistedEntries() const {
  return Slice(persisted_index_ + 1, offset_ + size());
}

absl::Span<const raftpb::Entry> UnstableLog::Slice(uint64_t lo,
                                                   uint64_t hi) const {
  EKV_CHECK_LE(offset_, lo);
  EKV_CHECK_LE(lo, hi);
  EKV_CHECK_LE(hi, offset_ + size());
  return entries_.Span(lo - offset_, hi - lo);
}

void UnstableLog::TruncateAfter(uint64_t index) {
  if (index + 1 <= offset_) {
    // Everything held is replaced; the new entries start before or at the
    // current offset, right after Storage's (possibly stale) entries.
    entries_.Clear();
    offset_ = index + 1;
  } else {
    entries_.Truncate(index + 1 - offset_);
  }
  persisted_index_ = std::min(persisted_index_, index);
}

void UnstableLog::TruncateAndAppend(std::vector<raftpb::Entry>&& entries) {
  if (entries.empty()) return;
  const uint64_t first = entries.front().index();
  TruncateAfter(first - 1);
  for (raftpb::Entry& entry : entries) Append(std::move(entry));
}

void UnstableLog::Append(raftpb::Entry&& entry) {
  EKV_CHECK_EQ(entry.index(), offset_ + size()) << "unstable log gap";
  entries_.PushSlot() = std::move(entry);
}

raftpb::Entry& UnstableLog::AppendSlot() { return entries_.PushSlot(); }

void UnstableLog::PersistedTo(uint64_t index, uint64_t term) {
  const std::optional<uint64_t> held_term = MaybeTerm(index);
  if (!held_term.has_value() || *held_term != term) return;
  if (index < offset_) return;  // the snapshot's index
  persisted_index_ = std::max(persisted_index_, index);
}

void UnstableLog::SnapshotPersisted(uint64_t index) {
  if (snapshot_ != nullptr && snapshot_->metadata().index() == index) {
    snapshot_.reset();
  }
}

void UnstableLog::ReleaseTo(uint64_t index) {
  const uint64_t release_to = std::min(index, persisted_index_);
  if (release_to < offset_) return;
  const uint64_t count = std::min<uint64_t>(release_to + 1 - offset_, size());
  entries_.PopFront(count);
  offset_ += count;
}

void UnstableLog::Restore(raftpb::Snapshot snapshot) {
  const uint64_t index = snapshot.metadata().index();
  entries_.Clear();
  offset_ = index + 1;
  persisted_index_ = index;
  snapshot_ = std::make_unique<raftpb::Snapshot>(std::move(snapshot));
}

}  // namespace ekv::raft
