#include "engine/txn/txn_apply.h"

#include "engine/base/status.h"
#include "engine/txn/txn_keys.h"
#include "gtest/gtest.h"

namespace ekv::txn {
namespace {

using mvcc::Mutation;
using mvcc::MutationOp;

Mutation Put(const std::string& key, const std::string& value) {
  return Mutation{MutationOp::kPut, key, value, 0};
}

std::optional<std::string> Get(const mvcc::Store& store, const std::string& key,
                               uint64_t ts) {
  auto got = store.GetAt(key, ts);
  EXPECT_TRUE(got.ok()) << got.status();
  return got.ok() ? *got : std::nullopt;
}

TEST(OnePhase, CommitsAtCommitTs) {
  mvcc::Store store;
  ASSERT_TRUE(
      ApplyOnePhase(store, {Put("a", "1"), Put("b", "2")}, {"c"}, 10, 20).ok());
  EXPECT_EQ(Get(store, "a", 19), std::nullopt);
  EXPECT_EQ(Get(store, "a", 20), "1");
  EXPECT_EQ(Get(store, "b", 20), "2");
}

TEST(OnePhase, ReadSetChangedAfterStartAborts) {
  mvcc::Store store;
  ASSERT_TRUE(store.PutAt("c", "x", 15).ok());
  const absl::Status status =
      ApplyOnePhase(store, {Put("a", "1")}, {"c"}, 10, 20);
  EXPECT_TRUE(IsErrorKind(status, ErrorKind::kWriteConflict)) << status;
  EXPECT_EQ(Get(store, "a", 30), std::nullopt);
}

TEST(OnePhase, RefusesTxnKeysAndABackwardsCommit) {
  mvcc::Store store;
  EXPECT_TRUE(
      IsErrorKind(ApplyOnePhase(store, {Put(TxnLockKey("a"), "x")}, {}, 10, 20),
                  ErrorKind::kInvalidRequest));
  EXPECT_TRUE(IsErrorKind(ApplyOnePhase(store, {Put("a", "x")}, {}, 20, 20),
                          ErrorKind::kInvalidRequest));
  EXPECT_TRUE(IsErrorKind(ApplyOnePhase(store, {}, {}, 10, 20),
                          ErrorKind::kInvalidRequest));
}

class TwoPhase : public ::testing::Test {
 protected:
  TxnMeta Meta(uint64_t commit_ts) { return TxnMeta{"a", 1000, commit_ts}; }
  mvcc::Store store;
};

TEST_F(TwoPhase, PrepareLocksCommitPublishes) {
  ASSERT_TRUE(
      ApplyPrepare(store, Meta(0), {Put("a", "1"), Put("b", "2")}, {}, 10)
          .ok());
  // A reader at or above the start ts must wait for the outcome.
  EXPECT_TRUE(
      IsErrorKind(CheckReadable(store, "b", 10), ErrorKind::kTxnLocked));
  EXPECT_TRUE(CheckReadable(store, "b", 9).ok());
  EXPECT_TRUE(IsErrorKind(ApplyOnePhase(store, {Put("b", "x")}, {}, 11, 12),
                          ErrorKind::kTxnLocked));
  // Another transaction's prepare on a locked key is refused.
  EXPECT_TRUE(IsErrorKind(
      ApplyPrepare(store, TxnMeta{"b", 1000, 0}, {Put("b", "3")}, {}, 11),
      ErrorKind::kTxnLocked));
  ASSERT_TRUE(ApplyCommit(store, Meta(30), {"a", "b"}, 10).ok());
  EXPECT_EQ(Get(store, "a", 30), "1");
  EXPECT_EQ(Get(store, "b", 30), "2");
  EXPECT_EQ(Get(store, "b", 29), std::nullopt);
  EXPECT_TRUE(CheckReadable(store, "b", 40).ok());
  // Retries are idempotent; an abort after the commit is refused.
  EXPECT_TRUE(ApplyCommit(store, Meta(30), {"a", "b"}, 10).ok());
  EXPECT_TRUE(IsErrorKind(ApplyAbort(store, Meta(31), {"a", "b"}, 10, 31),
                          ErrorKind::kTxnAlreadyCommitted));
  EXPECT_TRUE(IsErrorKind(ApplyCommit(store, Meta(33), {"a"}, 10),
                          ErrorKind::kInvalidRequest));
}

TEST_F(TwoPhase, LocksOfKeysOfEveryLengthAreFound) {
  // Around the size up to which lock keys are built without allocating.
  for (size_t length : {0u, 1u, 117u, 118u, 119u, 500u}) {
    const std::string key(length, 'k');
    if (length == 0) {
      EXPECT_FALSE(LockOf(store, key)->has_value());
      continue;
    }
    ASSERT_TRUE(ApplyPrepare(store, TxnMeta{key, 1000, 0}, {Put(key, "v")}, {},
                             10 * length)
                    .ok());
    const auto lock = LockOf(store, key);
    ASSERT_TRUE(lock.ok());
    ASSERT_TRUE(lock->has_value()) << length;
    EXPECT_EQ((*lock)->start_ts, 10 * length);
    EXPECT_TRUE(IsErrorKind(CheckUnlocked(store, key), ErrorKind::kTxnLocked));
    EXPECT_TRUE(CheckUnlocked(store, key + "x").ok());
  }
}

TEST_F(TwoPhase, PrepareResolvesAppendsAgainstTheStateAtItsStart) {
  ASSERT_TRUE(store.PutAt("a", "x", 5).ok());
  const mvcc::Mutation append{mvcc::MutationOp::kAppend, "a", "1", 0};
  ASSERT_TRUE(ApplyPrepare(store, Meta(0), {append, append}, {}, 10).ok());
  ASSERT_TRUE(ApplyCommit(store, Meta(30), {"a"}, 10).ok());
  EXPECT_EQ(Get(store, "a", 30), "x11");
  EXPECT_EQ(Get(store, "a", 29), "x");
}

TEST_F(TwoPhase, AbortRemovesLocksAndForbidsTheCommit) {
  ASSERT_TRUE(
      ApplyPrepare(store, Meta(0), {Put("a", "1"), Put("b", "2")}, {}, 10)
          .ok());
  ASSERT_TRUE(ApplyAbort(store, Meta(20), {"a", "b"}, 10, 20).ok());
  EXPECT_TRUE(CheckUnlocked(store, "a").ok());
  EXPECT_EQ(Get(store, "a", 50), std::nullopt);
  EXPECT_TRUE(ApplyAbort(store, Meta(21), {"a", "b"}, 10, 21).ok());
  EXPECT_TRUE(IsErrorKind(ApplyCommit(store, Meta(30), {"a", "b"}, 10),
                          ErrorKind::kTxnAlreadyAborted));
  EXPECT_TRUE(IsErrorKind(ApplyPrepare(store, Meta(0), {Put("a", "1")}, {}, 10),
                          ErrorKind::kTxnAlreadyAborted));
}

TEST_F(TwoPhase, PrepareDetectsConflictsOnWrittenAndReadKeys) {
  ASSERT_TRUE(store.PutAt("r", "x", 15).ok());
  EXPECT_TRUE(
      IsErrorKind(ApplyPrepare(store, Meta(0), {Put("a", "1")}, {"r"}, 10),
                  ErrorKind::kWriteConflict));
  ASSERT_TRUE(store.PutAt("a", "x", 16).ok());
  EXPECT_TRUE(IsErrorKind(ApplyPrepare(store, Meta(0), {Put("a", "1")}, {}, 10),
                          ErrorKind::kWriteConflict));
  EXPECT_TRUE(CheckUnlocked(store, "a").ok());
}

TEST_F(TwoPhase, PrepareRetryIsIdempotent) {
  ASSERT_TRUE(ApplyPrepare(store, Meta(0), {Put("a", "1")}, {}, 10).ok());
  EXPECT_TRUE(ApplyPrepare(store, Meta(0), {Put("a", "1")}, {}, 10).ok());
  EXPECT_TRUE(ApplyCommit(store, Meta(20), {"a"}, 10).ok());
  EXPECT_EQ(Get(store, "a", 20), "1");
}

TEST_F(TwoPhase, CommitOfAnUnpreparedTransactionIsInvalid) {
  EXPECT_TRUE(IsErrorKind(ApplyCommit(store, Meta(20), {"a"}, 10),
                          ErrorKind::kInvalidRequest));
}

}  // namespace
}  // namespace ekv::txn
