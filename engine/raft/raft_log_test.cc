// The in-memory log: MemoryStorage, UnstableLog and RaftLog.
#include "engine/raft/raft_log.h"

#include <optional>
#include <string>
#include <vector>

#include "engine/proto/raft.pb.h"
#include "engine/raft/log_unstable.h"
#include "engine/raft/storage.h"
#include "engine/raft/testing/solo.h"
#include "gtest/gtest.h"
#include "rapidcheck.h"
#include "rapidcheck/gtest.h"

namespace ekv::raft {
namespace {

using testing::MakeEntry;

std::vector<raftpb::Entry> Entries(uint64_t from, std::vector<uint64_t> terms) {
  std::vector<raftpb::Entry> out;
  for (uint64_t term : terms) out.push_back(MakeEntry(from++, term));
  return out;
}

TEST(MemoryStorage, AppendReplacesFromTheFirstConflictingIndex) {
  MemoryStorage storage;
  storage.Append(Entries(1, {1, 1, 1}));
  storage.Append(Entries(2, {2}));
  EXPECT_EQ(storage.LastIndex(), 2u);
  EXPECT_EQ(*storage.Term(2), 2u);
}

TEST(MemoryStorage, SnapshotThenCompactKeepsTheTermOfTheBoundary) {
  MemoryStorage storage;
  storage.Append(Entries(1, {1, 1, 2, 2, 3}));
  ASSERT_TRUE(storage.CreateSnapshot(4, raftpb::ConfState(), "s").ok());
  ASSERT_TRUE(storage.Compact(3).ok());
  EXPECT_EQ(storage.FirstIndex(), 4u);
  EXPECT_EQ(*storage.Term(3), 2u);
  EXPECT_TRUE(IsCompactedIndex(storage.Term(2).status()));
  std::vector<raftpb::Entry> out;
  EXPECT_TRUE(IsCompactedIndex(storage.Entries(2, 5, 100, &out)));
  EXPECT_FALSE(storage.Compact(5).ok()) << "beyond the snapshot";
  EXPECT_FALSE(storage.CreateSnapshot(4, raftpb::ConfState(), "").ok());
}

// TermIfHeld answers where Term() succeeds, with the same term, and nothing
// where it fails: below the compaction point, at it, inside and beyond.
TEST(MemoryStorage, TermIfHeldAgreesWithTermAtEveryIndex) {
  MemoryStorage storage;
  const auto agree = [&storage] {
    for (uint64_t index = 0; index <= storage.LastIndex() + 2; ++index) {
      const absl::StatusOr<uint64_t> term = storage.Term(index);
      const std::optional<uint64_t> held = storage.TermIfHeld(index);
      EXPECT_EQ(held.has_value(), term.ok()) << index;
      if (held.has_value() && term.ok()) {
        EXPECT_EQ(*held, *term) << index;
      }
    }
  };
  agree();  // empty
  storage.Append(Entries(1, {1, 1, 2, 2, 3}));
  agree();
  ASSERT_TRUE(storage.CreateSnapshot(4, raftpb::ConfState(), "s").ok());
  ASSERT_TRUE(storage.Compact(3).ok());
  agree();
  EXPECT_EQ(storage.TermIfHeld(3), std::optional<uint64_t>(2));
  EXPECT_EQ(storage.TermIfHeld(2), std::nullopt);
}

TEST(MemoryStorage, EntriesStopAtTheByteLimitButGiveAtLeastOne) {
  MemoryStorage storage;
  storage.Append({MakeEntry(1, 1, std::string(100, 'a')),
                  MakeEntry(2, 1, std::string(100, 'b'))});
  std::vector<raftpb::Entry> out;
  ASSERT_TRUE(storage.Entries(1, 3, 10, &out).ok());
  EXPECT_EQ(out.size(), 1u);
  out.clear();
  ASSERT_TRUE(storage.Entries(1, 3, 1000, &out).ok());
  EXPECT_EQ(out.size(), 2u);
}

TEST(UnstableLog, PersistedEntriesStayUntilApplied) {
  UnstableLog unstable(0);
  unstable.TruncateAndAppend(Entries(1, {1, 1, 1}));
  EXPECT_EQ(unstable.UnpersistedEntries().size(), 3u);
  unstable.PersistedTo(2, 1);
  EXPECT_EQ(unstable.UnpersistedEntries().size(), 1u);
  EXPECT_EQ(unstable.Slice(1, 4).size(), 3u) << "still held";
  unstable.ReleaseTo(3);
  EXPECT_EQ(unstable.offset(), 3u) << "only persisted entries are released";
}

TEST(UnstableLog, PersistedToIgnoresAnEntryThatWasReplaced) {
  UnstableLog unstable(0);
  unstable.TruncateAndAppend(Entries(1, {1, 1}));
  unstable.TruncateAndAppend(Entries(2, {2}));
  unstable.PersistedTo(2, 1);  // the old entry at 2
  EXPECT_EQ(unstable.persisted_index(), 0u);
}

TEST(RaftLog, FindConflictByTermSkipsWholeTerms) {
  MemoryStorage storage;
  storage.Append(Entries(1, {1, 1, 2, 2, 2, 5, 5}));
  RaftLog log(&storage, 1 << 20);
  EXPECT_EQ(log.FindConflictByTerm(7, 4),
            (std::pair<uint64_t, uint64_t>{5, 2}));
  EXPECT_EQ(log.FindConflictByTerm(7, 5),
            (std::pair<uint64_t, uint64_t>{7, 5}));
  EXPECT_EQ(log.FindConflictByTerm(4, 1),
            (std::pair<uint64_t, uint64_t>{2, 1}));
  EXPECT_EQ(log.FindConflictByTerm(4, 0),
            (std::pair<uint64_t, uint64_t>{0, 0}));
}

TEST(RaftLog, CommittedEntriesComeFromMemoryWithoutCopiesWhenHeld) {
  MemoryStorage storage;
  RaftLog log(&storage, 1 << 20);
  log.AppendSlot() = MakeEntry(1, 1, "x");
  log.CommitTo(1);
  std::vector<raftpb::Entry> scratch;
  const absl::Span<const raftpb::Entry> committed =
      log.NextCommittedEntries(&scratch);
  ASSERT_EQ(committed.size(), 1u);
  EXPECT_TRUE(scratch.empty()) << "served from the unstable log";
  EXPECT_EQ(committed[0].data(), "x");
}

// A model of a log as a vector of terms, against RaftLog driven through
// MaybeAppend (what a follower does with MSG_APP) and persistence.
RC_GTEST_PROP(RaftLogProperties, MaybeAppendMatchesTheModel,
              (const std::vector<std::pair<uint8_t, uint8_t>>& appends)) {
  MemoryStorage storage;
  RaftLog log(&storage, 1 << 20);
  std::vector<uint64_t> model;  // model[i] = term of index i + 1
  uint64_t term = 1;
  for (const auto& [at, count] : appends) {
    term += at % 2;
    const uint64_t prev = std::min<uint64_t>(at % 8, model.size());
    if (prev < log.committed()) continue;
    google::protobuf::RepeatedPtrField<raftpb::Entry> entries;
    for (uint64_t i = 0; i < count % 4u; ++i) {
      *entries.Add() = MakeEntry(prev + 1 + i, term);
    }
    const uint64_t prev_term = prev == 0 ? 0 : model[prev - 1];
    const auto last = log.MaybeAppend(prev, prev_term, 0, &entries);
    RC_ASSERT(last.has_value());
    // Model: entries replace from the first whose term differs.
    for (uint64_t i = 0; i < count % 4u; ++i) {
      const size_t pos = prev + i;
      if (pos < model.size() && model[pos] == term) continue;
      model.resize(pos);
      model.push_back(term);
    }
    RC_ASSERT(log.LastIndex() == model.size());
    for (size_t i = 0; i < model.size(); ++i) {
      RC_ASSERT(log.TermOrZero(i + 1) == model[i]);
    }
    // Persist what is unpersisted, as the application would.
    const absl::Span<const raftpb::Entry> unpersisted =
        log.UnpersistedEntries();
    storage.Append(unpersisted);
    if (!unpersisted.empty()) {
      log.PersistedTo(unpersisted.back().index(), unpersisted.back().term());
    }
    if (at % 5 == 0 && !model.empty()) log.CommitTo(model.size());
    log.AppliedTo(log.committed());
  }
}

}  // namespace
}  // namespace ekv::raft
