// The transaction-internal key namespaces, all under "!txn|":
//   !txn|lock|<user key>              the lock a prepared transaction holds
//   !txn|int|<user key>               its intent: the write it will make
//   !txn|cmt|<primary><start ts BE8>  the commit record of a transaction
//   !txn|rb|<primary><start ts BE8>   its rollback record
//   !txn|meta|<primary>               the synthetic mutation that carries a
//                                     TxnMeta inside a log entry; never stored
// User requests may not touch "!txn|" keys; scans of user data skip them.
#ifndef EKV_ENGINE_TXN_TXN_KEYS_H_
#define EKV_ENGINE_TXN_TXN_KEYS_H_

#include <cstdint>
#include <optional>
#include <string>

#include "absl/strings/string_view.h"

namespace ekv::txn {

inline constexpr absl::string_view kTxnKeyPrefix = "!txn|";
inline constexpr absl::string_view kTxnLockPrefix = "!txn|lock|";
inline constexpr absl::string_view kTxnIntentPrefix = "!txn|int|";
inline constexpr absl::string_view kTxnCommitPrefix = "!txn|cmt|";
inline constexpr absl::string_view kTxnRollbackPrefix = "!txn|rb|";
inline constexpr absl::string_view kTxnMetaPrefix = "!txn|meta|";

std::string TxnLockKey(absl::string_view user_key);
std::string TxnIntentKey(absl::string_view user_key);
std::string TxnCommitKey(absl::string_view primary_key, uint64_t start_ts);
std::string TxnRollbackKey(absl::string_view primary_key, uint64_t start_ts);
std::string TxnMetaKey(absl::string_view primary_key);

bool IsTxnInternalKey(absl::string_view key);
bool IsTxnMetaKey(absl::string_view key);

// The user key inside a transaction-internal key (for !txn|cmt| and !txn|rb|,
// the primary key), or nullopt when `key` is not one or is malformed.
std::optional<std::string> ExtractTxnUserKey(absl::string_view key);

}  // namespace ekv::txn

#endif  // EKV_ENGINE_TXN_TXN_KEYS_H_
