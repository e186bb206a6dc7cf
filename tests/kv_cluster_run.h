// One seeded simulated run of a KV cluster (engine/node/kv_node.h) under the
// fault model, with register clients (workloads/register_client.h), and the
// checks of the KV engine:
// - linearizable: the register history, per key (checkers' cas-register);
// - hlc_log_order: no replica applied a commit timestamp at or below an
//   earlier one (FsmStats::hlc_regressions == 0 on every node);
// - hlc_real_time: an acknowledged write's commit timestamp is above that of
//   every write acknowledged before it was invoked, across leader changes;
// - replicas_converge: after the run, every live replica reaches the same
//   applied index with the same state hash (a replica stopped for good by
//   disk corruption on a corruptible disk is exempt; a quorum must remain);
// - liveness: operations succeed after the faults stop and the network heals.
// Faults come from the seed (sim/swarm.h, sim/nemesis.h); the run replays bit
// for bit from (seed, options): same trace hash, same history.
#ifndef EKV_TESTS_KV_CLUSTER_RUN_H_
#define EKV_TESTS_KV_CLUSTER_RUN_H_

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "engine/base/planted_bugs.h"
#include "sim/options.h"

namespace ekv::tests {

struct KvClusterOptions {
  int64_t nodes = 3;
  int64_t clients = 3;
  int64_t duration_ns = 10'000'000'000;
  int64_t liveness_ns = 4'000'000'000;
  std::string faults = "swarm";
  bool lease_reads = true;
  // Wall clocks off by up to clock_beyond_offset_ns (initially and in jumps),
  // far beyond the deployment's bound: outside the fault model, where the
  // HLC's order still must hold (it rests on the Raft-agreed ceiling, not on
  // the clocks), and lease reads too (they rest on clock rates only).
  bool clock_beyond_bound = false;
  int64_t clock_beyond_offset_ns = 2'000'000'000;
  // A planted defect to switch on (engine/base/planted_bugs.h); the checks
  // must catch it.
  std::optional<PlantedBug> bug;
  uint64_t linearizability_steps_max = 20'000'000;
  // Keep the history as JSON lines in the report (always kept on failure).
  bool keep_history = false;
};

struct KvCheck {
  std::string name;
  bool passed = true;
  std::string detail;
};

struct KvClusterReport {
  uint64_t seed = 0;
  sim::SimOptions sim;
  uint64_t trace_hash = 0;
  uint64_t events = 0;
  std::vector<KvCheck> checks;
  std::map<std::string, uint64_t> faults;
  int64_t ops_ok = 0, ops_fail = 0, ops_info = 0;
  uint64_t terms_led = 0;  // leaderships that became ready, all nodes
  uint64_t lease_hits = 0, lease_misses = 0;
  uint64_t compactions = 0;
  std::string history_jsonl;

  bool passed() const;
  // One line per check, then the counts; the failing checks' details.
  std::string Summary() const;
};

KvClusterReport RunKvCluster(uint64_t seed, const KvClusterOptions& options);

}  // namespace ekv::tests

#endif  // EKV_TESTS_KV_CLUSTER_RUN_H_
