#include "disk/sim_disk.h"

#include <algorithm>
#include <iterator>
#include <set>
#include <utility>

#include "absl/strings/str_cat.h"
#include "engine/base/check.h"
#include "engine/base/status.h"
#include "xxhash.h"

namespace ekv {

using sim::TraceKind;

SimDisk::SimDisk(uint32_t owner, Random random, const DiskOptions& options,
                 sim::Trace* trace, const sim::Scheduler* scheduler,
                 std::function<void(int64_t)> charge_latency)
    : owner_(owner),
      random_(random),
      options_(options),
      trace_(trace),
      scheduler_(scheduler),
      charge_latency_(std::move(charge_latency)) {}

void SimDisk::Begin(DiskOp op, absl::string_view name, uint64_t size) {
  ++stats_.operations;
  const int64_t now = scheduler_->now_ns();
  trace_->Fold(TraceKind::kDisk, now,
               (uint64_t{owner_} << 32) | static_cast<uint32_t>(op),
               XXH3_64bits(name.data(), name.size()), size);
  if (trace_->logging()) {
    trace_->Log(now,
                absl::StrCat("disk ", owner_, " op=", static_cast<uint32_t>(op),
                             " ", name, " size=", size));
  }
  if (options_.disk_latency_ns_max > 0 && charge_latency_) {
    charge_latency_(random_.UniformRange(0, options_.disk_latency_ns_max));
  }
}

absl::Status SimDisk::PowerLostError() const {
  return IoError(absl::StrCat("disk of node ", owner_,
                              ": the power failed during a write"));
}

void SimDisk::CutPowerAtNextAppend(std::function<void()> on_power_cut) {
  EKV_CHECK(on_power_cut != nullptr);
  if (!powered_off_) on_power_cut_ = std::move(on_power_cut);
}

SimDisk::File* SimDisk::Find(absl::string_view name) {
  auto it = dir_.find(name);
  if (it == dir_.end()) return nullptr;
  return &files_.at(it->second);
}

absl::StatusOr<std::vector<std::string>> SimDisk::List() {
  Begin(DiskOp::kList, "", 0);
  if (powered_off_) return PowerLostError();
  std::vector<std::string> names;
  names.reserve(dir_.size());
  for (const auto& [name, file] : dir_) names.push_back(name);
  return names;
}

absl::StatusOr<uint64_t> SimDisk::Size(absl::string_view name) {
  Begin(DiskOp::kSize, name, 0);
  if (powered_off_) return PowerLostError();
  const File* file = Find(name);
  if (file == nullptr) return absl::NotFoundError(absl::StrCat(name));
  return file->current.size();
}

absl::StatusOr<std::string> SimDisk::Read(absl::string_view name,
                                          uint64_t offset, uint64_t length) {
  std::string out;
  EKV_RETURN_IF_ERROR(ReadInto(name, offset, length, &out));
  return out;
}

absl::Status SimDisk::ReadInto(absl::string_view name, uint64_t offset,
                               uint64_t length, std::string* out) {
  Begin(DiskOp::kRead, name, length);
  if (powered_off_) return PowerLostError();
  const File* file = Find(name);
  if (file == nullptr) return absl::NotFoundError(absl::StrCat(name));
  out->clear();
  if (offset >= file->current.size()) return absl::OkStatus();
  out->append(file->current, offset, length);
  if (corruptible_ && !out->empty() &&
      random_.Bernoulli(options_.disk_corrupt_read_rate)) {
    ++stats_.corrupt_reads;
    CorruptSector(absl::MakeSpan(*out), offset);
  }
  return absl::OkStatus();
}

absl::Status SimDisk::Append(absl::string_view name, absl::string_view data) {
  Begin(DiskOp::kAppend, name, data.size());
  if (powered_off_) return PowerLostError();
  if (full_ || used_bytes_ + data.size() >
                   static_cast<uint64_t>(options_.disk_capacity_bytes)) {
    ++stats_.full_refusals;
    return DiskFullError(absl::StrCat("appending ", data.size(), " bytes to ",
                                      name, ": no space left"));
  }
  File* file = Find(name);
  if (file == nullptr) {
    const uint64_t id = next_file_++;
    file = &files_[id];
    dir_.emplace(std::string(name), id);
    unsynced_dir_.push_back(DirOp{DirOp::kCreate, std::string(name), "", id});
  }
  FileOp op{true, data.size(), file->current.size(), ""};
  file->current.append(data.data(), data.size());
  if (corruptible_ && !data.empty() &&
      random_.Bernoulli(options_.disk_corrupt_write_rate)) {
    ++stats_.corrupt_writes;
    CorruptSector(absl::MakeSpan(file->current).subspan(op.offset), op.offset);
  }
  if (file->copied) op.data = file->current.substr(op.offset, op.size);
  file->unsynced.push_back(std::move(op));
  used_bytes_ += data.size();
  if (on_power_cut_) {
    // The power fails while this write is on its way to the platter.
    powered_off_ = true;
    power_cut_file_ = dir_.at(std::string(name));
    std::function<void()> on_power_cut = std::move(on_power_cut_);
    on_power_cut_ = nullptr;
    on_power_cut();
    return PowerLostError();
  }
  return absl::OkStatus();
}

absl::Status SimDisk::Truncate(absl::string_view name, uint64_t size) {
  Begin(DiskOp::kTruncate, name, size);
  if (powered_off_) return PowerLostError();
  File* file = Find(name);
  if (file == nullptr) return absl::NotFoundError(absl::StrCat(name));
  if (size > file->current.size()) {
    return absl::InvalidArgumentError(absl::StrCat("truncating ", name, " to ",
                                                   size, " bytes, beyond its ",
                                                   file->current.size()));
  }
  CopyOut(*file);
  used_bytes_ -= file->current.size() - size;
  file->current.resize(size);
  file->unsynced.push_back(FileOp{false, size, 0, ""});
  return absl::OkStatus();
}

absl::Status SimDisk::Sync(absl::string_view name) {
  Begin(DiskOp::kSync, name, 0);
  if (powered_off_) return PowerLostError();
  File* file = Find(name);
  if (file == nullptr) return absl::NotFoundError(absl::StrCat(name));
  if (random_.Bernoulli(options_.disk_sync_fail_rate)) {
    ++stats_.sync_failures;
    return IoError(absl::StrCat("fsync of ", name, " failed"));
  }
  // Replaying the changes since the last sync onto the synced content must
  // give the current one; the replay also checks the bookkeeping.
  uint64_t synced_size = SyncedView(*file).size();
  for (const FileOp& op : file->unsynced) {
    synced_size =
        op.append ? synced_size + op.size : std::min(op.size, synced_size);
  }
  EKV_CHECK_EQ(synced_size, file->current.size());
  AllSynced(*file);
  return absl::OkStatus();
}

absl::Status SimDisk::Rename(absl::string_view from, absl::string_view to) {
  Begin(DiskOp::kRename, from, 0);
  if (powered_off_) return PowerLostError();
  auto it = dir_.find(from);
  if (it == dir_.end()) return absl::NotFoundError(absl::StrCat(from));
  if (from == to) return absl::OkStatus();
  DirOp op{DirOp::kRename, std::string(from), std::string(to), it->second};
  ApplyDirOp(op, dir_);
  unsynced_dir_.push_back(std::move(op));
  CollectUnreferenced();
  return absl::OkStatus();
}

absl::Status SimDisk::Remove(absl::string_view name) {
  Begin(DiskOp::kRemove, name, 0);
  if (powered_off_) return PowerLostError();
  auto it = dir_.find(name);
  if (it == dir_.end()) return absl::OkStatus();
  DirOp op{DirOp::kRemove, std::string(name), "", it->second};
  ApplyDirOp(op, dir_);
  unsynced_dir_.push_back(std::move(op));
  CollectUnreferenced();
  return absl::OkStatus();
}

absl::Status SimDisk::SyncDir() {
  Begin(DiskOp::kSyncDir, "", 0);
  if (powered_off_) return PowerLostError();
  if (random_.Bernoulli(options_.disk_sync_fail_rate)) {
    ++stats_.sync_failures;
    return IoError("fsync of the directory failed");
  }
  synced_dir_ = dir_;
  unsynced_dir_.clear();
  CollectUnreferenced();
  return absl::OkStatus();
}

void SimDisk::ApplyDirOp(const DirOp& op, Directory& dir) {
  switch (op.kind) {
    case DirOp::kCreate:
      dir[op.name] = op.file;
      break;
    case DirOp::kRename:
      dir.erase(op.name);
      dir[op.to] = op.file;
      break;
    case DirOp::kRemove:
      dir.erase(op.name);
      break;
  }
}

// A file stays while a name in either directory (or a pending creation, which
// a crash could still keep) refers to it.
void SimDisk::CollectUnreferenced() {
  std::set<uint64_t> referenced;
  for (const auto& [name, id] : dir_) referenced.insert(id);
  for (const auto& [name, id] : synced_dir_) referenced.insert(id);
  for (const DirOp& op : unsynced_dir_) referenced.insert(op.file);
  for (auto it = files_.begin(); it != files_.end();) {
    it = referenced.count(it->first) == 0 ? files_.erase(it) : std::next(it);
  }
  // Space is charged to the files the directory names now, as on a real
  // file system once a name is removed.
  used_bytes_ = 0;
  for (const auto& [name, id] : dir_)
    used_bytes_ += files_.at(id).current.size();
}

// Changes 1 to 4 adjacent bytes inside one sector-aligned stretch of `bytes`,
// which sits at file offset `base_offset`. Each changed byte is XORed with a
// nonzero mask, so the data really differs.
void SimDisk::CorruptSector(absl::Span<char> bytes, uint64_t base_offset) {
  const uint64_t first_sector = base_offset / kSectorBytes;
  const uint64_t last_sector = (base_offset + bytes.size() - 1) / kSectorBytes;
  const uint64_t sector =
      first_sector + random_.Uniform(last_sector - first_sector + 1);
  const uint64_t begin =
      std::max(sector * kSectorBytes, base_offset) - base_offset;
  const uint64_t end =
      std::min((sector + 1) * kSectorBytes, base_offset + bytes.size()) -
      base_offset;
  // Distinct bytes, so two changes can never cancel each other out.
  const uint64_t flips =
      std::min<uint64_t>(1 + random_.Uniform(4), end - begin);
  const uint64_t first = begin + random_.Uniform(end - begin - flips + 1);
  for (uint64_t at = first; at < first + flips; ++at) {
    bytes[at] = static_cast<char>(bytes[at] ^ (1 + random_.Uniform(255)));
  }
}

void SimDisk::CrashFile(File& file, bool cut_in_last_append) {
  // A power cut during the last append: what was written before it may
  // survive, the append itself tears.
  const uint64_t kept = cut_in_last_append
                            ? file.unsynced.size() - 1
                            : random_.Uniform(file.unsynced.size() + 1);
  std::string content(SyncedView(file));
  for (uint64_t i = 0; i < kept; ++i) {
    const FileOp& op = file.unsynced[i];
    if (op.append) {
      const absl::string_view data = OpData(file, op);
      content.append(data.data(), data.size());
    } else {
      content.resize(std::min<uint64_t>(op.size, content.size()));
    }
  }
  stats_.crash_kept_ops += kept;
  stats_.crash_lost_ops += file.unsynced.size() - kept;
  if (kept < file.unsynced.size() && file.unsynced[kept].append &&
      file.unsynced[kept].size != 0 &&
      (cut_in_last_append ||
       random_.Bernoulli(options_.disk_torn_write_rate))) {
    const absl::string_view data = OpData(file, file.unsynced[kept]);
    const uint64_t prefix = random_.Uniform(data.size());
    content.append(data.data(), prefix);
    if (random_.OneIn(2)) {
      const uint64_t garbage = 1 + random_.Uniform(data.size() - prefix);
      for (uint64_t i = 0; i < garbage; ++i) {
        content.push_back(static_cast<char>(random_.Uniform(256)));
      }
    }
    ++stats_.crash_torn_ops;
  }
  file.current = std::move(content);
  AllSynced(file);
}

void SimDisk::AllSynced(File& file) {
  file.unsynced.clear();
  file.synced_size = file.current.size();
  file.copied = false;
  file.synced.clear();
  file.synced.shrink_to_fit();
}

absl::string_view SimDisk::SyncedView(const File& file) {
  if (file.copied) return file.synced;
  return absl::string_view(file.current).substr(0, file.synced_size);
}

absl::string_view SimDisk::OpData(const File& file, const FileOp& op) {
  EKV_CHECK(op.append);
  if (file.copied) return op.data;
  return absl::string_view(file.current).substr(op.offset, op.size);
}

// Before a truncation cuts `current`, the synced content and the unsynced
// appends' data are copied out of it: a crash may still keep them.
void SimDisk::CopyOut(File& file) {
  if (file.copied) return;
  file.synced = std::string(SyncedView(file));
  for (FileOp& op : file.unsynced) {
    if (op.append) op.data = std::string(OpData(file, op));
  }
  file.copied = true;
}

void SimDisk::Crash() {
  Begin(DiskOp::kCrash, "", 0);
  for (auto& [id, file] : files_) {
    if (!file.unsynced.empty()) {
      CrashFile(file, powered_off_ && id == power_cut_file_);
    }
  }
  if (powered_off_) ++stats_.power_cuts;
  powered_off_ = false;
  on_power_cut_ = nullptr;
  const uint64_t kept = random_.Uniform(unsynced_dir_.size() + 1);
  for (uint64_t i = 0; i < kept; ++i) {
    ApplyDirOp(unsynced_dir_[i], synced_dir_);
  }
  unsynced_dir_.clear();
  dir_ = synced_dir_;
  CollectUnreferenced();
}

std::optional<std::string> SimDisk::SyncedContent(
    absl::string_view name) const {
  auto it = synced_dir_.find(name);
  if (it == synced_dir_.end()) return std::nullopt;
  return std::string(SyncedView(files_.at(it->second)));
}

bool SimDisk::HasUnsyncedChanges() const {
  if (!unsynced_dir_.empty()) return true;
  for (const auto& [id, file] : files_) {
    if (!file.unsynced.empty()) return true;
  }
  return false;
}

}  // namespace ekv
