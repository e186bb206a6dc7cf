// Checks a register workload's history for linearizability, per key, with
// the checkers' cas-register model (checkers/lin_models.h), registers
// starting absent (nil).
#ifndef EKV_WORKLOADS_REGISTER_CHECK_H_
#define EKV_WORKLOADS_REGISTER_CHECK_H_

#include "absl/status/statusor.h"
#include "checkers/history.h"
#include "checkers/linearizability.h"
#include "checkers/report.h"
#include "workloads/register_history.h"

namespace ekv::workloads {

absl::StatusOr<checkers::History> ToCheckerHistory(
    const RegisterHistory& history, absl::string_view source);

struct RegisterCheck {
  checkers::LinearizabilityResult result;
  checkers::History history;  // the history as the checkers saw it
  checkers::Report report;
  std::string text;  // the report, with explanations when not valid
};

// `steps_max` bounds each key's search (0: unbounded); a run out of steps
// gives Verdict::kUnknown.
absl::StatusOr<RegisterCheck> CheckRegisterHistory(
    const RegisterHistory& history, absl::string_view source,
    uint64_t steps_max);

}  // namespace ekv::workloads

#endif  // EKV_WORKLOADS_REGISTER_CHECK_H_
