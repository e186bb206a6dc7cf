#include "engine/raft/testing/memory_disk.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "engine/base/status.h"

namespace ekv::raft::testing {

absl::Status MemoryDisk::Count() {
  ++operations_;
  if (fail_after_ == 0) {
    fail_after_ = -1;
    return IoError("memory disk: injected failure");
  }
  if (fail_after_ > 0) --fail_after_;
  return absl::OkStatus();
}

absl::StatusOr<std::vector<std::string>> MemoryDisk::List() {
  std::vector<std::string> names;
  for (const auto& [name, file] : live_) names.push_back(name);
  return names;
}

absl::StatusOr<uint64_t> MemoryDisk::Size(absl::string_view name) {
  auto it = live_.find(std::string(name));
  if (it == live_.end()) return absl::NotFoundError(std::string(name));
  return it->second->data.size();
}

absl::StatusOr<std::string> MemoryDisk::Read(absl::string_view name,
                                             uint64_t offset, uint64_t length) {
  auto it = live_.find(std::string(name));
  if (it == live_.end()) return absl::NotFoundError(std::string(name));
  const std::string& data = it->second->data;
  if (offset >= data.size()) return std::string();
  std::string out = data.substr(offset, length);
  if (corrupt_reads_ > 0 && !out.empty()) {
    --corrupt_reads_;
    out[out.size() / 2] = static_cast<char>(~out[out.size() / 2]);
  }
  return out;
}

absl::Status MemoryDisk::Append(absl::string_view name,
                                absl::string_view data) {
  EKV_RETURN_IF_ERROR(Count());
  if (full_) return DiskFullError(absl::StrCat("append to ", name));
  std::shared_ptr<File>& file = live_[std::string(name)];
  if (file == nullptr) file = std::make_shared<File>();
  const size_t at = file->data.size();
  file->data.append(data.data(), data.size());
  if (corrupt_appends_ > 0 && !data.empty()) {
    --corrupt_appends_;
    file->data[at] = static_cast<char>(~file->data[at]);
  }
  return absl::OkStatus();
}

absl::Status MemoryDisk::Truncate(absl::string_view name, uint64_t size) {
  EKV_RETURN_IF_ERROR(Count());
  auto it = live_.find(std::string(name));
  if (it == live_.end()) return absl::NotFoundError(std::string(name));
  if (size > it->second->data.size()) {
    return absl::InvalidArgumentError("truncate beyond the end");
  }
  it->second->data.resize(size);
  return absl::OkStatus();
}

absl::Status MemoryDisk::Sync(absl::string_view name) {
  EKV_RETURN_IF_ERROR(Count());
  if (sync_fails_) return IoError("memory disk: sync failed");
  auto it = live_.find(std::string(name));
  if (it == live_.end()) return absl::NotFoundError(std::string(name));
  it->second->synced = it->second->data;
  return absl::OkStatus();
}

absl::Status MemoryDisk::Rename(absl::string_view from, absl::string_view to) {
  EKV_RETURN_IF_ERROR(Count());
  auto it = live_.find(std::string(from));
  if (it == live_.end()) return absl::NotFoundError(std::string(from));
  std::shared_ptr<File> file = it->second;
  live_.erase(it);
  live_[std::string(to)] = std::move(file);
  return absl::OkStatus();
}

absl::Status MemoryDisk::Remove(absl::string_view name) {
  EKV_RETURN_IF_ERROR(Count());
  live_.erase(std::string(name));
  return absl::OkStatus();
}

absl::Status MemoryDisk::SyncDir() {
  EKV_RETURN_IF_ERROR(Count());
  durable_ = live_;
  return absl::OkStatus();
}

void MemoryDisk::Crash(double keep_unsynced_fraction) {
  live_.clear();
  for (auto& [name, file] : durable_) {
    std::string& data = file->data;
    const std::string& synced = file->synced;
    // Unsynced appends (data extending the synced contents) may be torn.
    const bool appended = data.size() > synced.size() &&
                          data.compare(0, synced.size(), synced) == 0;
    std::string kept = synced;
    if (appended) {
      const auto extra =
          static_cast<size_t>(static_cast<double>(data.size() - synced.size()) *
                              std::clamp(keep_unsynced_fraction, 0.0, 1.0));
      kept.append(data, synced.size(), extra);
    }
    data = kept;
    file->synced = kept;
    live_[name] = file;
  }
  durable_ = live_;
}

void MemoryDisk::Damage(const std::string& name, uint64_t offset) {
  File& file = *live_.at(name);
  file.data[offset] = static_cast<char>(~file.data[offset]);
  if (offset < file.synced.size()) {
    file.synced[offset] = static_cast<char>(~file.synced[offset]);
  }
}

}  // namespace ekv::raft::testing
