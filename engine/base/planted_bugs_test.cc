#include "engine/base/planted_bugs.h"

#include <set>
#include <string>

#include "gtest/gtest.h"

namespace ekv {
namespace {

TEST(PlantedBugs, NamesAreUniqueAndRoundTrip) {
  std::set<std::string> names;
  for (size_t i = 0; i < kPlantedBugCount; ++i) {
    const auto bug = static_cast<PlantedBug>(i);
    const PlantedBugInfo& info = GetPlantedBugInfo(bug);
    names.insert(std::string(info.name));
    EXPECT_EQ(PlantedBugByName(info.name), bug);
    EXPECT_FALSE(info.summary.empty());
  }
  EXPECT_EQ(names.size(), kPlantedBugCount);
  EXPECT_EQ(PlantedBugByName("no-such-bug"), std::nullopt);
}

TEST(PlantedBugs, OnlyEnabledBugsAreOnAndNullIsOff) {
  PlantedBugs bugs(PlantedBug::kCommitFromOlderTerm);
  const PlantedBugs* on = &bugs;
  const PlantedBugs* none = nullptr;
  EXPECT_TRUE(EKV_PLANTED_BUG(on, kCommitFromOlderTerm));
  EXPECT_FALSE(EKV_PLANTED_BUG(on, kWalAckBeforeSync));
  EXPECT_FALSE(EKV_PLANTED_BUG(none, kCommitFromOlderTerm));
  EXPECT_EQ(bugs.Names(), "commit-old-term");
  EXPECT_EQ(PlantedBugs().Names(), "none");
}

}  // namespace
}  // namespace ekv
