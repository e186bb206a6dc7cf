#include "engine/base/probes.h"

#include <set>

#include "gtest/gtest.h"

namespace ekv {
namespace {

TEST(Probes, EveryProbeHasAUniqueNameAndADescription) {
  std::set<std::string> names;
  for (size_t i = 0; i < kProbeCount; ++i) {
    const auto probe = static_cast<Probe>(i);
    names.insert(std::string(ProbeName(probe)));
    EXPECT_FALSE(ProbeDescription(probe).empty());
  }
  EXPECT_EQ(names.size(), kProbeCount);
}

TEST(Probes, CountersCountAndNullCountsNothing) {
  ProbeCounters counters;
  EKV_PROBE(&counters, kLeaderChange);
  EKV_PROBE(&counters, kLeaderChange);
  EKV_PROBE(&counters, kCompactionRan);
  ProbeCounters* none = nullptr;
  EKV_PROBE(none, kCompactionRan);
  EXPECT_EQ(counters.count(Probe::kLeaderChange), 2u);
  EXPECT_EQ(counters.count(Probe::kCompactionRan), 1u);
  EXPECT_EQ(counters.count(Probe::kSnapshotSent), 0u);
  const std::string json = counters.ToJson();
  EXPECT_EQ(json.find("{\"leader_change\":2,\"pre_vote_rejected\":0,"), 0u)
      << json;
  EXPECT_NE(json.find("\"compaction_ran\":1"), std::string::npos);
}

}  // namespace
}  // namespace ekv
