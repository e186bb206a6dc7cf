// Properties of the KV cluster simulation beyond the main seed sweep:
// determinism of the run and its history, safety with clock offsets far beyond
// the bound, the ReadIndex path alone, and commits broadcast at once.
#include <cstdio>
#include <string>

#include "gtest/gtest.h"
#include "tests/kv_sim_options.h"

namespace ekv::tests {
namespace {

int SeedsOr(int plain, int sanitized) {
  return Sanitized() ? sanitized : plain;
}

std::string ReadFile(const std::string& path) {
  std::string text;
  if (std::FILE* in = std::fopen(path.c_str(), "r")) {
    char buffer[4096];
    size_t n;
    while ((n = std::fread(buffer, 1, sizeof(buffer), in)) > 0)
      text.append(buffer, n);
    std::fclose(in);
  }
  return text;
}

TEST(KvClusterSim, ASeedReplaysBitForBitWithTheSameHistory) {
  const char* dir = std::getenv("TEST_TMPDIR");  // test tooling
  ASSERT_NE(dir, nullptr);
  for (uint64_t seed : {7u, 8u}) {
    std::string histories[2];
    uint64_t hashes[2];
    for (int run = 0; run < 2; ++run) {
      sim::KvRunConfig config;
      config.workload = "register";
      config.history_path =
          std::string(dir) + "/h" + std::to_string(run) + ".jsonl";
      const sim::RunReport report = sim::RunKvCluster(
          seed, RegisterClusterOptions(seed), config, nullptr);
      hashes[run] = report.trace_hash;
      histories[run] = ReadFile(config.history_path);
    }
    EXPECT_EQ(hashes[0], hashes[1]) << "seed " << seed;
    EXPECT_EQ(histories[0], histories[1]) << "seed " << seed;
    EXPECT_FALSE(histories[0].empty());
  }
}

// The HLC's order rests on the Raft-agreed ceiling, lease reads on clock rates:
// with wall clocks off by up to 2 s (initially and in jumps), every safety
// check still holds.
TEST(KvClusterSim, SafetyHoldsWithClockOffsetsBeyondTheBound) {
  for (int seed = 1; seed <= SeedsOr(100, 4); ++seed) {
    const sim::RunReport report =
        RunRegisterCluster(seed, [](sim::SimOptions& o) {
          o.clock_beyond_bound = true;
          o.clock_beyond_offset_ns_max = 2'000'000'000;
          o.clock_offset_ns_initial_max = 2'000'000'000;
          o.nemesis_clock_jump = true;
        });
    EXPECT_TRUE(report.options.beyond_fault_model());
    EXPECT_TRUE(report.passed())
        << FailureText(report)
        << " --clock_beyond_bound true --clock_beyond_offset_ns_max 2s"
           " --clock_offset_ns_initial_max 2s";
  }
}

TEST(KvClusterSim, ReadIndexAloneIsLinearizable) {
  for (int seed = 2001; seed <= 2000 + SeedsOr(100, 4); ++seed) {
    const sim::RunReport report = RunRegisterCluster(
        seed, [](sim::SimOptions& o) { o.kv_lease_reads = false; });
    EXPECT_TRUE(report.passed())
        << FailureText(report) << " --kv_lease_reads false";
    EXPECT_EQ(report.probes.count(Probe::kLeaseReadFellBack), 0u)
        << "no lease, so no lease read falls back";
  }
}

// The swarm mostly leaves commit indexes to heartbeats; this covers the
// other mode on every run.
TEST(KvClusterSim, BroadcastCommitsAreSafeToo) {
  for (int seed = 3001; seed <= 3000 + SeedsOr(100, 4); ++seed) {
    const sim::RunReport report = RunRegisterCluster(
        seed, [](sim::SimOptions& o) { o.kv_broadcast_commit = true; });
    EXPECT_TRUE(report.passed())
        << FailureText(report) << " --kv_broadcast_commit true";
  }
}

}  // namespace
}  // namespace ekv::tests
