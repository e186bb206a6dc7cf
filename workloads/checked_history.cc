#include "workloads/checked_history.h"

#include <utility>

#include "checkers/html.h"
#include "workloads/workload_support.h"

namespace ekv::workloads {

WorkloadCheck CheckedHistory::Check(absl::string_view name,
                                    absl::StatusOr<checkers::History> history,
                                    const checkers::CheckOptions& options) {
  if (!history.ok()) return Failed(name, history.status());
  auto report = checkers::Check(*history, options);
  if (!report.ok()) return Failed(name, report.status());
  return Adopt(name, std::move(*history), std::move(*report));
}

WorkloadCheck CheckedHistory::Adopt(absl::string_view name,
                                    checkers::History history,
                                    checkers::Report report) {
  WorkloadCheck check = CheckFromReport(name, report);
  checked_ = std::move(history);
  report_ = std::move(report);
  return check;
}

WorkloadCheck CheckedHistory::Failed(absl::string_view name,
                                     const absl::Status& status) {
  checked_.reset();
  report_ = checkers::Report();
  return WorkloadCheck{std::string(name), false, std::string(status.message())};
}

void CheckedHistory::AddFinding(absl::string_view kind,
                                const WorkloadCheck& check) {
  if (!checked_.has_value()) return;
  checkers::Finding finding;
  finding.kind = std::string(kind);
  finding.summary = check.detail;
  report_.findings.push_back(std::move(finding));
  report_.verdict = checkers::Verdict::kInvalid;
}

std::string CheckedHistory::Html() const {
  if (!checked_.has_value()) return "";
  return checkers::RenderHtml(*checked_, report_);
}

}  // namespace ekv::workloads
