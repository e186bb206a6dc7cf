// A node's durable storage: a flat directory of named files.
//
// Durability contract (the one real disks give with fsync, and the one the
// simulated disk enforces when it crashes a node):
// - A file's contents become durable when Sync(name) returns OK. Data
//   appended or truncated since the last Sync may, at a crash, be kept, lost
//   or torn (a prefix of it kept, possibly with garbage after it).
// - Names (a file created by its first Append, a Rename, a Remove) become
//   durable when SyncDir() returns OK.
// - Data read back may be corrupt, with no error: a disk does not know.
//   Callers checksum what they write and check it on reading.
// - Every operation may fail (an I/O error, a full disk); a failed Sync means
//   the data since the previous Sync is in an unknown state and must not be
//   acknowledged.
//
// Calls are synchronous; a simulated disk's latency is charged to the calling
// node's time. Not thread-safe: one node's event loop owns its disk.
// Implementations: disk/sim_disk.h (faults) and, for tests,
// engine/raft/testing/memory_disk.h; a POSIX disk (pwrite/fsync) comes with
// the server, which is not built yet.
#ifndef EKV_DISK_DISK_H_
#define EKV_DISK_DISK_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace ekv {

class Disk {
 public:
  virtual ~Disk() = default;

  // Names of the files that exist now, sorted.
  virtual absl::StatusOr<std::vector<std::string>> List() = 0;

  // Size in bytes; NotFound when the file does not exist.
  virtual absl::StatusOr<uint64_t> Size(absl::string_view name) = 0;

  // Up to `length` bytes from `offset`; fewer at the end of the file. NotFound
  // when the file does not exist.
  virtual absl::StatusOr<std::string> Read(absl::string_view name,
                                           uint64_t offset,
                                           uint64_t length) = 0;

  // As Read, into `out`, whose contents it replaces and whose capacity it
  // reuses: for a caller that reads on every write (a log checking what it
  // wrote). The default calls Read.
  virtual absl::Status ReadInto(absl::string_view name, uint64_t offset,
                                uint64_t length, std::string* out);

  // Appends `data`, creating the file when it does not exist.
  virtual absl::Status Append(absl::string_view name,
                              absl::string_view data) = 0;

  // Cuts the file to `size` bytes (<= its size).
  virtual absl::Status Truncate(absl::string_view name, uint64_t size) = 0;

  // Makes the file's contents durable.
  virtual absl::Status Sync(absl::string_view name) = 0;

  // Atomically replaces `to` with `from` (which then no longer exists).
  virtual absl::Status Rename(absl::string_view from, absl::string_view to) = 0;

  // Deletes the file; OK when it does not exist.
  virtual absl::Status Remove(absl::string_view name) = 0;

  // Makes the set of names durable.
  virtual absl::Status SyncDir() = 0;
};

// The whole file, or its error.
absl::StatusOr<std::string> ReadWholeFile(Disk& disk, absl::string_view name);

}  // namespace ekv

#endif  // EKV_DISK_DISK_H_
