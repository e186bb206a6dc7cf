// Binary encodings of the transaction records. Each starts with a version
// byte; decoding checks lengths and returns kInvalidRequest for anything
// malformed (these bytes come from log entries and the store).
//
// TxnMeta travels inside transactional log entries as the value of a
// synthetic mutation on "!txn|meta|<primary>"; it is never stored. TxnLock,
// TxnIntent and the commit record are the percolator records of a prepared
// (two-phase) transaction, stored under the !txn| keys (txn_keys.h).
#ifndef EKV_ENGINE_TXN_TXN_CODEC_H_
#define EKV_ENGINE_TXN_TXN_CODEC_H_

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace ekv::txn {

struct TxnMeta {
  std::string primary_key;
  uint64_t lock_ttl_ms = 0;  // how long a prepared lock may live unresolved
  uint64_t commit_ts = 0;    // 0 until the transaction has one

  friend bool operator==(const TxnMeta& a, const TxnMeta& b) {
    return a.primary_key == b.primary_key && a.lock_ttl_ms == b.lock_ttl_ms &&
           a.commit_ts == b.commit_ts;
  }
};

struct TxnLock {
  uint64_t start_ts = 0;
  uint64_t expire_at_ms = 0;  // physical ms after which a resolver may abort
  std::string primary_key;
  bool is_primary = false;
};

enum class IntentOp : uint8_t { kPut = 0, kDelete = 1 };

struct TxnIntent {
  uint64_t start_ts = 0;
  IntentOp op = IntentOp::kPut;
  std::string value;
};

std::string EncodeTxnMeta(const TxnMeta& meta);
absl::StatusOr<TxnMeta> DecodeTxnMeta(absl::string_view bytes);

std::string EncodeTxnLock(const TxnLock& lock);
absl::StatusOr<TxnLock> DecodeTxnLock(absl::string_view bytes);

std::string EncodeTxnIntent(const TxnIntent& intent);
absl::StatusOr<TxnIntent> DecodeTxnIntent(absl::string_view bytes);

std::string EncodeTxnCommitRecord(uint64_t commit_ts);
absl::StatusOr<uint64_t> DecodeTxnCommitRecord(absl::string_view bytes);

std::string EncodeTxnRollbackRecord();

}  // namespace ekv::txn

#endif  // EKV_ENGINE_TXN_TXN_CODEC_H_
