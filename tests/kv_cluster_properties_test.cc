// Properties of the KV cluster simulation beyond the main seed sweep:
// determinism, safety with clock offsets far beyond the bound, the ReadIndex
// path alone, and that the checks catch the KV engine's planted bugs.
#include <string>

#include "engine/base/planted_bugs.h"
#include "gtest/gtest.h"
#include "tests/kv_cluster_run.h"

namespace ekv::tests {
namespace {

int SeedsOr(int plain, int sanitized) {
#if defined(__SANITIZE_ADDRESS__)
  (void)plain;
  return sanitized;
#else
  (void)sanitized;
  return plain;
#endif
}

TEST(KvClusterSim, ASeedReplaysBitForBit) {
  KvClusterOptions options;
  options.keep_history = true;
  for (uint64_t seed : {7u, 8u}) {
    const KvClusterReport first = RunKvCluster(seed, options);
    const KvClusterReport second = RunKvCluster(seed, options);
    EXPECT_EQ(first.trace_hash, second.trace_hash) << "seed " << seed;
    EXPECT_EQ(first.events, second.events) << "seed " << seed;
    EXPECT_EQ(first.history_jsonl, second.history_jsonl) << "seed " << seed;
    EXPECT_FALSE(first.history_jsonl.empty());
  }
}

// The HLC's order rests on the Raft-agreed ceiling, lease reads on clock
// rates: with wall clocks off by up to 2 s (initially and in jumps), every
// safety check still holds.
TEST(KvClusterSim, SafetyHoldsWithClockOffsetsBeyondTheBound) {
  KvClusterOptions options;
  options.clock_beyond_bound = true;
  for (int seed = 1; seed <= SeedsOr(100, 4); ++seed) {
    const KvClusterReport report = RunKvCluster(seed, options);
    EXPECT_TRUE(report.passed())
        << report.Summary() << "replay: bazel run //tests:kv_cluster_smoke -- "
        << seed << " swarm beyond";
  }
}

TEST(KvClusterSim, ReadIndexAloneIsLinearizable) {
  KvClusterOptions options;
  options.lease_reads = false;
  for (int seed = 2001; seed <= 2000 + SeedsOr(100, 4); ++seed) {
    const KvClusterReport report = RunKvCluster(seed, options);
    EXPECT_TRUE(report.passed()) << report.Summary();
    EXPECT_EQ(report.lease_hits, 0u);
  }
}

// Each planted KV bug a register workload can expose is caught within a
// small seed budget (the other KV bugs need the transactional workloads).
class PlantedKvBug : public ::testing::TestWithParam<PlantedBug> {};

TEST_P(PlantedKvBug, IsCaughtWithinFortySeeds) {
  KvClusterOptions options;
  options.bug = GetParam();
  int caught = 0;
  for (int seed = 1; seed <= 40 && caught == 0; ++seed) {
    if (!RunKvCluster(seed, options).passed()) ++caught;
  }
  EXPECT_GT(caught, 0) << GetPlantedBugInfo(GetParam()).name
                       << " escaped 40 seeds";
}

INSTANTIATE_TEST_SUITE_P(Bugs, PlantedKvBug,
                         ::testing::Values(PlantedBug::kFollowerReadTimestamp,
                                           PlantedBug::kRetryAppliedTwice));

}  // namespace
}  // namespace ekv::tests
