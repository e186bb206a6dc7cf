#include "engine/txn/txn_keys.h"

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"

namespace ekv::txn {
namespace {

constexpr size_t kStartTsSuffixBytes = 8;

std::string BigEndian8(uint64_t value) {
  std::string out(kStartTsSuffixBytes, '\0');
  for (size_t i = 0; i < kStartTsSuffixBytes; ++i) {
    out[kStartTsSuffixBytes - 1 - i] =
        static_cast<char>((value >> (8 * i)) & 0xff);
  }
  return out;
}

}  // namespace

std::string TxnLockKey(absl::string_view user_key) {
  return absl::StrCat(kTxnLockPrefix, user_key);
}

std::string TxnIntentKey(absl::string_view user_key) {
  return absl::StrCat(kTxnIntentPrefix, user_key);
}

std::string TxnCommitKey(absl::string_view primary_key, uint64_t start_ts) {
  return absl::StrCat(kTxnCommitPrefix, primary_key, BigEndian8(start_ts));
}

std::string TxnRollbackKey(absl::string_view primary_key, uint64_t start_ts) {
  return absl::StrCat(kTxnRollbackPrefix, primary_key, BigEndian8(start_ts));
}

std::string TxnMetaKey(absl::string_view primary_key) {
  return absl::StrCat(kTxnMetaPrefix, primary_key);
}

bool IsTxnInternalKey(absl::string_view key) {
  return absl::StartsWith(key, kTxnKeyPrefix);
}

bool IsTxnMetaKey(absl::string_view key) {
  return absl::StartsWith(key, kTxnMetaPrefix);
}

std::optional<std::string> ExtractTxnUserKey(absl::string_view key) {
  for (absl::string_view prefix :
       {kTxnLockPrefix, kTxnIntentPrefix, kTxnMetaPrefix}) {
    if (absl::ConsumePrefix(&key, prefix)) return std::string(key);
  }
  for (absl::string_view prefix : {kTxnCommitPrefix, kTxnRollbackPrefix}) {
    if (absl::ConsumePrefix(&key, prefix)) {
      if (key.size() < kStartTsSuffixBytes) return std::nullopt;
      return std::string(key.substr(0, key.size() - kStartTsSuffixBytes));
    }
  }
  return std::nullopt;
}

}  // namespace ekv::txn
