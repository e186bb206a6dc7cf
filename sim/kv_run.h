// One simulated run of a KV cluster: N KvNodes (engine/node/kv_node.h) and the
// clients of a workload (workloads/workload.h), under the nemesis, with every
// check of the engine. What `ekv-sim run` hosts by default (the toy cluster is
// the other choice).
//
// Checks, each named in the report:
// - the workloads' own: per-key linearizability (register), Elle anomalies with
//   real-time order (list-append), conserved totals (bank), HLC real-time
//   order;
// - liveness: every workload completes operations after the faults end;
// - replicas_converge: after the run, every live replica reaches the same
// applied index
//   with the same state hash (one stopped for good by corruption on a disk
//   allowed to corrupt is exempt, if a quorum remains);
// - hlc_log_order: no replica applied a commit timestamp at or below an earlier
// one;
// - pins_respected: no leader compacted away a pinned transaction snapshot.
// Faults and the engine's configuration come from the seed (sim/swarm.h); the
// run replays bit for bit from (seed, options, workload, bugs).
#ifndef EKV_SIM_KV_RUN_H_
#define EKV_SIM_KV_RUN_H_

#include <cstdint>
#include <cstdio>
#include <string>

#include "engine/base/planted_bugs.h"
#include "sim/options.h"
#include "sim/run_report.h"

namespace ekv::sim {

struct KvRunConfig {
  std::string workload = "mixed";  // workloads::WorkloadNames()
  PlantedBugs bugs;                // defects switched on for the run
  // Written when not empty. With several workloads (mixed) each gets its own
  // file: "h.jsonl" becomes "h.register.jsonl", "h.bank.jsonl", ...
  std::string history_path;
  std::string html_path;
  uint64_t check_steps_max =
      20'000'000;  // linearizability search budget per key
};

RunReport RunKvCluster(uint64_t seed, const SimOptions& options,
                       const KvRunConfig& config, std::FILE* trace_log);

// "h.jsonl" with "register" -> "h.register.jsonl"; "h" -> "h.register".
std::string PathForWorkload(const std::string& path,
                            const std::string& workload);

}  // namespace ekv::sim

#endif  // EKV_SIM_KV_RUN_H_
