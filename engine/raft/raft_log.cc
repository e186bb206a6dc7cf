#include "engine/raft/raft_log.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "engine/base/check.h"

namespace ekv::raft {

RaftLog::RaftLog(const Storage* storage, uint64_t max_committed_bytes_per_ready)
    : storage_(storage),
      unstable_(storage->LastIndex()),
      max_committed_bytes_per_ready_(max_committed_bytes_per_ready) {}

void RaftLog::Init(uint64_t committed, uint64_t applied) {
  EKV_CHECK_LE(committed, LastIndex()) << "hard state commits a missing entry";
  applied = std::max(applied, FirstIndex() - 1);
  EKV_CHECK_LE(applied, std::max(committed, FirstIndex() - 1));
  committed_ = std::max(committed, applied);
  applied_ = applied;
}

uint64_t RaftLog::LastTerm() const {
  const absl::StatusOr<uint64_t> term = Term(LastIndex());
  EKV_CHECK(term.ok()) << "no term for the last index: " << term.status();
  return *term;
}

absl::StatusOr<uint64_t> RaftLog::Term(uint64_t index) const {
  const uint64_t first = FirstIndex();
  if (index + 1 < first) return CompactedIndexError(index, first);
  if (index > LastIndex()) {
    return absl::OutOfRangeError(
        absl::StrCat("raft: index ", index, " beyond last ", LastIndex()));
  }
  if (auto term = unstable_.MaybeTerm(index)) return *term;
  return storage_->Term(index);
}

std::optional<uint64_t> RaftLog::TermIfKnown(uint64_t index) const {
  if (index + 1 < FirstIndex() || index > LastIndex()) return std::nullopt;
  if (auto term = unstable_.MaybeTerm(index)) return *term;
  return storage_->TermIfHeld(index);
}

uint64_t RaftLog::TermOrZero(uint64_t index) const {
  return TermIfKnown(index).value_or(0);
}

bool RaftLog::MatchTerm(uint64_t index, uint64_t term) const {
  const std::optional<uint64_t> actual = TermIfKnown(index);
  return actual.has_value() && *actual == term;
}

bool RaftLog::IsUpToDate(uint64_t last_index, uint64_t term) const {
  const uint64_t last_term = LastTerm();
  return term > last_term || (term == last_term && last_index >= LastIndex());
}

uint64_t RaftLog::FindConflict(
    const google::protobuf::RepeatedPtrField<raftpb::Entry>& entries) const {
  for (const raftpb::Entry& entry : entries) {
    if (!MatchTerm(entry.index(), entry.term())) return entry.index();
  }
  return 0;
}

std::optional<uint64_t> RaftLog::MaybeAppend(
    uint64_t index, uint64_t log_term, uint64_t committed,
    google::protobuf::RepeatedPtrField<raftpb::Entry>* entries) {
  if (!MatchTerm(index, log_term)) return std::nullopt;
  const uint64_t last_new = index + static_cast<uint64_t>(entries->size());
  const uint64_t conflict = FindConflict(*entries);
  if (conflict != 0) {
    EKV_CHECK_GT(conflict, committed_) << "conflict with a committed entry";
    std::vector<raftpb::Entry> tail;
    tail.reserve(static_cast<size_t>(last_new - conflict + 1));
    for (auto& entry : *entries) {
      if (entry.index() >= conflict) tail.push_back(std::move(entry));
    }
    unstable_.TruncateAndAppend(std::move(tail));
  }
  CommitTo(std::min(committed, last_new));
  return last_new;
}

std::pair<uint64_t, uint64_t> RaftLog::FindConflictByTerm(uint64_t index,
                                                          uint64_t term) const {
  index = std::min(index, LastIndex());
  for (; index > 0; --index) {
    const absl::StatusOr<uint64_t> actual = Term(index);
    if (!actual.ok()) return {index, 0};
    if (*actual <= term) return {index, *actual};
  }
  return {0, 0};
}

bool RaftLog::MaybeCommit(uint64_t index, uint64_t term) {
  if (index <= committed_ || TermOrZero(index) != term) return false;
  CommitTo(index);
  return true;
}

void RaftLog::CommitTo(uint64_t index) {
  if (index <= committed_) return;
  EKV_CHECK_LE(index, LastIndex()) << "commit beyond the log";
  committed_ = index;
}

void RaftLog::AppliedTo(uint64_t index) {
  if (index <= applied_) return;
  EKV_CHECK_LE(index, committed_) << "applying an uncommitted entry";
  applied_ = index;
  unstable_.ReleaseTo(index);
}

void RaftLog::CollectEntries(uint64_t lo, uint64_t hi, uint64_t max_bytes,
                             std::vector<raftpb::Entry>* out) const {
  const size_t start = out->size();
  const uint64_t stored_hi = std::min(hi, unstable_.offset());
  if (lo < stored_hi) {
    const absl::Status status =
        storage_->Entries(lo, stored_hi, max_bytes, out);
    EKV_CHECK(status.ok()) << "storage lost entries: " << status;
    if (out->size() - start < stored_hi - lo) return;  // byte limit reached
  }
  uint64_t bytes = 0;
  for (size_t i = start; i < out->size(); ++i) bytes += EntryBytes((*out)[i]);
  const uint64_t held_lo = std::max(lo, unstable_.offset());
  if (held_lo >= hi) return;
  for (const raftpb::Entry& entry : unstable_.Slice(held_lo, hi)) {
    bytes += EntryBytes(entry);
    if (out->size() > start && bytes > max_bytes) return;
    out->push_back(entry);
  }
}

absl::Status RaftLog::AppendEntriesTo(
    uint64_t lo, uint64_t max_bytes,
    google::protobuf::RepeatedPtrField<raftpb::Entry>* out) const {
  const uint64_t first = FirstIndex();
  if (lo < first) return CompactedIndexError(lo, first);
  const uint64_t hi = LastIndex() + 1;
  if (lo >= hi) return absl::OkStatus();
  scratch_.clear();
  CollectEntries(lo, hi, max_bytes, &scratch_);
  out->Reserve(static_cast<int>(scratch_.size()));
  for (raftpb::Entry& entry : scratch_) *out->Add() = std::move(entry);
  scratch_.clear();
  return absl::OkStatus();
}

absl::Span<const raftpb::Entry> RaftLog::NextCommittedEntries(
    std::vector<raftpb::Entry>* scratch) const {
  const uint64_t lo = applied_ + 1;
  const uint64_t hi = committed_ + 1;
  if (lo >= hi) return {};
  if (lo >= unstable_.offset()) {
    const absl::Span<const raftpb::Entry> held = unstable_.Slice(lo, hi);
    uint64_t bytes = 0;
    size_t count = 0;
    while (count < held.size()) {
      bytes += EntryBytes(held[count]);
      if (count > 0 && bytes > max_committed_bytes_per_ready_) break;
      ++count;
    }
    return held.subspan(0, count);
  }
  scratch->clear();
  CollectEntries(lo, hi, max_committed_bytes_per_ready_, scratch);
  return absl::MakeConstSpan(*scratch);
}

void RaftLog::Restore(raftpb::Snapshot snapshot) {
  committed_ = snapshot.metadata().index();
  unstable_.Restore(std::move(snapshot));
}

absl::StatusOr<std::shared_ptr<const raftpb::Snapshot>> RaftLog::Snapshot()
    const {
  if (const raftpb::Snapshot* pending = unstable_.snapshot()) {
    return std::make_shared<const raftpb::Snapshot>(*pending);
  }
  return storage_->Snapshot();
}

}  // namespace ekv::raft
