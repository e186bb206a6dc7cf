// The write-ahead log: record framing, recovery of entries and hard state,
// torn tails cut and counted, corruption in the middle reported, snapshots
// and crash safety of their rotation.
#include "engine/raft/wal/wal.h"

#include <cstring>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "engine/base/status.h"
#include "engine/raft/testing/memory_disk.h"
#include "engine/raft/testing/solo.h"
#include "engine/raft/wal/record_checksum.h"
#include "engine/raft/wal/record_reader.h"
#include "engine/raft/wal/record_writer.h"
#include "gtest/gtest.h"
#include "rapidcheck.h"
#include "rapidcheck/gtest.h"

namespace ekv::raft::wal {
namespace {

using testing::MakeEntry;
using testing::MemoryDisk;

constexpr char kPrefix[] = "g1-";
constexpr char kFirstSegment[] = "g1-wal-0000000000000001.log";

raftpb::WalBatch Batch(uint64_t from, std::vector<uint64_t> terms,
                       uint64_t commit = 0) {
  raftpb::WalBatch batch;
  for (uint64_t term : terms) {
    *batch.add_entries() = MakeEntry(from, term, "e" + std::to_string(from));
    ++from;
  }
  if (!terms.empty()) {
    batch.mutable_hard_state()->set_term(terms.back());
    batch.mutable_hard_state()->set_commit(commit);
  }
  return batch;
}

std::unique_ptr<Wal> OpenOk(MemoryDisk& disk, Recovered* recovered) {
  absl::StatusOr<std::unique_ptr<Wal>> wal =
      Wal::Open(&disk, kPrefix, recovered);
  EXPECT_TRUE(wal.ok()) << wal.status();
  return wal.ok() ? *std::move(wal) : nullptr;
}

std::vector<uint64_t> Indexes(const Recovered& r) {
  std::vector<uint64_t> out;
  for (const raftpb::Entry& e : r.entries) out.push_back(e.index());
  return out;
}

TEST(Records, RoundTripAndEveryFlippedByteIsDetected) {
  std::string file;
  AppendRecord(RecordType::kWalBatch, "hello", &file);
  AppendRecord(RecordType::kWalBatch, "", &file);
  ReadResult result;
  ReadRecords(file, &result);
  ASSERT_TRUE(result.clean());
  ASSERT_EQ(result.records.size(), 2u);
  EXPECT_EQ(result.records[0].payload, "hello");
  // Damage any byte of the first record: it is reported as damage followed
  // by a valid record, never skipped silently.
  const size_t first_size = kRecordHeaderBytes + 5;
  for (size_t i = 0; i < first_size; ++i) {
    std::string damaged = file;
    damaged[i] = static_cast<char>(damaged[i] ^ 0x20);
    ReadResult r;
    ReadRecords(damaged, &r);
    ASSERT_EQ(r.damage.size(), 1u) << "byte " << i;
    EXPECT_EQ(r.damage[0].offset, 0u);
    EXPECT_EQ(r.damage[0].resumed_at, first_size);
    EXPECT_EQ(r.records.size(), 1u);
  }
}

TEST(Records, ACutOrDamagedLastRecordIsATornTail) {
  std::string file;
  AppendRecord(RecordType::kWalBatch, "first", &file);
  const size_t first_size = file.size();
  AppendRecord(RecordType::kWalBatch, "second record", &file);
  for (size_t cut = first_size + 1; cut < file.size(); ++cut) {
    ReadResult r;
    ReadRecords(file.substr(0, cut), &r);
    EXPECT_EQ(r.records.size(), 1u);
    EXPECT_TRUE(r.damage.empty());
    EXPECT_EQ(r.torn_tail_offset, first_size);
  }
}

TEST(Wal, RecoversEntriesAndHardStateAcrossReopen) {
  MemoryDisk disk;
  Recovered recovered;
  auto wal = OpenOk(disk, &recovered);
  EXPECT_FALSE(recovered.existed);
  ASSERT_TRUE(wal->Write(Batch(1, {1, 1, 2}, 2)).ok());
  // A newer leader replaced entry 3 and added 4.
  ASSERT_TRUE(wal->Write(Batch(3, {3, 3}, 3)).ok());
  disk.Crash();
  Recovered again;
  OpenOk(disk, &again);
  EXPECT_TRUE(again.existed);
  EXPECT_EQ(Indexes(again), (std::vector<uint64_t>{1, 2, 3, 4}));
  EXPECT_EQ(again.entries[2].term(), 3u);
  EXPECT_EQ(again.hard_state.term(), 3u);
  EXPECT_EQ(again.hard_state.commit(), 3u);
  EXPECT_EQ(again.torn_tail_bytes, 0u);
}

// The frame, spelled out: length (4 bytes, little-endian), type, checksum (8
// bytes, little-endian), payload. RecordInPlace must write exactly this.
TEST(Wal, RecordFrameIsLengthTypeChecksumPayload) {
  std::string record = "before";
  AppendRecord(RecordType::kSnapshot, "hello", &record);
  std::string expected = "before";
  expected += std::string("\x05\x00\x00\x00", 4);
  expected.push_back(static_cast<char>(RecordType::kSnapshot));
  const uint64_t checksum =
      RecordChecksum(5, static_cast<uint8_t>(RecordType::kSnapshot), "hello");
  for (int i = 0; i < 8; ++i) {
    expected.push_back(static_cast<char>((checksum >> (8 * i)) & 0xff));
  }
  expected += "hello";
  EXPECT_EQ(record, expected);
  RecordInPlace frame(5);
  std::memcpy(frame.payload(), "hello", 5);
  frame.Seal(RecordType::kSnapshot);
  EXPECT_EQ(absl::StrCat("before", frame.bytes()), expected);
}

// Any change to a record's length, type or payload changes its checksum.
TEST(Wal, RecordChecksumCoversLengthTypeAndEveryPayloadBit) {
  const std::string payload = "a payload of a few bytes";
  const uint32_t length = static_cast<uint32_t>(payload.size());
  const uint8_t type = static_cast<uint8_t>(RecordType::kWalBatch);
  const uint64_t sum = RecordChecksum(length, type, payload);
  EXPECT_EQ(sum, RecordChecksum(length, type, payload));  // a function
  EXPECT_NE(sum, RecordChecksum(length + 1, type, payload));
  EXPECT_NE(sum, RecordChecksum(length ^ (1u << 31), type, payload));
  EXPECT_NE(sum, RecordChecksum(length, type ^ 1, payload));
  for (size_t byte = 0; byte < payload.size(); ++byte) {
    for (int bit = 0; bit < 8; ++bit) {
      std::string flipped = payload;
      flipped[byte] = static_cast<char>(flipped[byte] ^ (1 << bit));
      EXPECT_NE(sum, RecordChecksum(length, type, flipped))
          << "byte " << byte << " bit " << bit;
    }
  }
}

// Write(entries, hard_state) lays down the bytes Write(WalBatch) does, for
// batches with and without entries and with an empty hard state.
RC_GTEST_PROP(Wal, WritingEntriesDirectlyWritesTheSameBytes,
              (const std::vector<std::pair<uint8_t, std::string>>& entries,
               uint64_t term, uint64_t commit)) {
  std::vector<raftpb::Entry> list;
  uint64_t index = 1;
  for (const auto& [term_step, data] : entries) {
    list.push_back(MakeEntry(index++, 1 + term_step, data));
  }
  raftpb::WalBatch batch;
  for (const raftpb::Entry& entry : list) *batch.add_entries() = entry;
  if (term != 0 || commit != 0) {
    batch.mutable_hard_state()->set_term(term);
    batch.mutable_hard_state()->set_commit(commit);
  } else {
    batch.mutable_hard_state();  // present, and empty
  }
  MemoryDisk generated_disk, direct_disk;
  Recovered ignored;
  auto generated = OpenOk(generated_disk, &ignored);
  auto direct = OpenOk(direct_disk, &ignored);
  RC_ASSERT(generated != nullptr && direct != nullptr);
  RC_ASSERT(generated->Write(batch).ok());
  RC_ASSERT(direct->Write(list, batch.hard_state()).ok());
  RC_ASSERT(generated_disk.contents(kFirstSegment) ==
            direct_disk.contents(kFirstSegment));
}

TEST(Wal, AWriteCutShortByACrashIsATornTailThatIsCutOff) {
  for (double kept : {0.0, 0.3, 0.7, 0.99}) {
    MemoryDisk disk;
    Recovered recovered;
    auto wal = OpenOk(disk, &recovered);
    ASSERT_TRUE(wal->Write(Batch(1, {1, 1})).ok());
    // The next write never completes: its sync fails every time.
    disk.SetSyncFails(true);
    EXPECT_FALSE(wal->Write(Batch(3, {1, 1, 1})).ok());
    disk.SetSyncFails(false);
    disk.Crash(kept);
    Recovered again;
    auto reopened = OpenOk(disk, &again);
    EXPECT_EQ(Indexes(again), (std::vector<uint64_t>{1, 2})) << kept;
    EXPECT_EQ(again.torn_tail_bytes > 0, kept > 0) << kept;
    // The tail was cut: writing and recovering again works.
    ASSERT_TRUE(reopened->Write(Batch(3, {2})).ok());
    Recovered third;
    OpenOk(disk, &third);
    EXPECT_EQ(Indexes(third), (std::vector<uint64_t>{1, 2, 3}));
    EXPECT_EQ(third.torn_tail_bytes, 0u);
  }
}

TEST(Wal, FailedSyncsAreRetriedInPlace) {
  MemoryDisk disk;
  Recovered recovered;
  auto wal = OpenOk(disk, &recovered);
  ASSERT_TRUE(wal->Write(Batch(1, {1})).ok());
  disk.FailAfter(1);  // the first sync of the next write fails
  ASSERT_TRUE(wal->Write(Batch(2, {1})).ok());
  EXPECT_EQ(wal->stats().sync_failures, 1u);
  EXPECT_EQ(wal->stats().retries, 1u);
  disk.Crash();
  Recovered again;
  OpenOk(disk, &again);
  EXPECT_EQ(Indexes(again), (std::vector<uint64_t>{1, 2}));
}

TEST(Wal, AWriteThatLandsDamagedIsWrittenAgainNotLeftInTheMiddle) {
  MemoryDisk disk;
  Recovered recovered;
  auto wal = OpenOk(disk, &recovered);
  disk.CorruptNextAppends(2);
  ASSERT_TRUE(wal->Write(Batch(1, {1})).ok());
  EXPECT_EQ(wal->stats().damaged_read_backs, 2u);
  ASSERT_TRUE(wal->Write(Batch(2, {1})).ok());
  disk.Crash();
  Recovered again;
  OpenOk(disk, &again);
  EXPECT_EQ(Indexes(again), (std::vector<uint64_t>{1, 2}));
}

TEST(Wal, AFullDiskFailsTheWriteUntilThereIsRoomAgain) {
  MemoryDisk disk;
  Recovered recovered;
  auto wal = OpenOk(disk, &recovered);
  ASSERT_TRUE(wal->Write(Batch(1, {1})).ok());
  disk.SetFull(true);
  EXPECT_TRUE(IsErrorKind(wal->Write(Batch(2, {1})), ErrorKind::kDiskFull));
  disk.SetFull(false);
  ASSERT_TRUE(wal->Write(Batch(2, {1})).ok());
  disk.Crash();
  Recovered again;
  OpenOk(disk, &again);
  EXPECT_EQ(Indexes(again), (std::vector<uint64_t>{1, 2}));
}

TEST(Wal, ADamagedReadAtRecoveryIsReadAgain) {
  MemoryDisk disk;
  Recovered recovered;
  auto wal = OpenOk(disk, &recovered);
  for (uint64_t i = 1; i <= 3; ++i) ASSERT_TRUE(wal->Write(Batch(i, {1})).ok());
  disk.CorruptNextReads(1);
  Recovered again;
  OpenOk(disk, &again);
  EXPECT_EQ(Indexes(again), (std::vector<uint64_t>{1, 2, 3}));
  EXPECT_EQ(again.damaged_reads, 1u);
  EXPECT_EQ(again.torn_tail_bytes, 0u) << "a bad read must not cut the log";
}

TEST(Wal, DamageInTheMiddleIsReportedWithItsPlaceAndChangesNothing) {
  MemoryDisk disk;
  Recovered recovered;
  auto wal = OpenOk(disk, &recovered);
  for (uint64_t i = 1; i <= 3; ++i) ASSERT_TRUE(wal->Write(Batch(i, {1})).ok());
  const uint64_t size = *disk.Size(kFirstSegment);
  disk.Damage(kFirstSegment, 20);
  Recovered again;
  const auto reopened = Wal::Open(&disk, kPrefix, &again);
  ASSERT_FALSE(reopened.ok());
  EXPECT_TRUE(IsErrorKind(reopened.status(), ErrorKind::kCorruption));
  EXPECT_NE(reopened.status().message().find(kFirstSegment),
            absl::string_view::npos);
  EXPECT_NE(reopened.status().message().find("offset 0"),
            absl::string_view::npos);
  EXPECT_EQ(*disk.Size(kFirstSegment), size) << "nothing was truncated";
}

TEST(Wal, SnapshotStartsANewSegmentAndRemovesWhatItSupersedes) {
  MemoryDisk disk;
  Recovered recovered;
  auto wal = OpenOk(disk, &recovered);
  ASSERT_TRUE(wal->Write(Batch(1, {1, 1, 1, 1, 2, 2}, 6)).ok());
  raftpb::Snapshot snapshot;
  snapshot.mutable_metadata()->set_index(4);
  snapshot.mutable_metadata()->set_term(1);
  snapshot.mutable_metadata()->mutable_conf_state()->add_voters(1);
  snapshot.set_data("state at 4");
  raftpb::HardState hs;
  hs.set_term(2);
  hs.set_commit(6);
  const std::vector<raftpb::Entry> after = {MakeEntry(5, 2, "e5"),
                                            MakeEntry(6, 2, "e6")};
  ASSERT_TRUE(wal->SaveSnapshot(snapshot, hs, after).ok());
  ASSERT_TRUE(wal->Write(Batch(7, {2}, 7)).ok());
  EXPECT_FALSE(disk.Size(kFirstSegment).ok()) << "old segment removed";
  disk.Crash();
  Recovered again;
  OpenOk(disk, &again);
  EXPECT_EQ(again.snapshot.metadata().index(), 4u);
  EXPECT_EQ(again.snapshot.data(), "state at 4");
  EXPECT_EQ(again.snapshot.metadata().conf_state().voters_size(), 1);
  EXPECT_EQ(Indexes(again), (std::vector<uint64_t>{5, 6, 7}));
  EXPECT_EQ(again.hard_state.commit(), 7u);
}

TEST(Wal, InstalledSnapshotReplacesAnUnrelatedLog) {
  MemoryDisk disk;
  Recovered recovered;
  auto wal = OpenOk(disk, &recovered);
  ASSERT_TRUE(wal->Write(Batch(1, {1, 1, 1})).ok());
  raftpb::Snapshot snapshot;  // the leader's: index 2 has term 3 there
  snapshot.mutable_metadata()->set_index(2);
  snapshot.mutable_metadata()->set_term(3);
  ASSERT_TRUE(wal->SaveSnapshot(snapshot, raftpb::HardState(), {}).ok());
  Recovered again;
  OpenOk(disk, &again);
  EXPECT_TRUE(again.entries.empty());
  EXPECT_EQ(again.snapshot.metadata().term(), 3u);
}

TEST(Wal, MissingOrDamagedSnapshotFileIsCorruption) {
  for (bool remove : {true, false}) {
    MemoryDisk disk;
    Recovered recovered;
    auto wal = OpenOk(disk, &recovered);
    ASSERT_TRUE(wal->Write(Batch(1, {1, 1})).ok());
    raftpb::Snapshot snapshot;
    snapshot.mutable_metadata()->set_index(2);
    snapshot.mutable_metadata()->set_term(1);
    snapshot.set_data(std::string(100, 'd'));
    ASSERT_TRUE(wal->SaveSnapshot(snapshot, raftpb::HardState(), {}).ok());
    const std::string name = "g1-snap-0000000000000002.snap";
    if (remove) {
      ASSERT_TRUE(disk.Remove(name).ok());
    } else {
      disk.Damage(name, 50);
    }
    Recovered again;
    const auto reopened = Wal::Open(&disk, kPrefix, &again);
    EXPECT_TRUE(IsErrorKind(reopened.status(), ErrorKind::kCorruption))
        << reopened.status();
  }
}

TEST(Wal, ACrashAnywhereInSaveSnapshotRecoversBeforeOrAfterIt) {
  for (int fail_at = 0; fail_at < 20; ++fail_at) {
    MemoryDisk disk;
    Recovered recovered;
    auto wal = OpenOk(disk, &recovered);
    ASSERT_TRUE(wal->Write(Batch(1, {1, 1, 1, 1})).ok());
    raftpb::Snapshot snapshot;
    snapshot.mutable_metadata()->set_index(3);
    snapshot.mutable_metadata()->set_term(1);
    snapshot.set_data("s");
    raftpb::HardState hs;
    hs.set_term(1);
    disk.FailAfter(fail_at);
    const bool saved =
        wal->SaveSnapshot(snapshot, hs, {MakeEntry(4, 1, "e4")}).ok();
    disk.FailAfter(-1);
    disk.Crash(0.5);
    Recovered again;
    OpenOk(disk, &again);
    const uint64_t snap = again.snapshot.metadata().index();
    EXPECT_TRUE(snap == 0 || snap == 3) << fail_at;
    if (saved) {
      EXPECT_EQ(snap, 3u) << fail_at;
    }
    EXPECT_EQ(again.entries.back().index(), 4u) << fail_at;
    EXPECT_EQ(again.entries.front().index(), snap + 1) << fail_at;
  }
}

TEST(Wal, OnlyWriteTornAwayMeansAFreshStart) {
  MemoryDisk disk;
  Recovered recovered;
  auto wal = OpenOk(disk, &recovered);
  disk.SetSyncFails(true);  // the append lands, its syncs fail
  EXPECT_FALSE(wal->Write(Batch(1, {1})).ok());
  disk.SetSyncFails(false);
  ASSERT_TRUE(disk.SyncDir().ok());  // the name is durable, the bytes not
  disk.Crash(0.5);
  Recovered again;
  OpenOk(disk, &again);
  EXPECT_FALSE(again.existed);
  EXPECT_GT(again.torn_tail_bytes, 0u);
}

// Random writes, snapshots, failures and crashes against a model: recovery
// gives every confirmed write, and at most the one write in flight besides.
RC_GTEST_PROP(WalProperties, RecoveryReturnsEveryConfirmedWrite,
              (const std::vector<std::pair<uint8_t, uint8_t>>& steps)) {
  MemoryDisk disk;
  Recovered recovered;
  auto wal = *Wal::Open(&disk, kPrefix, &recovered);
  std::vector<uint64_t> model;      // terms of entries 1.., as confirmed
  std::vector<uint64_t> in_flight;  // the state if the failed write landed
  uint64_t term = 1;
  uint64_t snapshot_index = 0;
  for (const auto& [kind, value] : steps) {
    switch (kind % 4) {
      case 0:
      case 1: {  // a write, which may fail on the way
        const uint64_t from =
            snapshot_index + 1 + value % (model.size() - snapshot_index + 1);
        term += value % 2;
        const std::vector<uint64_t> terms(1 + value % 3, term);
        std::vector<uint64_t> after = model;
        after.resize(from - 1);
        after.insert(after.end(), terms.begin(), terms.end());
        if (kind % 4 == 1) disk.FailAfter(value % 6);
        const bool ok = wal->Write(Batch(from, terms)).ok();
        disk.FailAfter(-1);
        if (ok) {
          model = after;
          in_flight.clear();
        } else {
          // Retried before anything else, as Write's contract asks.
          in_flight = after;
          RC_ASSERT(wal->Write(Batch(from, terms)).ok());
          model = after;
          in_flight.clear();
        }
        break;
      }
      case 2: {  // snapshot at a confirmed index
        if (model.size() <= snapshot_index) break;
        const uint64_t at =
            snapshot_index + 1 + value % (model.size() - snapshot_index);
        raftpb::Snapshot snapshot;
        snapshot.mutable_metadata()->set_index(at);
        snapshot.mutable_metadata()->set_term(model[at - 1]);
        std::vector<raftpb::Entry> after;
        for (uint64_t i = at + 1; i <= model.size(); ++i) {
          after.push_back(MakeEntry(i, model[i - 1], "e" + std::to_string(i)));
        }
        RC_ASSERT(wal->SaveSnapshot(snapshot, raftpb::HardState(), after).ok());
        snapshot_index = at;
        break;
      }
      case 3: {
        disk.Crash((value % 5) / 4.0);
        Recovered r;
        auto reopened = Wal::Open(&disk, kPrefix, &r);
        RC_ASSERT(reopened.ok());
        wal = *std::move(reopened);
        RC_ASSERT(r.snapshot.metadata().index() == snapshot_index);
        std::vector<uint64_t> terms(
            model.begin(), model.begin() + static_cast<long>(snapshot_index));
        for (const raftpb::Entry& e : r.entries) terms.push_back(e.term());
        RC_ASSERT(terms == model);
        break;
      }
    }
  }
}

}  // namespace
}  // namespace ekv::raft::wal
