// OperationGroup: what a caller asks the coordinator to commit atomically,
// and its encoding as the log command the FSM applies (engine/proto/kv.proto).
#ifndef EKV_ENGINE_KV_OPERATION_H_
#define EKV_ENGINE_KV_OPERATION_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "engine/proto/kv.pb.h"

namespace ekv::kv {

// kAppend: a blind append resolved by the FSM at apply time (kv.proto APPEND).
enum class ElemOp : uint8_t { kPut, kDelete, kDeletePrefix, kExpire, kAppend };

struct Elem {
  ElemOp op = ElemOp::kPut;
  std::string key;             // for kDeletePrefix, the prefix
  std::string value;           // kPut: the value; kAppend: the bytes appended
  uint64_t expire_at = 0;      // kPut, kExpire: an HLC timestamp, 0: never
  std::string exclude_prefix;  // kDeletePrefix
};

// A condition checked by the FSM on the latest committed state when the group
// applies: the key holds `expected` (or is absent, when expect_absent).
struct Guard {
  std::string key;
  bool expect_absent = false;
  std::string expected;
};

struct OperationGroup {
  std::vector<Elem> elems;
  bool is_txn = false;
  // Transactions: the timestamp the reads were made at. Ignored otherwise.
  uint64_t start_ts = 0;
  // Pins the commit timestamp; the coordinator picks one when 0. A pinned
  // timestamp at or below the last applied commit is refused by the FSM.
  uint64_t commit_ts = 0;
  // The transaction's read set, validated by the FSM atomically with the
  // commit.
  std::vector<std::string> read_keys;
  // Conditions; when one fails nothing is written (ApplyResult's
  // condition_failed). Allowed on PUT/DEL groups and transactions.
  std::vector<Guard> guards;
  // Deduplication tag of a client operation; client_id 0: untagged.
  uint64_t client_id = 0;
  uint64_t seq = 0;
};

// Checks the shape the FSM accepts: at least one elem; a non-transactional
// group is PUT/DEL/APPEND only, or a single EXPIRE, or a single DEL_PREFIX; a
// transaction is PUT/DEL/APPEND only with a start timestamp; no empty keys, no
// !txn| keys; reads only in transactions.
absl::Status ValidateGroup(const OperationGroup& group);

// The command committing `group` at commit_ts, as a one-phase transaction
// when group.is_txn (the primary key is the first elem's).
kvpb::Command EncodeGroup(const OperationGroup& group, uint64_t commit_ts);

kvpb::Command HlcLeaseCommand(uint64_t ceiling_ms);
kvpb::Command CompactCommand(uint64_t min_ts);

}  // namespace ekv::kv

#endif  // EKV_ENGINE_KV_OPERATION_H_
