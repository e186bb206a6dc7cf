// RunReport: what one simulated run found, whatever cluster it ran (the toy
// cluster or the KV engine): its checks, the faults it injected, what the
// network, processes and disks went through, the coverage probes it hit and
// its trace hash. `ekv-sim run` prints it; a sweep reduces it to a SeedResult.
#ifndef EKV_SIM_RUN_REPORT_H_
#define EKV_SIM_RUN_REPORT_H_

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "engine/base/probes.h"
#include "network/sim_network.h"
#include "sim/options.h"
#include "sim/world.h"

namespace ekv::sim {

struct CheckResult {
  std::string name;
  bool passed = true;
  bool checked = true;  // false: not applicable to this run
  std::string detail;
};

struct RunReport {
  uint64_t seed = 0;
  SimOptions options;
  uint64_t trace_hash = 0;
  uint64_t events = 0;
  int64_t simulated_ns = 0;
  StopReason stop = StopReason::kTimeBound;
  std::map<std::string, uint64_t> faults;  // injected, by kind
  std::vector<CheckResult> checks;
  WorldStats world;
  NetworkStats network;
  uint64_t disk_corrupt_writes = 0;
  uint64_t disk_corrupt_reads = 0;
  uint64_t disk_torn_writes = 0;
  uint64_t disk_lost_writes = 0;
  uint64_t buggify_fired = 0;
  ProbeCounters probes;
  uint64_t client_ops = 0;
  std::vector<std::string>
      notes;  // what the run set up and wrote, for people  // operations the
              // clients recorded in the history // the run's coverage probes
  bool passed() const;
  uint64_t faults_total() const;
};

// Copies the world's counters (processes, network, disks, buggify, probes)
// into `report`.
void CollectWorldStats(World& world, RunReport& report);

// Readable summary lines (no trailing newlines) and one JSON line.
std::vector<std::string> ReportLines(const RunReport& report);
std::string ReportJson(const RunReport& report);

}  // namespace ekv::sim

#endif  // EKV_SIM_RUN_REPORT_H_
