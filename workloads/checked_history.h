// CheckedHistory: what a workload keeps after Check() for its HTML view: the
// history as the checker read it and the checker's report, with the
// workload's own failed checks (HLC order, setup, ...) added as findings.
#ifndef EKV_WORKLOADS_CHECKED_HISTORY_H_
#define EKV_WORKLOADS_CHECKED_HISTORY_H_

#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "checkers/check.h"
#include "checkers/history.h"
#include "checkers/report.h"
#include "workloads/workload.h"

namespace ekv::workloads {

class CheckedHistory {
 public:
  // Checks `history` (or reports why it could not be read) with `options`;
  // the result is the WorkloadCheck `name`.
  WorkloadCheck Check(absl::string_view name,
                      absl::StatusOr<checkers::History> history,
                      const checkers::CheckOptions& options);
  // Keeps a history its workload checked itself.
  WorkloadCheck Adopt(absl::string_view name, checkers::History history,
                      checkers::Report report);
  // Forgets what an earlier Check kept; the WorkloadCheck `name` fails.
  WorkloadCheck Failed(absl::string_view name, const absl::Status& status);

  // A failed check of the workload's own joins the report as a finding of
  // `kind` (nothing when no history was checked).
  void AddFinding(absl::string_view kind, const WorkloadCheck& check);
  // The HTML view; empty when no history was checked.
  std::string Html() const;

 private:
  std::optional<checkers::History> checked_;
  checkers::Report report_;
};

}  // namespace ekv::workloads

#endif  // EKV_WORKLOADS_CHECKED_HISTORY_H_
