#include "engine/raft/wal/wal.h"

#include <algorithm>
#include <cinttypes>
#include <cstdio>
#include <map>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "engine/base/status.h"
#include "engine/raft/wal/record_reader.h"
#include "engine/raft/wal/record_writer.h"

namespace ekv::raft::wal {
namespace {

constexpr absl::string_view kSegmentStem = "wal-";
constexpr absl::string_view kSegmentSuffix = ".log";
constexpr absl::string_view kSnapshotStem = "snap-";
constexpr absl::string_view kSnapshotSuffix = ".snap";
constexpr absl::string_view kTempSuffix = ".tmp";

std::string Hex16(uint64_t value) {
  char buffer[17];
  std::snprintf(buffer, sizeof(buffer), "%016" PRIx64, value);
  return buffer;
}

// The number in `name` = prefix + stem + 16 hex digits + suffix.
std::optional<uint64_t> ParseName(absl::string_view name,
                                  absl::string_view prefix,
                                  absl::string_view stem,
                                  absl::string_view suffix) {
  if (!absl::StartsWith(name, prefix)) return std::nullopt;
  name.remove_prefix(prefix.size());
  if (!absl::ConsumePrefix(&name, stem) ||
      !absl::ConsumeSuffix(&name, suffix) || name.size() != 16) {
    return std::nullopt;
  }
  uint64_t value = 0;
  if (!absl::SimpleHexAtoi(name, &value)) return std::nullopt;
  return value;
}

// Replays batches into a log state.
class Replay {
 public:
  absl::Status Apply(absl::string_view file, const raftpb::WalBatch& batch);
  Recovered& state() { return state_; }

 private:
  uint64_t snapshot_index() const { return state_.snapshot.metadata().index(); }
  void ApplySnapshotMarker(const raftpb::SnapshotMetadata& meta);

  Recovered state_;
};

void Replay::ApplySnapshotMarker(const raftpb::SnapshotMetadata& meta) {
  if (meta.index() < snapshot_index()) return;
  // A snapshot made from this log keeps the entries after it; one installed
  // from a leader replaced a log that did not hold its last entry.
  const uint64_t base = snapshot_index() + 1;
  const bool holds = meta.index() >= base &&
                     meta.index() - base < state_.entries.size() &&
                     state_.entries[meta.index() - base].term() == meta.term();
  if (holds) {
    state_.entries.erase(
        state_.entries.begin(),
        state_.entries.begin() + static_cast<long>(meta.index() - base + 1));
  } else if (meta.index() != snapshot_index() ||
             meta.term() != state_.snapshot.metadata().term()) {
    state_.entries.clear();
  }
  *state_.snapshot.mutable_metadata() = meta;
}

absl::Status Replay::Apply(absl::string_view file,
                           const raftpb::WalBatch& batch) {
  if (batch.has_snapshot()) ApplySnapshotMarker(batch.snapshot());
  for (const raftpb::Entry& entry : batch.entries()) {
    const uint64_t base = snapshot_index() + 1;
    if (entry.index() < base) continue;  // covered by the snapshot
    if (entry.index() - base > state_.entries.size()) {
      return CorruptionError(absl::StrCat(file, ": entry ", entry.index(),
                                          " leaves a gap after ",
                                          base - 1 + state_.entries.size()));
    }
    state_.entries.resize(entry.index() - base);
    state_.entries.push_back(entry);
  }
  if (batch.has_hard_state()) state_.hard_state = batch.hard_state();
  return absl::OkStatus();
}

absl::Status ReadSnapshotFile(Disk* disk, const std::string& name,
                              const raftpb::SnapshotMetadata& expected,
                              raftpb::Snapshot* snapshot) {
  absl::StatusOr<std::string> data = ReadWholeFile(*disk, name);
  if (absl::IsNotFound(data.status())) {
    return CorruptionError(absl::StrCat(name, ": snapshot file missing"));
  }
  if (!data.ok()) return data.status();
  ReadResult result;
  EKV_RETURN_IF_ERROR(ReadRecords(name, *data, &result));
  if (result.torn_tail_offset.has_value() || result.records.size() != 1 ||
      result.records[0].type != RecordType::kSnapshot ||
      !snapshot->ParseFromString(std::string(result.records[0].payload))) {
    return CorruptionError(absl::StrCat(name, ": damaged snapshot file"));
  }
  if (snapshot->metadata().index() != expected.index() ||
      snapshot->metadata().term() != expected.term()) {
    return CorruptionError(
        absl::StrCat(name, ": snapshot is not the one the log names"));
  }
  return absl::OkStatus();
}

}  // namespace

Wal::Wal(Disk* disk, std::string prefix, uint64_t segment_seq,
         uint64_t segment_bytes, uint64_t snapshot_index)
    : disk_(disk),
      prefix_(std::move(prefix)),
      segment_seq_(segment_seq),
      segment_bytes_(segment_bytes),
      snapshot_index_(snapshot_index) {}

std::string Wal::SegmentName(uint64_t seq) const {
  return absl::StrCat(prefix_, kSegmentStem, Hex16(seq), kSegmentSuffix);
}

std::string Wal::SnapshotName(uint64_t index) const {
  return absl::StrCat(prefix_, kSnapshotStem, Hex16(index), kSnapshotSuffix);
}

absl::StatusOr<std::unique_ptr<Wal>> Wal::Open(Disk* disk, std::string prefix,
                                               Recovered* recovered) {
  EKV_ASSIGN_OR_RETURN(const std::vector<std::string> names, disk->List());
  std::map<uint64_t, std::string> segments;  // ordered by sequence
  std::vector<std::string> temporaries;
  for (const std::string& name : names) {
    if (auto seq = ParseName(name, prefix, kSegmentStem, kSegmentSuffix)) {
      segments[*seq] = name;
    } else if (absl::StartsWith(name, prefix) &&
               absl::EndsWith(name, kTempSuffix)) {
      temporaries.push_back(name);
    }
  }
  Replay replay;
  std::optional<uint64_t> torn_offset;
  uint64_t last_size = 0;
  for (const auto& [seq, name] : segments) {
    EKV_ASSIGN_OR_RETURN(const std::string data, ReadWholeFile(*disk, name));
    ReadResult result;
    EKV_RETURN_IF_ERROR(ReadRecords(name, data, &result));
    const bool last = seq == segments.rbegin()->first;
    if (result.torn_tail_offset.has_value() && !last) {
      return CorruptionError(absl::StrCat(name, ": damaged record at offset ",
                                          *result.torn_tail_offset,
                                          " of a segment that was complete"));
    }
    for (const Record& record : result.records) {
      raftpb::WalBatch batch;
      if (record.type != RecordType::kWalBatch ||
          !batch.ParseFromString(std::string(record.payload))) {
        return CorruptionError(absl::StrCat(name, ": record at offset ",
                                            record.offset, " is no WalBatch"));
      }
      EKV_RETURN_IF_ERROR(replay.Apply(name, batch));
    }
    if (last) {
      torn_offset = result.torn_tail_offset;
      last_size = data.size();
    }
  }
  Recovered& state = replay.state();
  const raftpb::SnapshotMetadata meta = state.snapshot.metadata();
  auto wal = std::unique_ptr<Wal>(new Wal(
      disk, std::move(prefix), segments.empty() ? 1 : segments.rbegin()->first,
      last_size, meta.index()));
  if (meta.index() > 0) {
    EKV_RETURN_IF_ERROR(ReadSnapshotFile(disk, wal->SnapshotName(meta.index()),
                                         meta, &state.snapshot));
  }
  // Recovery succeeded: now repair what a crash left behind.
  if (torn_offset.has_value()) {
    const std::string& name = segments.rbegin()->second;
    EKV_RETURN_IF_ERROR(disk->Truncate(name, *torn_offset));
    EKV_RETURN_IF_ERROR(disk->Sync(name));
    state.torn_tail_bytes = last_size - *torn_offset;
    wal->segment_bytes_ = *torn_offset;
  }
  for (const std::string& name : temporaries) {
    EKV_RETURN_IF_ERROR(disk->Remove(name));
  }
  const raftpb::HardState& hs = state.hard_state;
  state.existed = !state.entries.empty() || meta.index() > 0 ||
                  hs.term() != 0 || hs.vote() != 0 || hs.commit() != 0;
  *recovered = std::move(state);
  return wal;
}

absl::Status Wal::Append(const raftpb::WalBatch& batch) {
  std::string record;
  AppendRecord(RecordType::kWalBatch, batch.SerializeAsString(), &record);
  const bool creates_file = segment_bytes_ == 0;
  EKV_RETURN_IF_ERROR(disk_->Append(SegmentName(segment_seq_), record));
  segment_bytes_ += record.size();
  if (creates_file) needs_dir_sync_ = true;
  return absl::OkStatus();
}

absl::Status Wal::Sync() {
  if (segment_bytes_ == 0) return absl::OkStatus();
  EKV_RETURN_IF_ERROR(disk_->Sync(SegmentName(segment_seq_)));
  if (needs_dir_sync_) {
    EKV_RETURN_IF_ERROR(disk_->SyncDir());
    needs_dir_sync_ = false;
  }
  return absl::OkStatus();
}

absl::Status Wal::WriteSnapshotFile(const raftpb::Snapshot& snapshot) {
  const std::string name = SnapshotName(snapshot.metadata().index());
  const std::string temp = absl::StrCat(name, kTempSuffix);
  std::string record;
  AppendRecord(RecordType::kSnapshot, snapshot.SerializeAsString(), &record);
  EKV_RETURN_IF_ERROR(disk_->Remove(temp));
  EKV_RETURN_IF_ERROR(disk_->Append(temp, record));
  EKV_RETURN_IF_ERROR(disk_->Sync(temp));
  EKV_RETURN_IF_ERROR(disk_->Rename(temp, name));
  return disk_->SyncDir();
}

absl::Status Wal::SaveSnapshot(const raftpb::Snapshot& snapshot,
                               const raftpb::HardState& hard_state,
                               absl::Span<const raftpb::Entry> entries_after) {
  EKV_RETURN_IF_ERROR(WriteSnapshotFile(snapshot));
  raftpb::WalBatch batch;
  *batch.mutable_snapshot() = snapshot.metadata();
  *batch.mutable_hard_state() = hard_state;
  for (const raftpb::Entry& entry : entries_after) *batch.add_entries() = entry;
  const uint64_t seq = segment_seq_ + 1;
  std::string record;
  AppendRecord(RecordType::kWalBatch, batch.SerializeAsString(), &record);
  EKV_RETURN_IF_ERROR(disk_->Remove(SegmentName(seq)));
  EKV_RETURN_IF_ERROR(disk_->Append(SegmentName(seq), record));
  EKV_RETURN_IF_ERROR(disk_->Sync(SegmentName(seq)));
  EKV_RETURN_IF_ERROR(disk_->SyncDir());
  segment_seq_ = seq;
  segment_bytes_ = record.size();
  needs_dir_sync_ = false;
  snapshot_index_ = snapshot.metadata().index();
  return RemoveSuperseded(seq, snapshot_index_);
}

absl::Status Wal::RemoveSuperseded(uint64_t keep_segment_seq,
                                   uint64_t keep_snapshot_index) {
  EKV_ASSIGN_OR_RETURN(const std::vector<std::string> names, disk_->List());
  bool removed = false;
  for (const std::string& name : names) {
    const auto seq = ParseName(name, prefix_, kSegmentStem, kSegmentSuffix);
    const auto index = ParseName(name, prefix_, kSnapshotStem, kSnapshotSuffix);
    if ((seq.has_value() && *seq < keep_segment_seq) ||
        (index.has_value() && *index != keep_snapshot_index)) {
      EKV_RETURN_IF_ERROR(disk_->Remove(name));
      removed = true;
    }
  }
  return removed ? disk_->SyncDir() : absl::OkStatus();
}

}  // namespace ekv::raft::wal
