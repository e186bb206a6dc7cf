#include "sim/sweep/seed_result.h"

#include "gtest/gtest.h"

namespace ekv::sweep {
namespace {

SeedResult Example() {
  SeedResult r;
  r.seed = 17;
  r.verdict = Verdict::kFailed;
  r.failed_checks = {"linearizability", "replica_state"};
  r.trace_hash = "9d0fed58e2614f80";
  r.events = 19163;
  r.simulated_ns = 20'000'000'000;
  r.wall_us = 8123;
  r.faults = 225;
  r.ops = 410;
  r.beyond_fault_model = true;
  r.determinism = "ok";
  r.probes = {{"leader_change", 3}, {"snapshot_sent", 0}};
  r.how = "";
  r.stderr_tail = "line \"one\"\nline two\n";
  r.replay = "./ekv sim replay --seed 17 --workload register";
  return r;
}

TEST(SeedResult, RoundTripsThroughItsJsonLine) {
  const SeedResult original = Example();
  const std::string line = ToJsonLine(original);
  EXPECT_EQ(line.find('\n'), std::string::npos) << "one result, one line";
  const absl::StatusOr<SeedResult> back =
      ParseSeedResult(line, "results.jsonl:1");
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_EQ(ToJsonLine(*back), line);
  EXPECT_EQ(back->failed_checks, original.failed_checks);
  EXPECT_EQ(back->probes, original.probes);
  EXPECT_EQ(back->stderr_tail, original.stderr_tail);
  EXPECT_TRUE(back->beyond_fault_model);
}

TEST(SeedResult, BadLinesAreErrorsThatNameTheirSource) {
  for (const char* bad : {"", "[]", "{\"verdict\":\"passed\"}",
                          "{\"seed\":1,\"verdict\":\"maybe\"}",
                          "{\"seed\":1,\"verdict\":\"passed\",\"events\":-3}",
                          "{\"seed\":1,\"verdict\":\"passed\",\"probes\":[1]}",
                          "{\"seed\":1,\"verdict\":\"passed\""}) {
    const auto parsed = ParseSeedResult(bad, "shard3.jsonl:9");
    ASSERT_FALSE(parsed.ok()) << bad;
    EXPECT_NE(parsed.status().message().find("shard3.jsonl"),
              absl::string_view::npos)
        << parsed.status();
  }
}

}  // namespace
}  // namespace ekv::sweep
