#include "disk/sim_disk.h"

#include <algorithm>
#include <optional>
#include <string>
#include <vector>

#include "engine/base/check.h"
#include "engine/base/status.h"
#include "gtest/gtest.h"
#include "rapidcheck.h"
#include "rapidcheck/gtest.h"

namespace ekv {
namespace {

struct Fixture {
  explicit Fixture(const DiskOptions& options = {}, uint64_t seed = 1)
      : disk(1, Random(seed), options, &trace, &scheduler, nullptr) {}
  sim::Trace trace;
  sim::Scheduler scheduler;
  SimDisk disk;
};

std::string Contents(SimDisk& disk, absl::string_view name) {
  absl::StatusOr<std::string> data = ReadWholeFile(disk, name);
  return data.ok() ? *data : "<" + data.status().ToString() + ">";
}

TEST(SimDisk, ReadsSeeWhatWasWrittenBeforeAnySync) {
  Fixture f;
  ASSERT_TRUE(f.disk.Append("a", "hello ").ok());
  ASSERT_TRUE(f.disk.Append("a", "world").ok());
  EXPECT_EQ(Contents(f.disk, "a"), "hello world");
  EXPECT_EQ(*f.disk.Read("a", 6, 100), "world");
  EXPECT_EQ(*f.disk.Size("a"), 11u);
  EXPECT_EQ(*f.disk.List(), std::vector<std::string>{"a"});
  ASSERT_TRUE(f.disk.Truncate("a", 5).ok());
  EXPECT_EQ(Contents(f.disk, "a"), "hello");
  EXPECT_TRUE(absl::IsNotFound(f.disk.Read("b", 0, 1).status()));
  EXPECT_FALSE(f.disk.Truncate("a", 6).ok());
}

TEST(SimDisk, ReadIntoReplacesTheBufferAndReadsWhatReadReads) {
  Fixture f;
  ASSERT_TRUE(f.disk.Append("a", "hello world").ok());
  std::string buffer = "left over from an earlier read";
  ASSERT_TRUE(f.disk.ReadInto("a", 6, 100, &buffer).ok());
  EXPECT_EQ(buffer, "world");
  EXPECT_EQ(buffer, *f.disk.Read("a", 6, 100));
  ASSERT_TRUE(f.disk.ReadInto("a", 0, 5, &buffer).ok());
  EXPECT_EQ(buffer, "hello");
  ASSERT_TRUE(f.disk.ReadInto("a", 11, 5, &buffer).ok());  // at the end
  EXPECT_EQ(buffer, "");
  buffer = "kept";
  EXPECT_TRUE(absl::IsNotFound(f.disk.ReadInto("b", 0, 1, &buffer)));
}

// A Disk that implements only Read: ReadInto falls back to it.
class ReadOnlyDisk final : public Disk {
 public:
  absl::StatusOr<std::vector<std::string>> List() override {
    return std::vector<std::string>{"f"};
  }
  absl::StatusOr<uint64_t> Size(absl::string_view) override { return 3; }
  absl::StatusOr<std::string> Read(absl::string_view name, uint64_t offset,
                                   uint64_t length) override {
    if (name != "f") return absl::NotFoundError(name);
    return std::string("abc").substr(offset, length);
  }
  absl::Status Append(absl::string_view, absl::string_view) override {
    return absl::UnimplementedError("read only");
  }
  absl::Status Truncate(absl::string_view, uint64_t) override {
    return absl::UnimplementedError("read only");
  }
  absl::Status Sync(absl::string_view) override { return absl::OkStatus(); }
  absl::Status Rename(absl::string_view, absl::string_view) override {
    return absl::UnimplementedError("read only");
  }
  absl::Status Remove(absl::string_view) override {
    return absl::UnimplementedError("read only");
  }
  absl::Status SyncDir() override { return absl::OkStatus(); }
};

TEST(Disk, ReadIntoDefaultsToRead) {
  ReadOnlyDisk disk;
  std::string buffer = "old";
  ASSERT_TRUE(disk.ReadInto("f", 1, 5, &buffer).ok());
  EXPECT_EQ(buffer, "bc");
  EXPECT_TRUE(absl::IsNotFound(disk.ReadInto("g", 0, 1, &buffer)));
  EXPECT_EQ(buffer, "bc");  // a failed read leaves the buffer alone
  EXPECT_EQ(*ReadWholeFile(disk, "f"), "abc");
}

TEST(SimDisk, SyncedDataAndNamesSurviveACrash) {
  Fixture f;
  ASSERT_TRUE(f.disk.Append("a", "durable").ok());
  ASSERT_TRUE(f.disk.Sync("a").ok());
  ASSERT_TRUE(f.disk.SyncDir().ok());
  f.disk.Crash();
  EXPECT_EQ(Contents(f.disk, "a"), "durable");
  EXPECT_FALSE(f.disk.HasUnsyncedChanges());
}

TEST(SimDisk, APowerCutDuringAnAppendTearsItAndStopsTheDiskUntilTheCrash) {
  const std::string record(600, 'r');
  bool garbage_seen = false;
  for (uint64_t seed = 0; seed < 32; ++seed) {
    Fixture f({}, seed);
    ASSERT_TRUE(f.disk.Append("wal", "synced|").ok());
    ASSERT_TRUE(f.disk.Sync("wal").ok());
    ASSERT_TRUE(f.disk.SyncDir().ok());
    int cuts = 0;
    f.disk.CutPowerAtNextAppend([&] { ++cuts; });
    EXPECT_TRUE(f.disk.Read("wal", 0, 7).ok()) << "armed, not yet cut";
    EXPECT_TRUE(IsErrorKind(f.disk.Append("wal", record), ErrorKind::kIoError));
    EXPECT_EQ(cuts, 1);
    EXPECT_TRUE(f.disk.powered_off());
    EXPECT_FALSE(f.disk.Sync("wal").ok());
    EXPECT_FALSE(f.disk.Read("wal", 0, 7).ok());
    f.disk.Crash();
    EXPECT_FALSE(f.disk.powered_off());
    EXPECT_EQ(f.disk.stats().power_cuts, 1u);
    const std::string after = Contents(f.disk, "wal");
    ASSERT_EQ(after.substr(0, 7), "synced|") << "synced data is never touched";
    EXPECT_LT(after.size(), 7 + record.size()) << "the cut append tore";
    const std::string tail = after.substr(7);
    const size_t r_prefix = tail.find_first_not_of('r');
    garbage_seen = garbage_seen || r_prefix != std::string::npos;
    EXPECT_TRUE(f.disk.Append("wal", "x").ok()) << "power is back";
  }
  EXPECT_TRUE(garbage_seen) << "some tears end in garbage";
}

TEST(SimDisk, ACrashDisarmsAPowerCutThatDidNotHappen) {
  Fixture f;
  bool cut = false;
  f.disk.CutPowerAtNextAppend([&] { cut = true; });
  f.disk.Crash();
  ASSERT_TRUE(f.disk.Append("a", "x").ok());
  EXPECT_FALSE(cut);
  EXPECT_EQ(f.disk.stats().power_cuts, 0u);
}

TEST(SimDisk, AFileWhoseNameWasNeverSyncedMayVanish) {
  bool vanished = false;
  bool kept = false;
  for (uint64_t seed = 0; seed < 64; ++seed) {
    Fixture f({}, seed);
    ASSERT_TRUE(f.disk.Append("a", "x").ok());
    ASSERT_TRUE(f.disk.Sync("a").ok());
    f.disk.Crash();
    (f.disk.Size("a").ok() ? kept : vanished) = true;
  }
  EXPECT_TRUE(vanished);
  EXPECT_TRUE(kept);
}

TEST(SimDisk, RenameIsAtomicAndDurableAfterSyncDir) {
  Fixture f;
  ASSERT_TRUE(f.disk.Append("old", "1").ok());
  ASSERT_TRUE(f.disk.Sync("old").ok());
  ASSERT_TRUE(f.disk.Append("tmp", "2").ok());
  ASSERT_TRUE(f.disk.Sync("tmp").ok());
  ASSERT_TRUE(f.disk.Rename("tmp", "old").ok());
  EXPECT_EQ(Contents(f.disk, "old"), "2");
  EXPECT_TRUE(absl::IsNotFound(f.disk.Size("tmp").status()));
  ASSERT_TRUE(f.disk.SyncDir().ok());
  f.disk.Crash();
  EXPECT_EQ(Contents(f.disk, "old"), "2");
  EXPECT_EQ(*f.disk.List(), std::vector<std::string>{"old"});
}

TEST(SimDisk, AFailedSyncLeavesTheDataUnsynced) {
  DiskOptions options;
  options.disk_sync_fail_rate = 1;
  Fixture f(options);
  ASSERT_TRUE(f.disk.Append("a", "x").ok());
  const absl::Status status = f.disk.Sync("a");
  EXPECT_TRUE(IsErrorKind(status, ErrorKind::kIoError));
  EXPECT_TRUE(f.disk.HasUnsyncedChanges());
  EXPECT_EQ(f.disk.stats().sync_failures, 1u);
}

TEST(SimDisk, AFullDiskRefusesAppendsAndWritesNothing) {
  DiskOptions options;
  options.disk_capacity_bytes = 10;
  Fixture f(options);
  ASSERT_TRUE(f.disk.Append("a", "12345678").ok());
  EXPECT_TRUE(IsErrorKind(f.disk.Append("a", "abc"), ErrorKind::kDiskFull));
  EXPECT_EQ(Contents(f.disk, "a"), "12345678");
  ASSERT_TRUE(f.disk.Remove("a").ok());
  ASSERT_TRUE(f.disk.Append("b", "1234567890").ok());
  f.disk.set_full(true);
  EXPECT_TRUE(IsErrorKind(f.disk.Append("c", "x"), ErrorKind::kDiskFull));
}

TEST(SimDisk, OnlyACorruptibleDiskCorrupts) {
  DiskOptions options;
  options.disk_corrupt_write_rate = 1;
  options.disk_corrupt_read_rate = 1;
  Fixture f(options);
  const std::string data(2000, 'a');
  ASSERT_TRUE(f.disk.Append("a", data).ok());
  EXPECT_EQ(Contents(f.disk, "a"), data);
  f.disk.set_corruptible(true);
  ASSERT_TRUE(f.disk.Append("b", data).ok());
  f.disk.set_corruptible(false);
  const std::string stored = Contents(f.disk, "b");
  EXPECT_NE(stored, data);  // a corrupt write is persistent
  f.disk.set_corruptible(true);
  EXPECT_NE(Contents(f.disk, "a"), data);  // a corrupt read is transient
  f.disk.set_corruptible(false);
  EXPECT_EQ(Contents(f.disk, "a"), data);
}

TEST(SimDisk, ACorruptWriteDamagesOneSectorOnly) {
  DiskOptions options;
  options.disk_corrupt_write_rate = 1;
  for (uint64_t seed = 0; seed < 50; ++seed) {
    Fixture f(options, seed);
    f.disk.set_corruptible(true);
    const std::string data(3000, 'q');
    ASSERT_TRUE(f.disk.Append("a", data).ok());
    f.disk.set_corruptible(false);
    const std::string stored = Contents(f.disk, "a");
    ASSERT_EQ(stored.size(), data.size());
    std::vector<size_t> bad;
    for (size_t i = 0; i < data.size(); ++i) {
      if (stored[i] != data[i]) bad.push_back(i);
    }
    ASSERT_FALSE(bad.empty());
    EXPECT_EQ(bad.front() / kSectorBytes, bad.back() / kSectorBytes);
  }
}

// A disk that tears half the writes a crash cuts (when `torn`), with an empty
// file "log" whose name is synced.
struct LogFixture : Fixture {
  LogFixture(uint64_t seed, bool torn) : Fixture(TornOptions(torn), seed) {
    EKV_CHECK_OK(disk.Append("log", ""));
    EKV_CHECK_OK(disk.SyncDir());
  }
  static DiskOptions TornOptions(bool torn) {
    DiskOptions options;
    options.disk_torn_write_rate = torn ? 0.5 : 0;
    return options;
  }
};

// The crash contract, for any sequence of appends, syncs and crashes: after a
// crash every file holds its synced bytes, then a prefix of its unsynced
// appends in write order (an op boundary unless torn), then at most the torn
// op's length of bytes; and synced bytes are never lost.
RC_GTEST_PROP(SimDiskProperties, SyncedDataSurvivesAndUnsyncedIsAnOrderedPrefix,
              (uint64_t seed, bool torn)) {
  LogFixture f(seed, torn);
  std::string synced;
  std::vector<std::string> unsynced;
  const int steps = *rc::gen::inRange(1, 60);
  for (int step = 0; step < steps; ++step) {
    const int action = *rc::gen::inRange(0, 10);
    if (action < 6) {
      const std::string data = *rc::gen::nonEmpty<std::string>();
      RC_ASSERT(f.disk.Append("log", data).ok());
      unsynced.push_back(data);
    } else if (action < 8) {
      RC_ASSERT(f.disk.Sync("log").ok());
      for (const std::string& data : unsynced) synced += data;
      unsynced.clear();
    } else {
      f.disk.Crash();
      const std::string after = Contents(f.disk, "log");
      RC_ASSERT(after.compare(0, synced.size(), synced) == 0);
      std::string expected = synced;
      size_t ops = 0;
      while (ops < unsynced.size() &&
             after.compare(0, expected.size() + unsynced[ops].size(),
                           expected + unsynced[ops]) == 0 &&
             after.size() >= expected.size() + unsynced[ops].size()) {
        expected += unsynced[ops++];
      }
      const size_t extra = after.size() - expected.size();
      if (!torn || ops == unsynced.size()) {
        RC_ASSERT(extra == 0u);
      } else {
        RC_ASSERT(extra <= unsynced[ops].size());
      }
      synced = after;
      unsynced.clear();
    }
  }
}

// The same contract with truncations among the writes: a crash keeps the
// synced content with a prefix of the later appends and truncations applied
// in order, the next of them torn at most; a sync makes the current content
// the synced one.
RC_GTEST_PROP(SimDiskProperties, TruncationsReplayInOrderAfterACrash,
              (uint64_t seed, bool torn)) {
  struct Op {
    bool append;
    std::string data;  // an append's
    size_t size;       // a truncation's
  };
  const auto apply = [](std::string content, const std::vector<Op>& ops,
                        size_t count) {
    for (size_t i = 0; i < count; ++i) {
      if (ops[i].append) {
        content += ops[i].data;
      } else {
        content.resize(std::min(ops[i].size, content.size()));
      }
    }
    return content;
  };
  LogFixture f(seed, torn);
  std::string synced;
  std::vector<Op> unsynced;
  const int steps = *rc::gen::inRange(1, 60);
  for (int step = 0; step < steps; ++step) {
    const int action = *rc::gen::inRange(0, 10);
    const std::string current = apply(synced, unsynced, unsynced.size());
    if (action < 5) {
      const std::string data = *rc::gen::nonEmpty<std::string>();
      RC_ASSERT(f.disk.Append("log", data).ok());
      unsynced.push_back(Op{true, data, 0});
    } else if (action < 7) {
      const size_t size = *rc::gen::inRange<size_t>(0, current.size() + 1);
      RC_ASSERT(f.disk.Truncate("log", size).ok());
      unsynced.push_back(Op{false, "", size});
    } else if (action < 8) {
      RC_ASSERT(f.disk.Sync("log").ok());
      synced = current;
      unsynced.clear();
    } else {
      f.disk.Crash();
      const std::string after = Contents(f.disk, "log");
      bool explained = false;
      for (size_t kept = 0; kept <= unsynced.size() && !explained; ++kept) {
        const std::string expected = apply(synced, unsynced, kept);
        if (after == expected) explained = true;
        const bool tearable =
            torn && kept < unsynced.size() && unsynced[kept].append;
        if (tearable && after.size() > expected.size() &&
            after.compare(0, expected.size(), expected) == 0 &&
            after.size() - expected.size() <= unsynced[kept].data.size()) {
          explained = true;
        }
      }
      RC_ASSERT(explained);
      synced = after;
      unsynced.clear();
    }
    RC_ASSERT(Contents(f.disk, "log") ==
              apply(synced, unsynced, unsynced.size()));
    RC_ASSERT(f.disk.SyncedContent("log") ==
              std::optional<std::string>(synced));
  }
}

}  // namespace
}  // namespace ekv
