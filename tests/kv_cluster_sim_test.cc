// The KV cluster simulation over many seeds (issue 5): 3 KvNodes, register
// clients (reads, writes, CAS over a few keys), swarm faults (partitions,
// crashes, pauses, clogs, disk faults, clock skew and jumps within the bound,
// BUGGIFY), and every check of sim/kv_run.h on every seed: per-key
// linearizability, HLC order, replica convergence, Raft invariants after every
// event, pins, liveness. The run is the one `ekv-sim run
// --workload register` performs, so a failing seed replays with the printed
// command.
//
// Each test target runs EKV_KV_SIM_SEEDS seeds from EKV_KV_SIM_FIRST_SEED (set
// per target in BUILD.bazel: four targets cover seeds 1..1000). Opt-in longer
// run:
// --test_env=EKV_KV_SIM_LONG_SEEDS=N runs N seeds from the target's first seed.
// Under AddressSanitizer a target samples every 50th seed, to bound the suite's
// time.
#include <cstdio>
#include <cstdlib>
#include <string>

#include "absl/strings/numbers.h"
#include "gtest/gtest.h"
#include "tests/kv_sim_options.h"

namespace ekv::tests {
namespace {

// The test tooling's environment (the simulated runs never read it).
uint64_t EnvNumber(const char* name, uint64_t otherwise) {
  const char* text = std::getenv(name);
  uint64_t value = 0;
  return text != nullptr && absl::SimpleAtoi(text, &value) ? value : otherwise;
}

TEST(KvClusterSeeds, EveryCheckHoldsUnderSwarmFaults) {
  const uint64_t first = EnvNumber("EKV_KV_SIM_FIRST_SEED", 1);
  const uint64_t long_seeds = EnvNumber("EKV_KV_SIM_LONG_SEEDS", 0);
  const uint64_t seeds =
      long_seeds > 0 ? long_seeds : EnvNumber("EKV_KV_SIM_SEEDS", 250);
  const uint64_t step = Sanitized() ? 50 : 1;
  uint64_t failed = 0;
  for (uint64_t seed = first; seed < first + seeds; seed += step) {
    const sim::RunReport report = RunRegisterCluster(seed);
    if (!report.passed()) {
      ++failed;
      ADD_FAILURE() << FailureText(report);
    }
  }
  std::printf("kv cluster sim: seeds %llu..%llu, %llu failed%s\n",
              static_cast<unsigned long long>(first),
              static_cast<unsigned long long>(first + seeds - 1),
              static_cast<unsigned long long>(failed),
              step > 1 ? " (sampled under a sanitizer)" : "");
}

}  // namespace
}  // namespace ekv::tests
