#include "engine/txn/txn_codec.h"

#include "absl/strings/str_cat.h"
#include "engine/base/status.h"
#include "engine/mvcc/encoding.h"

namespace ekv::txn {
namespace {

constexpr uint8_t kMetaVersion = 1;
constexpr uint8_t kLockVersion = 1;
constexpr uint8_t kIntentVersion = 1;
constexpr uint8_t kCommitVersion = 1;
constexpr uint8_t kRollbackVersion = 1;
constexpr uint8_t kLockFlagPrimary = 0x01;

absl::Status Malformed(absl::string_view what) {
  return InvalidRequestError(absl::StrCat("malformed ", what));
}

// Reads the version byte and checks it.
bool OpenRecord(mvcc::Decoder& in, uint8_t version) {
  uint8_t got = 0;
  return in.GetByte(&got) && got == version;
}

}  // namespace

std::string EncodeTxnMeta(const TxnMeta& meta) {
  std::string out(1, static_cast<char>(kMetaVersion));
  mvcc::PutVarint64(&out, meta.lock_ttl_ms);
  mvcc::PutVarint64(&out, meta.commit_ts);
  mvcc::PutLengthPrefixed(&out, meta.primary_key);
  return out;
}

absl::StatusOr<TxnMeta> DecodeTxnMeta(absl::string_view bytes) {
  mvcc::Decoder in(bytes);
  TxnMeta meta;
  absl::string_view primary;
  if (!OpenRecord(in, kMetaVersion) || !in.GetVarint64(&meta.lock_ttl_ms) ||
      !in.GetVarint64(&meta.commit_ts) || !in.GetLengthPrefixed(&primary) ||
      !in.done()) {
    return Malformed("txn meta");
  }
  meta.primary_key = std::string(primary);
  return meta;
}

std::string EncodeTxnLock(const TxnLock& lock) {
  std::string out(1, static_cast<char>(kLockVersion));
  mvcc::PutVarint64(&out, lock.start_ts);
  mvcc::PutVarint64(&out, lock.expire_at_ms);
  out.push_back(static_cast<char>(lock.is_primary ? kLockFlagPrimary : 0));
  mvcc::PutLengthPrefixed(&out, lock.primary_key);
  return out;
}

absl::StatusOr<TxnLock> DecodeTxnLock(absl::string_view bytes) {
  mvcc::Decoder in(bytes);
  TxnLock lock;
  uint8_t flags = 0;
  absl::string_view primary;
  if (!OpenRecord(in, kLockVersion) || !in.GetVarint64(&lock.start_ts) ||
      !in.GetVarint64(&lock.expire_at_ms) || !in.GetByte(&flags) ||
      (flags & ~kLockFlagPrimary) != 0 || !in.GetLengthPrefixed(&primary) ||
      !in.done()) {
    return Malformed("txn lock");
  }
  lock.is_primary = (flags & kLockFlagPrimary) != 0;
  lock.primary_key = std::string(primary);
  return lock;
}

std::string EncodeTxnIntent(const TxnIntent& intent) {
  std::string out(1, static_cast<char>(kIntentVersion));
  mvcc::PutVarint64(&out, intent.start_ts);
  out.push_back(static_cast<char>(intent.op));
  mvcc::PutLengthPrefixed(&out, intent.value);
  return out;
}

absl::StatusOr<TxnIntent> DecodeTxnIntent(absl::string_view bytes) {
  mvcc::Decoder in(bytes);
  TxnIntent intent;
  uint8_t op = 0;
  absl::string_view value;
  if (!OpenRecord(in, kIntentVersion) || !in.GetVarint64(&intent.start_ts) ||
      !in.GetByte(&op) || op > static_cast<uint8_t>(IntentOp::kDelete) ||
      !in.GetLengthPrefixed(&value) || !in.done()) {
    return Malformed("txn intent");
  }
  intent.op = static_cast<IntentOp>(op);
  intent.value = std::string(value);
  return intent;
}

std::string EncodeTxnCommitRecord(uint64_t commit_ts) {
  std::string out(1, static_cast<char>(kCommitVersion));
  mvcc::PutVarint64(&out, commit_ts);
  return out;
}

absl::StatusOr<uint64_t> DecodeTxnCommitRecord(absl::string_view bytes) {
  mvcc::Decoder in(bytes);
  uint64_t commit_ts = 0;
  if (!OpenRecord(in, kCommitVersion) || !in.GetVarint64(&commit_ts) ||
      !in.done()) {
    return Malformed("txn commit record");
  }
  return commit_ts;
}

std::string EncodeTxnRollbackRecord() {
  return std::string(1, static_cast<char>(kRollbackVersion));
}

}  // namespace ekv::txn
