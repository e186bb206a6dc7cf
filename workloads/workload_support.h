// What the workloads share beyond the Workload interface: where a workload's
// clients sit in a run (process ids, keys), and how a checker's report
// becomes a WorkloadCheck.
#ifndef EKV_WORKLOADS_WORKLOAD_SUPPORT_H_
#define EKV_WORKLOADS_WORKLOAD_SUPPORT_H_

#include <cstdint>
#include <string>

#include "absl/strings/string_view.h"
#include "checkers/report.h"
#include "workloads/workload.h"

namespace ekv::workloads {

// One workload's share of a run. Client i of the workload starts as process
// first_client + i and, after each info completion, continues as the process
// clients_total higher (Jepsen's rule), so the process ids of all the clients
// of a run, in every workload, are distinct.
struct WorkloadSlot {
  int first_client = 0;
  int clients_total = 1;
  std::string key_prefix;  // every key the workload touches starts with it
};

// Passed when the report's verdict is valid; the detail is its summary line,
// or, when not valid, its findings (bounded to kCheckDetailBytesMax).
inline constexpr size_t kCheckDetailBytesMax = 6000;
WorkloadCheck CheckFromReport(absl::string_view name,
                              const checkers::Report& report);

// `text` cut at kCheckDetailBytesMax bytes, with a note when cut.
std::string Truncated(std::string text);

}  // namespace ekv::workloads

#endif  // EKV_WORKLOADS_WORKLOAD_SUPPORT_H_
