#include "workloads/hlc_real_time.h"

#include <algorithm>

#include "absl/strings/str_cat.h"

namespace ekv::workloads {

void HlcRealTimeCheck::Invoked(int64_t process) {
  floor_of_process_[process] = acknowledged_max_;
}

void HlcRealTimeCheck::Acknowledged(int64_t process, uint64_t commit_ts,
                                    absl::string_view what) {
  ++acknowledged_;
  const auto it = floor_of_process_.find(process);
  const uint64_t floor = it == floor_of_process_.end() ? 0 : it->second;
  if (commit_ts <= floor) {
    if (violations_++ == 0) {
      first_violation_ =
          absl::StrCat("process ", process, " ", what,
                       " acknowledged at commit ts ", commit_ts, ", not above ",
                       floor, " acknowledged before it was invoked");
    }
  }
  acknowledged_max_ = std::max(acknowledged_max_, commit_ts);
}

WorkloadCheck HlcRealTimeCheck::Result() const {
  WorkloadCheck check{"hlc_real_time", violations_ == 0, ""};
  check.detail =
      violations_ == 0
          ? absl::StrCat(acknowledged_, " acknowledged writes in order")
          : absl::StrCat(
                violations_, " of ", acknowledged_,
                " acknowledged writes out of order; first: ", first_violation_);
  return check;
}

}  // namespace ekv::workloads
