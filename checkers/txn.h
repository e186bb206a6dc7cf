// Transactions of a history in compact form, for the Elle-style checkers.
//
// Every op of f "txn" becomes a Txn whose micro-ops (mops) are
//   ["append", k, v]  ["r", k, [v...] or null]   (list-append)
//   ["w", k, v]       ["r", k, v or null]         (rw-register)
// Keys and values are interned to dense ids, so that the checkers work on
// integers. An ok txn's mops come from its completion (the reads filled in);
// an info or failed txn's from its invocation, whose reads are unknown. The
// completion must repeat the invocation's mops, with only read values filled
// in. Anything else is an error naming the line.
#ifndef EKV_CHECKERS_TXN_H_
#define EKV_CHECKERS_TXN_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "checkers/history.h"
#include "checkers/value.h"

namespace ekv::checkers {

enum class TxnModel : uint8_t { kListAppend, kRwRegister };

enum class MopKind : uint8_t { kAppend, kWrite, kRead };

struct Mop {
  MopKind kind = MopKind::kRead;
  bool read_known = false;  // reads: the value is known (an ok txn)
  bool list = false;        // a list-append read
  uint32_t key = 0;
  // append/write: the value id. rw-register read: the value id read (kNil for
  // nil). list-append read: offset of its elements in TxnTable::elements.
  uint32_t value = 0;
  uint32_t length = 0;  // list-append read: number of elements
};

struct Txn {
  int32_t op = 0;  // index in History::ops
  OpType type = OpType::kOk;
  uint32_t first_mop = 0;
  uint32_t mop_count = 0;
};

class TxnTable {
 public:
  static constexpr uint32_t kNil = 0;  // the value id of nil

  // Parses every op of `history` (all must be txns) for `model`.
  static absl::StatusOr<TxnTable> Build(const History& history, TxnModel model);

  const std::vector<Txn>& txns() const { return txns_; }
  const Mop* mops(const Txn& t) const { return mops_.data() + t.first_mop; }
  // The elements of a list-append read.
  const uint32_t* elements(const Mop& read) const {
    return elements_.data() + read.value;  // valid for empty reads too
  }
  const Value& key(uint32_t id) const { return keys_[id]; }
  const Value& value(uint32_t id) const { return values_[id]; }
  size_t key_count() const { return keys_.size(); }
  size_t value_count() const { return values_.size(); }

 private:
  TxnTable() = default;
  absl::Status AddTxn(const Operation& op, TxnModel model);
  uint32_t InternKey(const Value& v);
  uint32_t InternValue(const Value& v);

  std::vector<Txn> txns_;
  std::vector<Mop> mops_;
  std::vector<uint32_t> elements_;
  std::vector<Value> keys_;
  std::vector<Value> values_;
  // Lookups only; never iterated, so hash order cannot reach output.
  absl::flat_hash_map<Value, uint32_t> key_ids_;
  absl::flat_hash_map<Value, uint32_t> value_ids_;
  // Integer values (most of a list-append history: every element of every
  // read) skip hashing and comparing Values; same ids as value_ids_ would give.
  absl::flat_hash_map<int64_t, uint32_t> int_value_ids_;
};

// "append 3 to k", "read k = [1 2]", "write 3 to k", "read k = 3" for
// explanations.
std::string DescribeMop(const TxnTable& table, const Mop& mop);

}  // namespace ekv::checkers

#endif  // EKV_CHECKERS_TXN_H_
