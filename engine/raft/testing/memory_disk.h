// MemoryDisk: an ekv::Disk in memory for unit tests, with the crash
// semantics of a real file system: file contents are durable up to the last
// Sync of the file, names (creations, renames, removals) up to the last
// SyncDir. Crash() forgets the rest, optionally keeping a torn piece of each
// file's unsynced appended bytes. Tests can also damage bytes and make the
// next operations fail.
#ifndef EKV_ENGINE_RAFT_TESTING_MEMORY_DISK_H_
#define EKV_ENGINE_RAFT_TESTING_MEMORY_DISK_H_

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "disk/disk.h"

namespace ekv::raft::testing {

class MemoryDisk : public Disk {
 public:
  absl::StatusOr<std::vector<std::string>> List() override;
  absl::StatusOr<uint64_t> Size(absl::string_view name) override;
  absl::StatusOr<std::string> Read(absl::string_view name, uint64_t offset,
                                   uint64_t length) override;
  absl::Status Append(absl::string_view name, absl::string_view data) override;
  absl::Status Truncate(absl::string_view name, uint64_t size) override;
  absl::Status Sync(absl::string_view name) override;
  absl::Status Rename(absl::string_view from, absl::string_view to) override;
  absl::Status Remove(absl::string_view name) override;
  absl::Status SyncDir() override;

  // Loses everything not synced. Of each file's unsynced appended bytes, the
  // first `keep_unsynced_fraction` (0..1) survive, as a torn write.
  void Crash(double keep_unsynced_fraction = 0);
  // Flips the bits of the byte at `offset` of `name` (durably).
  void Damage(const std::string& name, uint64_t offset);
  // The operation after `operations` more successful ones fails with an
  // IoError (and does nothing); -1 turns this off.
  void FailAfter(int operations) { fail_after_ = operations; }
  // Every write fails with DiskFull while set.
  void SetFull(bool full) { full_ = full; }
  // Every Sync fails (changing nothing) while set.
  void SetSyncFails(bool fails) { sync_fails_ = fails; }
  // The next `count` appends land with their first byte flipped (what a
  // corrupt sector does); the next `count` reads return one flipped byte.
  void CorruptNextAppends(int count) { corrupt_appends_ = count; }
  void CorruptNextReads(int count) { corrupt_reads_ = count; }

  uint64_t operations() const { return operations_; }
  const std::string& contents(const std::string& name) const {
    return live_.at(name)->data;
  }

 private:
  struct File {
    std::string data;
    std::string synced;
  };
  absl::Status Count();

  std::map<std::string, std::shared_ptr<File>> live_;
  std::map<std::string, std::shared_ptr<File>> durable_;
  int fail_after_ = -1;
  bool full_ = false;
  bool sync_fails_ = false;
  int corrupt_appends_ = 0;
  int corrupt_reads_ = 0;
  uint64_t operations_ = 0;
};

}  // namespace ekv::raft::testing

#endif  // EKV_ENGINE_RAFT_TESTING_MEMORY_DISK_H_
