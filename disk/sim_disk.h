// The simulated disk: one node's files in memory, with the crash and fault
// model of disk/disk.h.
//
// State: a directory (names -> files) and files, each in two versions: what a
// crash would certainly keep (synced), and what reads see now. Changes since
// the last Sync (appends, truncations) and since the last SyncDir (creations,
// renames, removals) wait in ordered lists. At Crash() a seeded choice keeps a
// prefix of each list and loses the rest; the first lost append may instead be
// torn (a prefix of it kept, possibly followed by garbage). So unsynced data
// may vanish or tear, but what survives is always in write order and synced
// data is never touched.
//
// Faults, at per-run rates from DiskOptions and the disk's own random stream:
// - a write lands with one corrupt sector (512-byte aligned, bytes changed);
// - a read returns a corrupt sector (the stored copy stays intact);
// - Sync or SyncDir fails (its changes stay unsynced);
// - the disk is full (capacity reached, or set full by the nemesis);
// - each operation takes a latency charged to the calling node;
// - the power fails during an append (armed by the nemesis): the append
//   tears at the crash that follows.
// Corrupt data comes back as a real disk returns it, with no error. Only a
// disk marked corruptible corrupts: the World marks at most a minority of the
// nodes, so a quorum keeps an intact copy of every synced record (unless the
// run is marked beyond the fault model).
#ifndef EKV_DISK_SIM_DISK_H_
#define EKV_DISK_SIM_DISK_H_

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "disk/disk.h"
#include "engine/base/random.h"
#include "sim/scheduler.h"
#include "sim/trace.h"

namespace ekv {

struct DiskOptions {
  int64_t disk_capacity_bytes = int64_t{1} << 30;
  int64_t disk_latency_ns_max = 0;     // each operation: uniform in [0, max]
  double disk_corrupt_write_rate = 0;  // per write: lands with a bad sector
  double disk_corrupt_read_rate = 0;   // per read: returns a bad sector
  double disk_sync_fail_rate = 0;      // per Sync/SyncDir: fails
  double disk_torn_write_rate = 0;  // at a crash: the first lost append tears
};

inline constexpr uint64_t kSectorBytes = 512;

// Operation codes folded into the trace.
enum class DiskOp : uint32_t {
  kList = 1,
  kSize = 2,
  kRead = 3,
  kAppend = 4,
  kTruncate = 5,
  kSync = 6,
  kRename = 7,
  kRemove = 8,
  kSyncDir = 9,
  kCrash = 10,
};

struct DiskStats {
  uint64_t operations = 0;
  uint64_t corrupt_writes = 0;
  uint64_t corrupt_reads = 0;
  uint64_t sync_failures = 0;
  uint64_t full_refusals = 0;
  uint64_t crash_kept_ops = 0;
  uint64_t crash_lost_ops = 0;
  uint64_t crash_torn_ops = 0;
  uint64_t power_cuts = 0;  // crashes after a cut during an append
};

class SimDisk final : public Disk {
 public:
  // `charge_latency` receives each operation's latency (the World advances
  // the owner's local time by it); it may be empty.
  SimDisk(uint32_t owner, Random random, const DiskOptions& options,
          sim::Trace* trace, const sim::Scheduler* scheduler,
          std::function<void(int64_t)> charge_latency);

  absl::StatusOr<std::vector<std::string>> List() override;
  absl::StatusOr<uint64_t> Size(absl::string_view name) override;
  absl::StatusOr<std::string> Read(absl::string_view name, uint64_t offset,
                                   uint64_t length) override;
  absl::Status ReadInto(absl::string_view name, uint64_t offset,
                        uint64_t length, std::string* out) override;
  absl::Status Append(absl::string_view name, absl::string_view data) override;
  absl::Status Truncate(absl::string_view name, uint64_t size) override;
  absl::Status Sync(absl::string_view name) override;
  absl::Status Rename(absl::string_view from, absl::string_view to) override;
  absl::Status Remove(absl::string_view name) override;
  absl::Status SyncDir() override;

  // The power is cut: every unsynced change is kept, lost or torn.
  void Crash();
  // Arms a power cut in the middle of the next Append: that append is stored
  // unsynced and then fails, every later operation fails with kIoError, and
  // `on_power_cut` runs (inside the Append: it must only schedule the
  // owner's crash). At Crash() that append tears: a prefix of it is kept,
  // maybe followed by garbage, as a disk losing power mid-write leaves it.
  // Crash() disarms a cut that has not happened.
  void CutPowerAtNextAppend(std::function<void()> on_power_cut);
  void DisarmPowerCut() { on_power_cut_ = nullptr; }
  bool powered_off() const { return powered_off_; }

  // Whether this disk may corrupt sectors at all (its place in the atlas).
  void set_corruptible(bool corruptible) { corruptible_ = corruptible; }
  bool corruptible() const { return corruptible_; }
  // A full disk refuses every Append until cleared.
  void set_full(bool full) { full_ = full; }
  bool full() const { return full_; }
  const DiskOptions& options() const { return options_; }
  void set_options(const DiskOptions& options) { options_ = options; }
  const DiskStats& stats() const { return stats_; }
  uint64_t used_bytes() const { return used_bytes_; }

  // For tests and checkers, outside the Disk contract: the synced content of
  // a file under its synced name, as a crash right now could at least keep.
  std::optional<std::string> SyncedContent(absl::string_view name) const;
  bool HasUnsyncedChanges() const;

 private:
  // The file's durable content and the writes since are kept without copies
  // while the file only grows: then the synced content is the first
  // `synced_size` bytes of `current`, and each unsynced append's data sits in
  // `current` at `offset`. A truncation breaks that, so it first copies them
  // out (`copied`: `synced` and each op's `data` hold them) until the next
  // sync or crash.
  struct FileOp {
    bool append = true;  // else a truncation to `size`
    uint64_t size = 0;   // an append's length
    uint64_t offset = 0;
    std::string data;  // an append's data, once copied
  };
  struct File {
    std::string current;
    uint64_t synced_size = 0;
    bool copied = false;
    std::string synced;  // only when copied
    std::vector<FileOp> unsynced;
  };
  struct DirOp {
    enum Kind { kCreate, kRename, kRemove } kind = kCreate;
    std::string name;
    std::string to;
    uint64_t file = 0;
  };
  using Directory = std::map<std::string, uint64_t, std::less<>>;

  void Begin(DiskOp op, absl::string_view name, uint64_t size);
  File* Find(absl::string_view name);
  void CorruptSector(absl::Span<char> bytes, uint64_t base_offset);
  void CrashFile(File& file, bool cut_in_last_append);
  static absl::string_view SyncedView(const File& file);
  static absl::string_view OpData(const File& file, const FileOp& op);
  static void CopyOut(File& file);
  // The current content becomes the synced one (a sync, or after a crash).
  static void AllSynced(File& file);
  absl::Status PowerLostError() const;
  static void ApplyDirOp(const DirOp& op, Directory& dir);
  void CollectUnreferenced();

  uint32_t owner_;
  Random random_;
  DiskOptions options_;
  sim::Trace* trace_;
  const sim::Scheduler* scheduler_;
  std::function<void(int64_t)> charge_latency_;
  bool corruptible_ = false;
  bool full_ = false;
  std::function<void()> on_power_cut_;  // armed by CutPowerAtNextAppend
  bool powered_off_ = false;
  uint64_t power_cut_file_ = 0;  // the file whose append the cut hit

  std::map<uint64_t, File> files_;
  Directory dir_;
  Directory synced_dir_;
  std::vector<DirOp> unsynced_dir_;
  uint64_t next_file_ = 1;
  uint64_t used_bytes_ = 0;
  DiskStats stats_;
};

}  // namespace ekv

#endif  // EKV_DISK_SIM_DISK_H_
