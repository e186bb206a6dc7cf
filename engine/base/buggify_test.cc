#include "engine/base/buggify.h"

#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "rapidcheck.h"
#include "rapidcheck/gtest.h"

namespace ekv {
namespace {

TEST(Buggify, NullptrNeverFires) {
  Buggify* none = nullptr;
  EXPECT_FALSE(EKV_BUGGIFY(none));
  EXPECT_FALSE(EKV_BUGGIFY_AT(none, "x"));
}

TEST(Buggify, CertainRatesAlwaysFireAndZeroRatesNever) {
  Buggify always(1, 1.0, 1.0);
  Buggify never(1, 0.0, 1.0);
  for (int i = 0; i < 100; ++i) {
    EXPECT_TRUE(EKV_BUGGIFY(&always));
    EXPECT_FALSE(EKV_BUGGIFY(&never));
  }
  EXPECT_EQ(always.fired_total(), 100u);
  ASSERT_EQ(always.sites().size(), 1u);
  EXPECT_NE(always.sites().begin()->first.find("buggify_test.cc:"),
            std::string::npos);
}

TEST(Buggify, ASiteIsOnOrOffForTheWholeRun) {
  Buggify buggify(3, 0.5, 1.0);
  std::vector<bool> first;
  for (int site = 0; site < 64; ++site) {
    first.push_back(buggify.Fire("site/" + std::to_string(site)));
  }
  for (int round = 0; round < 5; ++round) {
    for (int site = 0; site < 64; ++site) {
      EXPECT_EQ(buggify.Fire("site/" + std::to_string(site)), first[site]);
    }
  }
  int enabled = 0;
  for (bool on : first) enabled += on;
  EXPECT_GT(enabled, 10);
  EXPECT_LT(enabled, 54);
}

// Whether a site is enabled depends on the seed and its name only, not on
// which sites were reached before it.
RC_GTEST_PROP(BuggifyProperties, SiteEnablementIgnoresTheOrderOfArrival,
              (uint64_t seed, std::vector<std::string> names)) {
  RC_PRE(!names.empty());
  Buggify forward(seed, 0.5, 1.0);
  Buggify backward(seed, 0.5, 1.0);
  for (const std::string& name : names) forward.Fire(name);
  for (auto it = names.rbegin(); it != names.rend(); ++it) backward.Fire(*it);
  for (const auto& [name, site] : forward.sites()) {
    RC_ASSERT(backward.sites().at(name).enabled == site.enabled);
  }
}

TEST(Buggify, TwoRunsOfOneSeedInOneProcessFireIdentically) {
  auto run = [](uint64_t seed) {
    Buggify buggify(seed, 0.7, 0.3);
    std::vector<bool> fired;
    for (int i = 0; i < 500; ++i) {
      fired.push_back(buggify.Fire("site/" + std::to_string(i % 7)));
    }
    return fired;
  };
  EXPECT_EQ(run(42), run(42));
  EXPECT_NE(run(42), run(43));
}

}  // namespace
}  // namespace ekv
