// ListAppendKeys: the keys the clients of one list-append workload share.
// `active` keys are in use at a time; a key is retired once it has been given
// appends_per_key_max values and a fresh key takes its place, so lists stay
// short and the checker sees many keys (as Jepsen's list-append does). The
// values appended to a key are 1, 2, 3, ... : unique per key, as Elle needs.
// Deterministic: picks draw from the caller's Random only.
#ifndef EKV_WORKLOADS_LIST_APPEND_KEYS_H_
#define EKV_WORKLOADS_LIST_APPEND_KEYS_H_

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "engine/base/random.h"

namespace ekv::workloads {

class ListAppendKeys {
 public:
  ListAppendKeys(std::string prefix, int active, int64_t appends_per_key_max);

  // One of the active keys, at random.
  const std::string& Pick(Random& random) const;
  // The next value to append to `key`; retires the key once it has had
  // appends_per_key_max values.
  int64_t NextValue(const std::string& key);

  int64_t keys_used() const { return next_key_id_; }

 private:
  std::string NewKey();

  std::string prefix_;
  int64_t appends_per_key_max_;
  int64_t next_key_id_ = 0;
  std::vector<std::string> active_;
  std::map<std::string, int64_t> given_;  // values given out, per key
};

}  // namespace ekv::workloads

#endif  // EKV_WORKLOADS_LIST_APPEND_KEYS_H_
