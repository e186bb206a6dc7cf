// The linearizability checker: a history, a model, a verdict with reasons.
//
// Steps: validate every op against the model; give each its role (lin_model.h);
// split the history into partitions by the model's key (P-compositionality);
// search each partition with Wing-Gong-Lowe (wgl.h), optionally on several
// threads; then explain each partition that is not linearizable: its longest
// partial linearization, the state it leaves, and the ops that could come next
// with why none of them can.
//
// Deterministic: partitions are checked and reported in key order, and the
// result does not depend on the number of threads (a time budget, when given,
// is the one exception: where it runs out depends on the machine).
#ifndef EKV_CHECKERS_LINEARIZABILITY_H_
#define EKV_CHECKERS_LINEARIZABILITY_H_

#include <cstdint>
#include <optional>
#include <vector>

#include "absl/status/statusor.h"
#include "checkers/history.h"
#include "checkers/lin_model.h"
#include "checkers/report.h"
#include "checkers/wgl.h"

namespace ekv::checkers {

struct LinearizabilityOptions {
  SearchBudget budget;  // for each partition's search
  int threads = 1;      // partitions searched in parallel when > 1
  // Partitions take turns in rounds of `slice_steps` steps each (doubling every
  // round up to `slice_steps_max`); with `stop_at_first_invalid`, the rounds
  // end as soon as one partition is proven non-linearizable, since the verdict
  // is then known. Rounds make the outcome independent of thread timing.
  bool stop_at_first_invalid = true;
  uint64_t slice_steps = 4096;
  uint64_t slice_steps_max = 1 << 20;
  int findings_max = 8;      // partitions explained at most
  int explain_ops_max = 12;  // ops of a partial linearization listed in text
};

struct PartitionResult {
  std::optional<Value> key;  // nullopt: the ops without a key
  std::vector<int32_t> ops;  // History::ops indices searched, invoke order
  SearchResult search;       // `order` holds indices into `ops`
  bool stopped = false;      // left unfinished once another partition failed
};

struct LinearizabilityResult {
  Verdict verdict = Verdict::kValid;
  std::vector<PartitionResult> partitions;  // in key order
  std::vector<Finding> findings;
  int64_t ops_checked = 0;
  int64_t ops_skipped = 0;  // failed ops and indeterminate reads
};

// Errors only for ops the model does not understand (kInvalidRequest).
absl::StatusOr<LinearizabilityResult> CheckLinearizability(
    const History& history, const Model& model,
    const LinearizabilityOptions& options);

// The result as a report (model name, summary, findings, stats).
Report LinearizabilityReport(const History& history, const Model& model,
                             const LinearizabilityResult& result);

}  // namespace ekv::checkers

#endif  // EKV_CHECKERS_LINEARIZABILITY_H_
