// Seeded simulations of each workload on the KV cluster exactly as `ekv-sim
// run --seed S --workload W --clients 4` hosts it (sim/kv_run.h): 3 KvNodes,
// 4 clients, swarm faults (each seed switches fault kinds on or off and draws
// their rates), every check of the run on every seed. (The other side, planted
// bugs caught, is tests/planted_bugs_test.cc.)
//
// A failing seed prints its report lines and the command that replays it.
// Under AddressSanitizer each sweep samples a few seeds. Prints per workload:
// operations per seed and CPU seconds per seed.
#include <cstdio>
#include <ctime>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "engine/base/check.h"
#include "gtest/gtest.h"
#include "sim/kv_run.h"
#include "sim/run_report.h"
#include "sim/swarm.h"

namespace ekv::tests {
namespace {

constexpr int64_t kClients = 4;

int SeedsOr(int plain, int sanitized) {
#if defined(__SANITIZE_ADDRESS__)
  (void)plain;
  return sanitized;
#else
  (void)sanitized;
  return plain;
#endif
}

sim::SimOptions OptionsFor(uint64_t seed) {
  const auto swarm = sim::ParseFaultSelection("swarm");
  EKV_CHECK_OK(swarm.status());
  sim::SimOptions options = sim::DeriveOptions(seed, *swarm);
  options.clients = kClients;
  return options;
}

std::string ReplayCommand(uint64_t seed, const std::string& workload) {
  return absl::StrCat("./ekv sim run --seed ", seed, " --workload ", workload,
                      " --clients ", kClients);
}

struct Sweep {
  std::string workload;
  int seeds;
};

class WorkloadSeeds : public ::testing::TestWithParam<Sweep> {};

TEST_P(WorkloadSeeds, EveryCheckHoldsUnderSwarmFaults) {
  const Sweep& sweep = GetParam();
  sim::KvRunConfig config;
  config.workload = sweep.workload;
  const int seeds = SeedsOr(sweep.seeds, 3);
  uint64_t ops = 0;
  const std::clock_t started = std::clock();  // the figure printed; no bound
  for (int seed = 1; seed <= seeds; ++seed) {
    const sim::RunReport report =
        sim::RunKvCluster(seed, OptionsFor(seed), config, nullptr);
    ops += report.client_ops;
    EXPECT_TRUE(report.passed())
        << absl::StrJoin(sim::ReportLines(report), "\n")
        << "\nreplay: " << ReplayCommand(seed, sweep.workload);
  }
  const double cpu_s =
      static_cast<double>(std::clock() - started) / CLOCKS_PER_SEC;
  std::printf("%s: seeds 1..%d, %.0f client ops/seed, %.3f s CPU/seed\n",
              sweep.workload.c_str(), seeds, static_cast<double>(ops) / seeds,
              cpu_s / seeds);
}

INSTANTIATE_TEST_SUITE_P(Workloads, WorkloadSeeds,
                         ::testing::Values(Sweep{"list-append", 200},
                                           Sweep{"bank", 200},
                                           Sweep{"mixed", 100},
                                           Sweep{"register", 50}),
                         [](const ::testing::TestParamInfo<Sweep>& info) {
                           std::string name = info.param.workload;
                           for (char& c : name) c = c == '-' ? '_' : c;
                           return name;
                         });

TEST(WorkloadSim, ASeedReplaysBitForBit) {
  sim::KvRunConfig config;
  config.workload = "mixed";
  for (uint64_t seed : {3u, 4u}) {
    const auto first =
        sim::RunKvCluster(seed, OptionsFor(seed), config, nullptr);
    const auto second =
        sim::RunKvCluster(seed, OptionsFor(seed), config, nullptr);
    EXPECT_EQ(first.trace_hash, second.trace_hash) << "seed " << seed;
    EXPECT_EQ(first.client_ops, second.client_ops) << "seed " << seed;
    EXPECT_GT(first.client_ops, 0u);
  }
}

}  // namespace
}  // namespace ekv::tests
