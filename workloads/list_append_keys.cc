#include "workloads/list_append_keys.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "engine/base/check.h"

namespace ekv::workloads {

ListAppendKeys::ListAppendKeys(std::string prefix, int active,
                               int64_t appends_per_key_max)
    : prefix_(std::move(prefix)), appends_per_key_max_(appends_per_key_max) {
  EKV_CHECK(active >= 1 && appends_per_key_max_ >= 1);
  for (int i = 0; i < active; ++i) active_.push_back(NewKey());
}

std::string ListAppendKeys::NewKey() {
  return absl::StrCat(prefix_, "k", next_key_id_++);
}

const std::string& ListAppendKeys::Pick(Random& random) const {
  return active_[random.Uniform(active_.size())];
}

int64_t ListAppendKeys::NextValue(const std::string& key) {
  const int64_t value = ++given_[key];
  if (value >= appends_per_key_max_) {
    const auto it = std::find(active_.begin(), active_.end(), key);
    if (it != active_.end()) *it = NewKey();
  }
  return value;
}

}  // namespace ekv::workloads
