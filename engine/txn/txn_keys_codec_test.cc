#include <string>

#include "engine/base/status.h"
#include "engine/txn/txn_codec.h"
#include "engine/txn/txn_keys.h"
#include "gtest/gtest.h"
#include "rapidcheck.h"
#include "rapidcheck/gtest.h"

namespace ekv::txn {
namespace {

TEST(TxnKeys, ExtractTheUserKeyFromEveryNamespace) {
  EXPECT_EQ(ExtractTxnUserKey(TxnLockKey("k")), "k");
  EXPECT_EQ(ExtractTxnUserKey(TxnIntentKey("k")), "k");
  EXPECT_EQ(ExtractTxnUserKey(TxnMetaKey("k")), "k");
  EXPECT_EQ(ExtractTxnUserKey(TxnCommitKey("pk", 42)), "pk");
  EXPECT_EQ(ExtractTxnUserKey(TxnRollbackKey("pk", 42)), "pk");
  EXPECT_EQ(ExtractTxnUserKey("user"), std::nullopt);
  EXPECT_EQ(ExtractTxnUserKey("!txn|cmt|short"), std::nullopt);
  EXPECT_TRUE(IsTxnInternalKey(TxnLockKey("k")));
  EXPECT_FALSE(IsTxnInternalKey("!tx"));
  EXPECT_TRUE(IsTxnMetaKey(TxnMetaKey("")));
}

TEST(TxnKeys, CommitKeysSortByStartTimestamp) {
  EXPECT_LT(TxnCommitKey("pk", 1), TxnCommitKey("pk", 256));
  EXPECT_LT(TxnCommitKey("pk", 255), TxnCommitKey("pk", 256));
}

RC_GTEST_PROP(TxnCodec, MetaRoundTrips,
              (const std::string& primary, uint64_t ttl, uint64_t commit_ts)) {
  const TxnMeta meta{primary, ttl, commit_ts};
  const auto decoded = DecodeTxnMeta(EncodeTxnMeta(meta));
  RC_ASSERT(decoded.ok());
  RC_ASSERT(*decoded == meta);
}

RC_GTEST_PROP(TxnCodec, LockAndIntentRoundTrip,
              (const std::string& primary, uint64_t start_ts, bool primary_flag,
               const std::string& value)) {
  const TxnLock lock{start_ts, start_ts / 3, primary, primary_flag};
  const auto got = DecodeTxnLock(EncodeTxnLock(lock));
  RC_ASSERT(got.ok());
  RC_ASSERT(got->start_ts == lock.start_ts);
  RC_ASSERT(got->expire_at_ms == lock.expire_at_ms);
  RC_ASSERT(got->primary_key == lock.primary_key);
  RC_ASSERT(got->is_primary == lock.is_primary);
  const TxnIntent intent{start_ts, IntentOp::kDelete, value};
  const auto got_intent = DecodeTxnIntent(EncodeTxnIntent(intent));
  RC_ASSERT(got_intent.ok());
  RC_ASSERT(got_intent->op == IntentOp::kDelete);
  RC_ASSERT(got_intent->value == value);
  RC_ASSERT(*DecodeTxnCommitRecord(EncodeTxnCommitRecord(start_ts)) ==
            start_ts);
}

RC_GTEST_PROP(TxnCodec, GarbageIsAnErrorNotACrash, (const std::string& bytes)) {
  // Whatever the bytes, decoding returns; a success re-encodes to the input.
  const auto meta = DecodeTxnMeta(bytes);
  if (meta.ok()) RC_ASSERT(EncodeTxnMeta(*meta) == bytes);
  (void)DecodeTxnLock(bytes);
  (void)DecodeTxnIntent(bytes);
  (void)DecodeTxnCommitRecord(bytes);
}

TEST(TxnCodec, TruncatedMetaIsInvalid) {
  const std::string bytes = EncodeTxnMeta({"primary", 10, 20});
  for (size_t cut = 0; cut < bytes.size(); ++cut) {
    EXPECT_TRUE(IsErrorKind(DecodeTxnMeta(bytes.substr(0, cut)).status(),
                            ErrorKind::kInvalidRequest));
  }
}

}  // namespace
}  // namespace ekv::txn
