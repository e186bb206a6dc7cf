#include "workloads/workload_support.h"

#include <utility>

namespace ekv::workloads {

std::string Truncated(std::string text) {
  if (text.size() > kCheckDetailBytesMax) {
    text.resize(kCheckDetailBytesMax);
    text += "\n... (truncated)";
  }
  return text;
}

WorkloadCheck CheckFromReport(absl::string_view name,
                              const checkers::Report& report) {
  WorkloadCheck check;
  check.name = std::string(name);
  check.passed = report.verdict == checkers::Verdict::kValid;
  check.detail = check.passed ? report.summary
                              : Truncated(checkers::ReportToText(report, true));
  return check;
}

}  // namespace ekv::workloads
