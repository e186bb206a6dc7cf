// Workload: one kind of simulated client load on a KV cluster (register, bank,
// list-append), the history its clients record, and the checks of that history.
//
// A run builds its workloads with MakeWorkloads(name, ...): "mixed" gives one
// of each kind, splitting the clients between them, each on its own key prefix
// so their histories stay independent. The run then asks each workload for its
// client processes (World::AddClient), runs the cluster, and calls Check() once
// at the end.
//
// Clients follow Jepsen's rules (checkers/history.h): one operation in flight
// per process; ok = took effect; fail = certainly did not; info = may have, now
// or later, after which the client continues as a new process. Writes carry
// (client id, seq) so the cluster applies a retried write at most once. Every
// bound is an option; randomness comes from the client's env.random only
// (determinism).
#ifndef EKV_WORKLOADS_WORKLOAD_H_
#define EKV_WORKLOADS_WORKLOAD_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "engine/base/process.h"
#include "network/transport.h"

namespace ekv::workloads {

// What all the workloads of a run share.
struct WorkloadContext {
  std::vector<EndpointId> nodes;    // the cluster's nodes
  std::function<int64_t()> now_ns;  // true (simulated) time, to stamp events
  uint64_t seed = 0;  // the run's seed, for the workload's own choices
  // Stop invoking after this much of the run (local time since Start()), so the
  // last operations can finish; 0: no bound.
  int64_t run_ns_max = 0;
  int64_t client_ops_max = 0;  // operations per client; 0: no bound
  // Budget of each history search (linearizability steps); a search that runs
  // out answers "unknown", which the check reports as a failure to decide.
  uint64_t check_steps_max = 20'000'000;
};

struct WorkloadCheck {
  std::string
      name;  // "linearizable", "bank_total", "list_append_anomalies", ...
  bool passed = true;
  std::string detail;  // why it failed, or a short note
};

struct HistoryCounts {
  int64_t ok = 0;
  int64_t fail = 0;
  int64_t info = 0;
  int64_t ok_after = 0;  // ok completions at or after the `after_ns` asked for
  int64_t invoked() const { return ok + fail + info; }
};

class Workload {
 public:
  virtual ~Workload() = default;

  // "register", "bank", "list-append".
  virtual absl::string_view name() const = 0;

  // The parameters this workload chose (keys, mix, ...), "name = value" per
  // line.
  virtual std::vector<std::string> ParameterLines() const = 0;

  // How many client processes it wants; MakeClient(i) for each i below that.
  virtual int clients() const = 0;
  virtual std::unique_ptr<Process> MakeClient(int index, const Env& env,
                                              EndpointId self) = 0;

  // After the run: every check of the recorded history. Deterministic.
  virtual std::vector<WorkloadCheck> Check() = 0;

  virtual HistoryCounts Counts(int64_t after_ns) const = 0;

  // The history in the checkers' JSON-lines format (checkers/history.h).
  virtual std::string HistoryJsonLines() const = 0;

  // The checkers' self-contained HTML view of the history and its findings
  // (after Check(); empty before).
  virtual std::string Html() const = 0;
};

// The workload names a run accepts: register, bank, list-append, mixed.
const std::vector<std::string>& WorkloadNames();

// The workloads of `name` over `clients` clients in all ("mixed" splits them,
// at least one each). Unknown names are an InvalidArgument error.
absl::StatusOr<std::vector<std::unique_ptr<Workload>>> MakeWorkloads(
    absl::string_view name, int clients, const WorkloadContext& context);

}  // namespace ekv::workloads

#endif  // EKV_WORKLOADS_WORKLOAD_H_
