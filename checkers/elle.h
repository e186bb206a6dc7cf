// Elle-style transactional anomaly checking for list-append and rw-register
// histories (Kingsbury & Alvaro, "Elle: Inferring Isolation Anomalies from
// Experimental Observations", VLDB 2020).
//
// From the values transactions read, the checker infers the order in which
// each key's versions were installed, then the dependencies between
// transactions (ww, wr, rw; rt and po when asked), and searches the graph for
// cycles (dep_graph.h): G0, G1c, G-single, G2-item and their -process and
// -realtime forms. It also reports, directly:
//   G1a                 a committed txn read a value a failed txn wrote;
//   G1b                 a committed txn read a value that its writer later
//                       overwrote within the same txn (an intermediate value);
//   internal            a txn's read disagrees with its own earlier reads and
//                       writes of the key;
//   garbage-read        a read of a value nobody wrote;
//   duplicate-elements  (list-append) a read lists one appended value twice;
//   incompatible-order  (list-append) two reads of a key neither of which is a
//                       prefix of the other;
//   cyclic-versions     (rw-register) the inferred version order has a cycle.
// Each anomaly names its transactions and, for cycles, why each edge exists.
//
// Inputs must have unique values per key (each append or write a value no
// other append or write to that key uses); a history that breaks this cannot be
// checked and gets an error. Output is deterministic.
#ifndef EKV_CHECKERS_ELLE_H_
#define EKV_CHECKERS_ELLE_H_

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "checkers/dep_graph.h"
#include "checkers/history.h"
#include "checkers/report.h"
#include "checkers/txn.h"

namespace ekv::checkers {

struct ElleOptions {
  bool realtime = false;           // add rt edges: check strict serializability
  bool process_order = false;      // add po edges: each process's txns in order
  int anomalies_max_per_kind = 8;  // examples kept per kind (all are counted)
  CycleSearchOptions cycles;
};

struct Anomaly {
  std::string kind;
  std::string summary;
  std::vector<std::string> details;  // for cycles: one line per edge
  std::vector<int32_t> ops;          // History::ops indices, in cycle order
};

struct ElleResult {
  Verdict verdict = Verdict::kValid;
  std::vector<Anomaly> anomalies;         // examples, grouped by kind
  std::map<std::string, int64_t> counts;  // every kind found, with its count
  int64_t txns_ok = 0, txns_info = 0, txns_fail = 0;
  int64_t edges = 0;
  bool cycle_search_truncated = false;
};

absl::StatusOr<ElleResult> CheckTransactions(const History& history,
                                             TxnModel model,
                                             const ElleOptions& options);

Report ElleReport(const History& history, TxnModel model,
                  const ElleResult& result);

}  // namespace ekv::checkers

#endif  // EKV_CHECKERS_ELLE_H_
