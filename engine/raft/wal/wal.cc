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
  if (!absl::ConsumePrefix(&name, prefix) ||
      !absl::ConsumePrefix(&name, stem) ||
      !absl::ConsumeSuffix(&name, suffix) || name.size() != 16) {
    return std::nullopt;
  }
  uint64_t value = 0;
  if (!absl::SimpleHexAtoi(name, &value)) return std::nullopt;
  return value;
}

// A whole file as a clean read shows it, or as two reads agree on it (a
// read may return a damaged sector that the disk does not hold).
absl::Status ReadConsistently(Disk* disk, const std::string& name,
                              std::string* data, uint64_t* damaged_reads) {
  std::vector<std::string> seen;
  for (int i = 0; i < Wal::kReadAttempts; ++i) {
    EKV_ASSIGN_OR_RETURN(std::string attempt, ReadWholeFile(*disk, name));
    ReadResult result;
    ReadRecords(attempt, &result);
    const bool agrees =
        std::find(seen.begin(), seen.end(), attempt) != seen.end();
    if (result.clean() || agrees) {
      // Damaged: the reads that differ from the one accepted. A torn tail
      // reads the same every time: it is no damaged read.
      for (const std::string& earlier : seen) {
        if (earlier != attempt) ++*damaged_reads;
      }
      *data = std::move(attempt);
      return absl::OkStatus();
    }
    seen.push_back(std::move(attempt));
  }
  *damaged_reads += seen.size();
  return IoError(absl::StrCat(name, ": ", Wal::kReadAttempts,
                              " reads disagree; retry later"));
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

// Replays one segment; returns where a torn tail starts, if it has one.
absl::StatusOr<std::optional<uint64_t>> ReplaySegment(const std::string& name,
                                                      const std::string& data,
                                                      Replay& replay) {
  ReadResult result;
  ReadRecords(data, &result);
  if (!result.damage.empty()) {
    return CorruptionError(absl::StrCat(
        name, ": damaged record at offset ", result.damage[0].offset,
        " is followed by a valid one at ", result.damage[0].resumed_at));
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
  return result.torn_tail_offset;
}

absl::Status ReadSnapshotFile(Disk* disk, const std::string& name,
                              const raftpb::SnapshotMetadata& expected,
                              raftpb::Snapshot* snapshot,
                              uint64_t* damaged_reads) {
  std::string data;
  const absl::Status read = ReadConsistently(disk, name, &data, damaged_reads);
  if (absl::IsNotFound(read)) {
    return CorruptionError(absl::StrCat(name, ": snapshot file missing"));
  }
  EKV_RETURN_IF_ERROR(read);
  ReadResult result;
  ReadRecords(data, &result);
  if (!result.clean() || result.records.size() != 1 ||
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
         uint64_t segment_bytes)
    : disk_(disk),
      prefix_(std::move(prefix)),
      segment_seq_(segment_seq),
      confirmed_bytes_(segment_bytes),
      needs_dir_sync_(segment_bytes == 0) {}

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
  Recovered& state = replay.state();
  std::optional<uint64_t> torn_offset;
  uint64_t last_size = 0;
  for (const auto& [seq, name] : segments) {
    std::string data;
    EKV_RETURN_IF_ERROR(
        ReadConsistently(disk, name, &data, &state.damaged_reads));
    EKV_ASSIGN_OR_RETURN(const std::optional<uint64_t> torn,
                         ReplaySegment(name, data, replay));
    if (seq != segments.rbegin()->first) {
      if (torn.has_value()) {
        return CorruptionError(absl::StrCat(name, ": damaged record at offset ",
                                            *torn,
                                            " ends a segment that was "
                                            "complete"));
      }
      continue;
    }
    torn_offset = torn;
    last_size = data.size();
  }
  const raftpb::SnapshotMetadata meta = state.snapshot.metadata();
  const uint64_t seq = segments.empty() ? 1 : segments.rbegin()->first;
  auto wal = std::unique_ptr<Wal>(
      new Wal(disk, std::move(prefix), seq, torn_offset.value_or(last_size)));
  if (meta.index() > 0) {
    EKV_RETURN_IF_ERROR(ReadSnapshotFile(disk, wal->SnapshotName(meta.index()),
                                         meta, &state.snapshot,
                                         &state.damaged_reads));
  }
  // Recovery succeeded: now repair what a crash left behind.
  if (torn_offset.has_value()) {
    wal->needs_repair_ = true;
    EKV_RETURN_IF_ERROR(wal->Repair());
    state.torn_tail_bytes = last_size - *torn_offset;
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

absl::Status Wal::Repair() {
  if (!needs_repair_) return absl::OkStatus();
  const std::string name = SegmentName(segment_seq_);
  const absl::StatusOr<uint64_t> size = disk_->Size(name);
  if (absl::IsNotFound(size.status()) && confirmed_bytes_ == 0) {
    needs_repair_ = false;
    needs_dir_sync_ = true;
    return absl::OkStatus();
  }
  EKV_RETURN_IF_ERROR(size.status());
  if (*size < confirmed_bytes_) {
    return CorruptionError(absl::StrCat(name, ": ", *size,
                                        " bytes, shorter than the ",
                                        confirmed_bytes_, " confirmed"));
  }
  ++stats_.repairs;
  EKV_RETURN_IF_ERROR(disk_->Truncate(name, confirmed_bytes_));
  absl::Status synced;
  for (int i = 0; i < kWriteAttempts; ++i) {
    synced = disk_->Sync(name);
    if (synced.ok()) break;
  }
  EKV_RETURN_IF_ERROR(synced);
  needs_repair_ = false;
  return absl::OkStatus();
}

bool Wal::ReadsBack(const std::string& name, uint64_t offset,
                    const std::string& bytes) {
  for (int i = 0; i < kReadAttempts; ++i) {
    const absl::StatusOr<std::string> read =
        disk_->Read(name, offset, bytes.size());
    if (read.ok() && *read == bytes) return true;
  }
  return false;
}

absl::Status Wal::SyncDirWithRetries() {
  absl::Status status;
  for (int i = 0; i < kWriteAttempts; ++i) {
    status = disk_->SyncDir();
    if (status.ok()) return status;
  }
  return status;
}

// One attempt: the record appended, synced, its name made durable if new,
// and read back. Fails fast on errors retrying cannot help (a full disk).
absl::Status Wal::AttemptAppend(const std::string& name,
                                const std::string& record, bool retry) {
  needs_repair_ = true;  // until confirmed
  if (retry) {
    ++stats_.retries;
    EKV_RETURN_IF_ERROR(disk_->Truncate(name, confirmed_bytes_));
  }
  EKV_RETURN_IF_ERROR(disk_->Append(name, record));
  if (absl::Status synced = disk_->Sync(name); !synced.ok()) {
    ++stats_.sync_failures;
    return synced;
  }
  if (needs_dir_sync_) {
    EKV_RETURN_IF_ERROR(SyncDirWithRetries());
    needs_dir_sync_ = false;
  }
  if (!ReadsBack(name, confirmed_bytes_, record)) {
    ++stats_.damaged_read_backs;
    return IoError(absl::StrCat(name, ": record at offset ", confirmed_bytes_,
                                " reads back damaged"));
  }
  confirmed_bytes_ += record.size();
  needs_repair_ = false;
  return absl::OkStatus();
}

absl::Status Wal::AppendConfirmed(const std::string& record) {
  EKV_RETURN_IF_ERROR(Repair());
  const std::string name = SegmentName(segment_seq_);
  absl::Status status;
  for (int attempt = 0; attempt < kWriteAttempts; ++attempt) {
    status = AttemptAppend(name, record, attempt > 0);
    if (status.ok() || IsErrorKind(status, ErrorKind::kDiskFull)) break;
  }
  return status;
}

absl::Status Wal::Write(const raftpb::WalBatch& batch) {
  ++stats_.writes;
  std::string record;
  AppendRecord(RecordType::kWalBatch, batch.SerializeAsString(), &record);
  return AppendConfirmed(record);
}

absl::Status Wal::WriteSnapshotFile(const raftpb::Snapshot& snapshot) {
  const std::string name = SnapshotName(snapshot.metadata().index());
  const std::string temp = absl::StrCat(name, kTempSuffix);
  std::string record;
  AppendRecord(RecordType::kSnapshot, snapshot.SerializeAsString(), &record);
  absl::Status status;
  for (int attempt = 0; attempt < kWriteAttempts; ++attempt) {
    EKV_RETURN_IF_ERROR(disk_->Remove(temp));
    EKV_RETURN_IF_ERROR(disk_->Append(temp, record));
    status = disk_->Sync(temp);
    if (!status.ok()) {
      ++stats_.sync_failures;
      continue;
    }
    if (!ReadsBack(temp, 0, record)) {
      ++stats_.damaged_read_backs;
      status = IoError(absl::StrCat(temp, ": reads back damaged"));
      continue;
    }
    EKV_RETURN_IF_ERROR(disk_->Rename(temp, name));
    return SyncDirWithRetries();
  }
  return status;
}

absl::Status Wal::SaveSnapshot(const raftpb::Snapshot& snapshot,
                               const raftpb::HardState& hard_state,
                               absl::Span<const raftpb::Entry> entries_after) {
  EKV_RETURN_IF_ERROR(Repair());
  EKV_RETURN_IF_ERROR(WriteSnapshotFile(snapshot));
  raftpb::WalBatch batch;
  *batch.mutable_snapshot() = snapshot.metadata();
  *batch.mutable_hard_state() = hard_state;
  for (const raftpb::Entry& entry : entries_after) *batch.add_entries() = entry;
  std::string record;
  AppendRecord(RecordType::kWalBatch, batch.SerializeAsString(), &record);
  // From here on the new segment is current. If the write fails, it stays
  // current but empty after repair, and writes go on into it; the snapshot
  // file is unreferenced until a later SaveSnapshot succeeds.
  const uint64_t seq = segment_seq_ + 1;
  EKV_RETURN_IF_ERROR(disk_->Remove(SegmentName(seq)));
  segment_seq_ = seq;
  confirmed_bytes_ = 0;
  needs_dir_sync_ = true;
  ++stats_.writes;
  EKV_RETURN_IF_ERROR(AppendConfirmed(record));
  // Leftovers only cost space; they are removed by the next snapshot.
  (void)RemoveSuperseded(seq, snapshot.metadata().index());
  return absl::OkStatus();
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
  return removed ? SyncDirWithRetries() : absl::OkStatus();
}

}  // namespace ekv::raft::wal
