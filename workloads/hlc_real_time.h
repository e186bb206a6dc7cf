// HlcRealTimeCheck: the HLC's promise seen from the clients. A write
// acknowledged with commit timestamp T must commit above every write
// acknowledged before it was invoked, across leader changes (the new leader's
// clock starts above the Raft-agreed ceiling of the old one).
//
// Feed it a workload's events in history order: Invoked(process) at every
// invocation, Acknowledged(...) at every ok completion of an operation that
// committed a write. Deterministic; keeps one floor per process.
#ifndef EKV_WORKLOADS_HLC_REAL_TIME_H_
#define EKV_WORKLOADS_HLC_REAL_TIME_H_

#include <cstdint>
#include <map>
#include <string>

#include "absl/strings/string_view.h"
#include "workloads/workload.h"

namespace ekv::workloads {

class HlcRealTimeCheck {
 public:
  void Invoked(int64_t process);
  // `what` describes the operation for the failure message ("write on r1").
  void Acknowledged(int64_t process, uint64_t commit_ts,
                    absl::string_view what);

  // "hlc_real_time": passed, or the first violation.
  WorkloadCheck Result() const;

 private:
  uint64_t acknowledged_max_ = 0;
  std::map<int64_t, uint64_t> floor_of_process_;
  int64_t acknowledged_ = 0;
  int64_t violations_ = 0;
  std::string first_violation_;
};

}  // namespace ekv::workloads

#endif  // EKV_WORKLOADS_HLC_REAL_TIME_H_
