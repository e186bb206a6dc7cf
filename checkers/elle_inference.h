// Internal to the Elle checker: what a workload's inference hands the driver.
//
// ListAppendInference and RwRegisterInference read a TxnTable, report the
// anomalies they see directly, add ww/wr/rw edges to the graph (nodes are
// TxnTable txn indices), and can say afterwards why an edge of a given type
// exists, for the cycles the search reports.
#ifndef EKV_CHECKERS_ELLE_INFERENCE_H_
#define EKV_CHECKERS_ELLE_INFERENCE_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "checkers/dep_graph.h"
#include "checkers/elle.h"
#include "checkers/history.h"
#include "checkers/txn.h"

namespace ekv::checkers {

class Inference {
 public:
  virtual ~Inference() = default;
  // Infers versions and dependencies; anomalies go to `anomalies` (the
  // driver caps and counts them); errors for histories it cannot check.
  virtual absl::Status Run(DepGraph* graph,
                           std::vector<Anomaly>* anomalies) = 0;
  // Why txn `from` has a dependency of `type` (ww, wr or rw) on txn `to`.
  virtual std::string Explain(int from, int to, uint8_t type) const = 0;
};

std::unique_ptr<Inference> MakeListAppendInference(const History& history,
                                                   const TxnTable& table);
std::unique_ptr<Inference> MakeRwRegisterInference(const History& history,
                                                   const TxnTable& table);

// "T12 (line 40, p3)": how explanations name a txn.
std::string TxnName(const History& history, const TxnTable& table, int txn);

}  // namespace ekv::checkers

#endif  // EKV_CHECKERS_ELLE_INFERENCE_H_
