#include "engine/mvcc/store.h"

#include <string>

#include "engine/base/status.h"
#include "gtest/gtest.h"

namespace ekv::mvcc {
namespace {

std::optional<std::string> Get(const Store& store, absl::string_view key,
                               uint64_t ts) {
  auto result = store.GetAt(key, ts);
  EXPECT_TRUE(result.ok()) << result.status();
  return result.ok() ? *result : std::nullopt;
}

std::vector<std::string> Keys(const std::vector<KvPair>& pairs) {
  std::vector<std::string> keys;
  for (const auto& pair : pairs) keys.push_back(pair.key);
  return keys;
}

TEST(MvccStore, ReadSeesNewestVersionAtOrBelowItsTimestamp) {
  Store store;
  ASSERT_TRUE(store.PutAt("k", "v1", 10).ok());
  ASSERT_TRUE(store.PutAt("k", "v2", 20).ok());
  EXPECT_EQ(Get(store, "k", 9), std::nullopt);
  EXPECT_EQ(Get(store, "k", 10), "v1");
  EXPECT_EQ(Get(store, "k", 19), "v1");
  EXPECT_EQ(Get(store, "k", 20), "v2");
  EXPECT_EQ(Get(store, "k", kMaxTimestamp), "v2");
}

TEST(MvccStore, TombstoneHidesOlderVersionsOnlyFromItsTimestamp) {
  Store store;
  ASSERT_TRUE(store.PutAt("k", "v", 10).ok());
  ASSERT_TRUE(store.DeleteAt("k", 20).ok());
  EXPECT_EQ(Get(store, "k", 15), "v");
  EXPECT_EQ(Get(store, "k", 20), std::nullopt);
  EXPECT_FALSE(*store.ExistsAt("k", 25));
  EXPECT_TRUE(*store.ExistsAt("k", 12));
  EXPECT_EQ(store.LatestCommitTS("k"), 20u);
}

TEST(MvccStore, WriteAtOrBelowLatestCommitIsAConflict) {
  Store store;
  ASSERT_TRUE(store.PutAt("k", "v", 10).ok());
  EXPECT_TRUE(
      IsErrorKind(store.PutAt("k", "w", 10), ErrorKind::kWriteConflict));
  EXPECT_TRUE(IsErrorKind(store.DeleteAt("k", 5), ErrorKind::kWriteConflict));
  EXPECT_EQ(Get(store, "k", 100), "v");
}

TEST(MvccStore, TtlHidesTheValueFromItsExpiry) {
  Store store;
  ASSERT_TRUE(store.PutWithTTLAt("k", "v", 10, 30).ok());
  EXPECT_EQ(Get(store, "k", 29), "v");
  EXPECT_EQ(Get(store, "k", 30), std::nullopt);
  // ExpireAt re-writes the visible value with a new expiry.
  Store other;
  ASSERT_TRUE(other.PutAt("k", "v", 10).ok());
  EXPECT_TRUE(*other.ExpireAt("k", 50, 20));
  EXPECT_EQ(Get(other, "k", 49), "v");
  EXPECT_EQ(Get(other, "k", 50), std::nullopt);
  EXPECT_FALSE(*other.ExpireAt("missing", 50, 21));
}

TEST(MvccStore, ScansRespectRangeLimitAndDirection) {
  Store store;
  for (const char* key : {"a", "b", "c", "d"}) {
    ASSERT_TRUE(store.PutAt(key, key, 10).ok());
  }
  ASSERT_TRUE(store.DeleteAt("c", 11).ok());
  EXPECT_EQ(Keys(*store.ScanAt("b", "", 10, 20)),
            (std::vector<std::string>{"b", "d"}));
  EXPECT_EQ(Keys(*store.ScanAt("a", "d", 10, 10)),
            (std::vector<std::string>{"a", "b", "c"}));
  EXPECT_EQ(Keys(*store.ScanAt("a", "", 2, 20)),
            (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(Keys(*store.ReverseScanAt("a", "", 10, 20)),
            (std::vector<std::string>{"d", "b", "a"}));
  EXPECT_EQ(Keys(*store.ReverseScanAt("b", "d", 10, 10)),
            (std::vector<std::string>{"c", "b"}));
  EXPECT_TRUE(IsErrorKind(store.ScanAt("a", "", 0, 10).status(),
                          ErrorKind::kInvalidRequest));
}

TEST(MvccStore, DeletePrefixSparesTheExcludedPrefix) {
  Store store;
  for (const char* key : {"p|1", "p|2", "p|x|1", "q"}) {
    ASSERT_TRUE(store.PutAt(key, "v", 10).ok());
  }
  auto deleted = store.DeletePrefixAt("p|", "p|x|", 20);
  ASSERT_TRUE(deleted.ok());
  EXPECT_EQ(*deleted, 2);
  EXPECT_EQ(Keys(*store.ScanAt("", "", 10, 20)),
            (std::vector<std::string>{"p|x|1", "q"}));
  EXPECT_EQ(Keys(*store.ScanAt("", "", 10, 19)).size(), 4u);
}

TEST(MvccStore, WriteWriteConflictAbortsTheWholeGroup) {
  Store store;
  ASSERT_TRUE(store.PutAt("a", "1", 10).ok());
  std::vector<Mutation> muts = {{MutationOp::kPut, "a", "2", 0},
                                {MutationOp::kPut, "b", "2", 0}};
  const absl::Status status = store.ApplyMutations(muts, {}, 5, 20);
  EXPECT_TRUE(IsErrorKind(status, ErrorKind::kWriteConflict)) << status;
  EXPECT_EQ(Get(store, "b", 30), std::nullopt);
  EXPECT_EQ(store.WriteConflictCountsByPrefix().at("write|"), 1u);
  EXPECT_TRUE(store.ApplyMutations(muts, {}, 10, 20).ok());
  EXPECT_EQ(Get(store, "a", 20), "2");
  EXPECT_EQ(Get(store, "b", 20), "2");
}

TEST(MvccStore, ReadWriteConflictAbortsEvenWithoutAWriteOverlap) {
  // Write skew: T1 read x wrote y, T2 read y wrote x, both from ts 10.
  Store store;
  ASSERT_TRUE(store.PutAt("x", "0", 5).ok());
  ASSERT_TRUE(store.PutAt("y", "0", 5).ok());
  std::vector<Mutation> t1 = {{MutationOp::kPut, "y", "1", 0}};
  std::vector<Mutation> t2 = {{MutationOp::kPut, "x", "1", 0}};
  ASSERT_TRUE(store.ApplyMutations(t1, {"x"}, 10, 20).ok());
  const absl::Status second = store.ApplyMutations(t2, {"y"}, 10, 21);
  EXPECT_TRUE(IsErrorKind(second, ErrorKind::kWriteConflict)) << second;
  EXPECT_EQ(store.WriteConflictCountsByPrefix().at("read|"), 1u);
}

TEST(MvccStore, LastMutationOfAKeyWins) {
  Store store;
  std::vector<Mutation> muts = {{MutationOp::kPut, "k", "1", 0},
                                {MutationOp::kDelete, "k", "", 0}};
  ASSERT_TRUE(store.ApplyMutations(muts, {}, 10, 10).ok());
  EXPECT_EQ(Get(store, "k", 10), std::nullopt);
  EXPECT_EQ(store.version_count(), 1u);
}

TEST(MvccStore, AppendsExtendTheValueBeforeThemInOrder) {
  Store store;
  ASSERT_TRUE(store.PutWithTTLAt("k", "a", 10, 1000).ok());
  std::vector<Mutation> muts = {{MutationOp::kAppend, "k", "1", 0},
                                {MutationOp::kAppend, "k", "2", 0},
                                {MutationOp::kAppend, "new", "x", 0}};
  ASSERT_TRUE(store.ApplyMutations(muts, {}, 10, 20).ok());
  EXPECT_EQ(Get(store, "k", 20), "a12");
  EXPECT_EQ(Get(store, "k", 19), "a");
  EXPECT_EQ(Get(store, "new", 20), "x");
  EXPECT_EQ(store.VersionsOf("k").back().expire_at, 1000u) << "keeps its TTL";
  // A put or delete earlier in the group is what the append extends.
  std::vector<Mutation> reset = {{MutationOp::kDelete, "k", "", 0},
                                 {MutationOp::kAppend, "k", "3", 0},
                                 {MutationOp::kPut, "new", "y", 0},
                                 {MutationOp::kAppend, "new", "z", 0}};
  ASSERT_TRUE(store.ApplyMutations(reset, {}, 20, 30).ok());
  EXPECT_EQ(Get(store, "k", 30), "3");
  EXPECT_EQ(store.VersionsOf("k").back().expire_at, 0u);
  EXPECT_EQ(Get(store, "new", 30), "yz");
  // An expired value appends as absent.
  ASSERT_TRUE(store.PutWithTTLAt("t", "old", 40, 45).ok());
  std::vector<Mutation> late = {{MutationOp::kAppend, "t", "4", 0}};
  ASSERT_TRUE(store.ApplyMutations(late, {}, 50, 50).ok());
  EXPECT_EQ(Get(store, "t", 50), "4");
}

TEST(MvccStore, AnAppendedKeyIsWrittenSoItConflicts) {
  Store store;
  ASSERT_TRUE(store.PutAt("k", "a", 10).ok());
  ASSERT_TRUE(store.PutAt("k", "b", 15).ok());
  std::vector<Mutation> muts = {{MutationOp::kAppend, "k", "1", 0}};
  const absl::Status status = store.ApplyMutations(muts, {}, 10, 20);
  EXPECT_TRUE(IsErrorKind(status, ErrorKind::kWriteConflict)) << status;
  EXPECT_EQ(Get(store, "k", 20), "b");
  ASSERT_TRUE(store.ApplyMutations(muts, {}, 15, 20).ok());
  EXPECT_EQ(Get(store, "k", 20), "b1");
}

TEST(MvccStore, CompactionKeepsReadsAtAndAboveMinTs) {
  Store store;
  ASSERT_TRUE(store.PutAt("k", "v1", 10).ok());
  ASSERT_TRUE(store.PutAt("k", "v2", 20).ok());
  ASSERT_TRUE(store.PutAt("k", "v3", 30).ok());
  ASSERT_TRUE(store.PutAt("gone", "v", 10).ok());
  ASSERT_TRUE(store.DeleteAt("gone", 15).ok());
  store.Compact(25);
  EXPECT_EQ(store.VersionsOf("k").size(), 2u);
  EXPECT_EQ(store.key_count(), 1u);
  EXPECT_EQ(Get(store, "k", 25), "v2");
  EXPECT_EQ(Get(store, "k", 30), "v3");
  EXPECT_TRUE(
      IsErrorKind(store.GetAt("k", 24).status(), ErrorKind::kCompacted));
  EXPECT_TRUE(IsErrorKind(store.ApplyMutations({}, {"k"}, 24, 40),
                          ErrorKind::kCompacted));
  EXPECT_EQ(store.LastCommitTS(), 30u);
}

TEST(MvccStore, SnapshotRoundTripsAndRejectsCorruption) {
  Store store;
  ASSERT_TRUE(store.PutWithTTLAt("a", "1", 10, 50).ok());
  ASSERT_TRUE(store.DeleteAt("a", 20).ok());
  ASSERT_TRUE(store.PutAt("b", std::string("\0x", 2), 30).ok());
  store.Compact(12);
  const std::string snapshot = store.Snapshot();
  Store copy;
  ASSERT_TRUE(copy.Restore(snapshot).ok());
  EXPECT_EQ(copy.StateHash(), store.StateHash());
  EXPECT_EQ(copy.compacted_ts(), 12u);
  EXPECT_EQ(Get(copy, "b", 30), std::string("\0x", 2));
  for (size_t i = 0; i < snapshot.size(); ++i) {
    std::string bad = snapshot;
    bad[i] ^= 0x20;
    Store target;
    ASSERT_TRUE(target.PutAt("keep", "me", 1).ok());
    const absl::Status status = target.Restore(bad);
    EXPECT_TRUE(IsErrorKind(status, ErrorKind::kCorruption)) << i;
    EXPECT_EQ(Get(target, "keep", 1), "me") << "a failed restore changed state";
  }
  Store empty;
  EXPECT_FALSE(empty.Restore(snapshot.substr(0, snapshot.size() - 1)).ok());
}

TEST(MvccStore, ConflictPrefixIsTheKeysNamespace) {
  EXPECT_EQ(ConflictPrefix("!txn|lock|k"), "!txn|");
  EXPECT_EQ(ConflictPrefix("user:42"), "user:");
  EXPECT_EQ(ConflictPrefix("plain"), "");
  EXPECT_EQ(ConflictPrefix("|x"), "");
}

}  // namespace
}  // namespace ekv::mvcc
