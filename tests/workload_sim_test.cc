// Seeded simulations of each workload on the KV cluster exactly as `ekv-sim
// run --seed S --workload W --clients 4` hosts it (sim/kv_run.h): 3 KvNodes,
// 4 clients, swarm faults (each seed switches fault kinds on or off and draws
// their rates), every check of the run on every seed. Then the other side:
// with a planted bug switched on, the workload's checks must fail within a
// stated number of seeds, with the anomaly the bug causes, and the history a
// failing run writes must fail `ekv-check` too.
//
// A failing seed prints its report lines and the command that replays it.
// Under AddressSanitizer each sweep samples a few seeds. Prints per workload:
// operations per seed and CPU seconds per seed.
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "checkers/cli.h"
#include "engine/base/check.h"
#include "engine/base/planted_bugs.h"
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

std::string ReplayCommand(uint64_t seed, const std::string& workload,
                          const std::string& bug) {
  return absl::StrCat("./ekv sim run --seed ", seed, " --workload ", workload,
                      " --clients ", kClients,
                      bug.empty() ? "" : absl::StrCat(" --bug ", bug));
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
        << "\nreplay: " << ReplayCommand(seed, sweep.workload, "");
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

struct BugCase {
  const char* bug;
  const char* workload;
  const char* check;    // the check that must fail
  const char* anomaly;  // what its detail must name
  int seeds_max;        // the stated budget
};

class PlantedBugCaught : public ::testing::TestWithParam<BugCase> {};

// Runs seeds from 1 until the first failure of `check`; then the history that
// run writes (what `ekv-sim replay --history` writes) fails ekv-check too.
TEST_P(PlantedBugCaught, WithinItsSeedBudget) {
  const BugCase& c = GetParam();
  const auto bug = PlantedBugByName(c.bug);
  ASSERT_TRUE(bug.has_value()) << c.bug;
  sim::KvRunConfig config;
  config.workload = c.workload;
  config.bugs.Enable(*bug);
  int caught_at = 0;
  for (int seed = 1; seed <= c.seeds_max && caught_at == 0; ++seed) {
    const auto report =
        sim::RunKvCluster(seed, OptionsFor(seed), config, nullptr);
    for (const sim::CheckResult& check : report.checks) {
      if (check.name == c.check && !check.passed) {
        caught_at = seed;
        EXPECT_TRUE(absl::StrContains(check.detail, c.anomaly)) << check.detail;
      }
    }
  }
  ASSERT_GT(caught_at, 0) << c.bug << " escaped " << c.seeds_max << " seeds";
  std::printf("%s: caught by %s (%s) at seed %d of %d\n", c.bug, c.workload,
              c.anomaly, caught_at, c.seeds_max);

  if (std::string(c.workload) != "list-append") return;
  const char* dir = std::getenv("TEST_TMPDIR");  // test tooling
  ASSERT_NE(dir, nullptr);
  config.history_path = absl::StrCat(dir, "/", c.bug, ".jsonl");
  const auto replay =
      sim::RunKvCluster(caught_at, OptionsFor(caught_at), config, nullptr);
  EXPECT_FALSE(replay.passed());
  std::ostringstream out, err;
  const int code = checkers::RunEkvCheck(
      {"--model", "list-append", "--realtime", config.history_path}, out, err);
  EXPECT_EQ(code, 1) << out.str() << err.str();
  EXPECT_TRUE(absl::StrContains(out.str(), c.anomaly)) << out.str();
  EXPECT_EQ(replay.trace_hash,
            sim::RunKvCluster(caught_at, OptionsFor(caught_at), config, nullptr)
                .trace_hash);
}

INSTANTIATE_TEST_SUITE_P(
    Bugs, PlantedBugCaught,
    ::testing::Values(
        // Write skew: two transactions each read what the other appends to.
        BugCase{"txn-no-read-validation", "list-append", "list_append",
                "G2-item", 200},
        // A retried append applied a second time: the element twice in a list.
        BugCase{"retry-applied-twice", "list-append", "list_append",
                "duplicate-elements", 200},
        // A transfer's snapshot compacted under its pin.
        BugCase{"compact-below-pin", "bank", "pins_respected", "compacted",
                200}),
    [](const ::testing::TestParamInfo<BugCase>& info) {
      std::string name = info.param.bug;
      for (char& c : name) c = c == '-' ? '_' : c;
      return name;
    });

}  // namespace
}  // namespace ekv::tests
