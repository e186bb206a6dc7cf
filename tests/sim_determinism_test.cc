// Determinism of whole simulated runs (DESIGN.md rules 1-4), over many seeds
// of the toy cluster under swarm faults: one seed, one trace hash; different
// seeds, different hashes; every within-model run passes its checks.
#include <set>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "sim/swarm.h"
#include "sim/toy_run.h"

namespace ekv::sim {
namespace {

SimOptions ShortRun(uint64_t seed, const char* faults = "swarm",
                    int64_t duration_ns = 2 * kNanosPerSecond) {
  SimOptions options = DeriveOptions(seed, *ParseFaultSelection(faults));
  options.duration_ns = duration_ns;
  options.liveness_phase_ns = duration_ns / 4;
  return options;
}

std::string Describe(const RunReport& report) {
  std::string text;
  for (const std::string& line : ReportLines(report)) {
    absl::StrAppend(&text, line, "\n");
  }
  return text;
}

TEST(SimDeterminism, ASeedRunTwiceInOneProcessGivesOneTraceHash) {
  for (uint64_t seed : {1, 2, 3, 42, 1000}) {
    const SimOptions options = ShortRun(seed, "all", 5 * kNanosPerSecond);
    const RunReport first = RunToyCluster(seed, options);
    const RunReport second = RunToyCluster(seed, options);
    EXPECT_EQ(first.trace_hash, second.trace_hash) << "seed " << seed;
    EXPECT_EQ(first.events, second.events) << "seed " << seed;
    EXPECT_GT(first.faults_total(), 0u) << "seed " << seed;
  }
}

TEST(SimDeterminism, InterleavedRunsDoNotInfluenceEachOther) {
  const SimOptions a = ShortRun(5, "all");
  const SimOptions b = ShortRun(6, "all");
  const uint64_t alone = RunToyCluster(5, a).trace_hash;
  RunToyCluster(6, b);
  EXPECT_EQ(RunToyCluster(5, a).trace_hash, alone);
}

TEST(SimDeterminism, AThousandSeedsGiveAThousandTraceHashes) {
  std::set<uint64_t> hashes;
  for (uint64_t seed = 1; seed <= 1000; ++seed) {
    hashes.insert(RunToyCluster(seed, ShortRun(seed, "swarm", kNanosPerSecond))
                      .trace_hash);
  }
  EXPECT_EQ(hashes.size(), 1000u);
}

TEST(SimDeterminism, EverySwarmSeedWithinTheModelPassesItsChecks) {
  for (uint64_t seed = 1; seed <= 200; ++seed) {
    const RunReport report = RunToyCluster(seed, ShortRun(seed));
    ASSERT_FALSE(report.options.beyond_fault_model());
    EXPECT_TRUE(report.passed()) << "seed " << seed << "\n" << Describe(report);
  }
}

TEST(SimDeterminism, AllFaultsAtOnceStillPassWithinTheModel) {
  for (uint64_t seed = 1; seed <= 30; ++seed) {
    SimOptions options = ShortRun(seed, "all", 10 * kNanosPerSecond);
    options.nodes = 5;
    options.nemesis_interval_ns_mean = 50 * kNanosPerMilli;
    const RunReport report = RunToyCluster(seed, options);
    EXPECT_TRUE(report.passed()) << "seed " << seed << "\n" << Describe(report);
    EXPECT_GT(report.faults_total(), 10u);
  }
}

TEST(SimDeterminism, RunsBeyondTheClockBoundAreMarkedAndNotHeldToIt) {
  SimOptions options = ShortRun(7, "all");
  options.clock_beyond_bound = true;
  options.clock_offset_ns_initial_max = 500 * kNanosPerMilli;
  const RunReport report = RunToyCluster(7, options);
  EXPECT_TRUE(report.options.beyond_fault_model());
  bool clock_checked = true;
  for (const CheckResult& check : report.checks) {
    if (check.name == "clock bound") clock_checked = check.checked;
  }
  EXPECT_FALSE(clock_checked);
}

// Safety mode under heavy drift and jumps: the clock-bound check runs after
// every event and holds, because the clock discipline keeps every node within
// clock_offset_ns_max.
TEST(SimDeterminism, DriftingAndJumpingClocksStayWithinTheBound) {
  SimOptions options = ShortRun(8, "clock_drift,clock_offset,clock_jump");
  options.clock_offset_ns_max = 1000;
  options.clock_offset_ns_initial_max = 1000;
  options.clock_drift_ppm_max = 100'000;
  options.nemesis_interval_ns_mean = 10 * kNanosPerMilli;
  const RunReport report = RunToyCluster(8, options);
  EXPECT_TRUE(report.passed()) << Describe(report);
  EXPECT_GT(report.faults.at("clock_jump"), 10u);
  for (const CheckResult& check : report.checks) {
    if (check.name == "clock bound") {
      EXPECT_TRUE(check.checked);
    }
  }
}

}  // namespace
}  // namespace ekv::sim
