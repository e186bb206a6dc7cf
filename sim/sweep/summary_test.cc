#include "sim/sweep/summary.h"

#include "absl/strings/str_join.h"
#include "gtest/gtest.h"

namespace ekv::sweep {
namespace {

SeedResult Passed(uint64_t seed, uint64_t leader_changes) {
  SeedResult r;
  r.seed = seed;
  r.trace_hash = "00000000000000" + std::to_string(10 + seed % 90);
  r.simulated_ns = 10'000'000'000;
  r.probes["leader_change"] = leader_changes;
  return r;
}

std::string Text(const SweepSummary& summary) {
  return absl::StrJoin(summary.Lines(10.0, 2), "\n");
}

TEST(SweepSummary, CountsVerdictsAndListsFailuresWithTheirReplayCommand) {
  SweepSummary summary;
  summary.Add(Passed(1, 2));
  summary.Add(Passed(2, 0));
  SeedResult failed = Passed(3, 1);
  failed.verdict = Verdict::kFailed;
  failed.failed_checks = {"linearizability"};
  failed.replay = "./ekv sim replay --seed 3";
  summary.Add(failed);
  SeedResult crashed = Passed(4, 0);
  crashed.verdict = Verdict::kCrashed;
  crashed.how = "signal 6 (Aborted)";
  crashed.replay = "./ekv sim replay --seed 4";
  summary.Add(crashed);

  EXPECT_EQ(summary.seeds(), 4u);
  EXPECT_EQ(summary.failures(), 2u);
  const std::string text = Text(summary);
  EXPECT_NE(
      text.find(
          "seeds: 4 run, 2 passed, 1 failed checks, 1 crashed, 0 timed out"),
      std::string::npos)
      << text;
  EXPECT_NE(text.find("seed 3: linearizability\n    ./ekv sim replay --seed 3"),
            std::string::npos);
  EXPECT_NE(text.find("seed 4: crashed (signal 6 (Aborted))"),
            std::string::npos);
  EXPECT_NE(text.find("result: FAIL (2 failures)"), std::string::npos);
  EXPECT_NE(text.find("4x real time"), std::string::npos) << text;
}

TEST(SweepSummary, FlagsProbesThatNoSeedHit) {
  SweepSummary summary;
  summary.Add(Passed(1, 5));
  summary.Add(Passed(2, 0));
  const std::string text = Text(summary);
  EXPECT_NE(text.find("leader_change                             1 seeds       "
                      "   5 hits\n"),
            std::string::npos)
      << text;
  EXPECT_NE(
      text.find(
          "snapshot_sent                             0 seeds          0 hits   "
          "NEVER HIT"),
      std::string::npos);
  EXPECT_NE(text.find("result: PASS"), std::string::npos);
  EXPECT_NE(summary.Json(1.0).find("\"probe_seeds\":{"), std::string::npos);
}

TEST(SweepSummary, MergedShardsThatDisagreeOnAHashAreAFailure) {
  SweepSummary summary;
  summary.Add(Passed(7, 1));
  summary.Add(Passed(7, 1));  // the same seed from an overlapping shard
  EXPECT_EQ(summary.duplicates(), 1u);
  EXPECT_EQ(summary.failures(), 0u);
  SeedResult other = Passed(7, 1);
  other.trace_hash = "ffffffffffffffff";
  summary.Add(other);
  EXPECT_EQ(summary.failures(), 1u);
  EXPECT_NE(Text(summary).find("NONDETERMINISM: seed 7"), std::string::npos);
}

}  // namespace
}  // namespace ekv::sweep
