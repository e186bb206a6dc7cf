#include "engine/raft/log_unstable.h"

#include <algorithm>
#include <utility>

#include "engine/base/check.h"

namespace ekv::raft {
namespace {

// Released entries are erased once there are this many and they are at least
// half of the vector: amortized O(1) per entry.
constexpr size_t kEraseReleasedEntriesMin = 64;

}  // namespace

std::optional<uint64_t> UnstableLog::MaybeFirstIndex() const {
  if (snapshot_ != nullptr) return snapshot_->metadata().index() + 1;
  return std::nullopt;
}

std::optional<uint64_t> UnstableLog::MaybeLastIndex() const {
  if (size() > 0) return offset_ + size() - 1;
  if (snapshot_ != nullptr) return snapshot_->metadata().index();
  return std::nullopt;
}

std::optional<uint64_t> UnstableLog::MaybeTerm(uint64_t index) const {
  if (index < offset_) {
    if (snapshot_ != nullptr && snapshot_->metadata().index() == index) {
      return snapshot_->metadata().term();
    }
    return std::nullopt;
  }
  if (index - offset_ >= size()) return std::nullopt;
  return At(index).term();
}

absl::Span<const raftpb::Entry> UnstableLog::UnpersistedEntries() const {
  return Slice(persisted_index_ + 1, offset_ + size());
}

absl::Span<const raftpb::Entry> UnstableLog::Slice(uint64_t lo,
                                                   uint64_t hi) const {
  EKV_CHECK_LE(offset_, lo);
  EKV_CHECK_LE(lo, hi);
  EKV_CHECK_LE(hi, offset_ + size());
  return absl::MakeConstSpan(entries_.data() + head_ + (lo - offset_), hi - lo);
}

void UnstableLog::TruncateAfter(uint64_t index) {
  if (index + 1 <= offset_) {
    // Everything held is replaced; the new entries start before or at the
    // current offset, right after Storage's (possibly stale) entries.
    entries_.clear();
    head_ = 0;
    offset_ = index + 1;
  } else {
    entries_.resize(head_ + (index + 1 - offset_));
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
  entries_.push_back(std::move(entry));
}

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
  head_ += count;
  offset_ += count;
  if (head_ >= kEraseReleasedEntriesMin && head_ * 2 >= entries_.size()) {
    entries_.erase(entries_.begin(),
                   entries_.begin() + static_cast<std::ptrdiff_t>(head_));
    head_ = 0;
  }
}

void UnstableLog::Restore(raftpb::Snapshot snapshot) {
  const uint64_t index = snapshot.metadata().index();
  entries_.clear();
  head_ = 0;
  offset_ = index + 1;
  persisted_index_ = index;
  snapshot_ = std::make_unique<raftpb::Snapshot>(std::move(snapshot));
}

}  // namespace ekv::raft
