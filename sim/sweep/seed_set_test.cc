#include "sim/sweep/seed_set.h"

#include <set>

#include "gtest/gtest.h"
#include "rapidcheck.h"
#include "rapidcheck/gtest.h"

namespace ekv::sweep {
namespace {

TEST(SeedRange, ParsesRangesAndSingleSeeds) {
  const SeedRange range = *ParseSeedRange("1..200");
  EXPECT_EQ(range.first, 1u);
  EXPECT_EQ(range.last, 200u);
  const SeedRange one = *ParseSeedRange("42");
  EXPECT_EQ(one.first, 42u);
  EXPECT_EQ(one.last, 42u);
  EXPECT_EQ(FormatSeedRange(range), "1..200");
}

TEST(SeedRange, RejectsMalformedTextWithAClearMessage) {
  for (const char* bad :
       {"", "..", "1..", "..5", "a..b", "5..1", "-1..3", "1...3"}) {
    const auto range = ParseSeedRange(bad);
    EXPECT_FALSE(range.ok()) << bad;
    EXPECT_NE(range.status().message().find("--seeds"),
              absl::string_view::npos);
  }
  EXPECT_FALSE(ParseSeedRange("0..1000", /*seeds_max=*/1000).ok());
  EXPECT_TRUE(ParseSeedRange("0..999", /*seeds_max=*/1000).ok());
}

TEST(Shard, ParsesAndRejects) {
  const Shard shard = *ParseShard("3/8");
  EXPECT_EQ(shard.index, 3u);
  EXPECT_EQ(shard.count, 8u);
  for (const char* bad : {"8/8", "1/0", "3", "a/b", "/2", "1/"}) {
    EXPECT_FALSE(ParseShard(bad).ok()) << bad;
  }
}

TEST(Shard, TakesEveryNthSeed) {
  EXPECT_EQ(SeedsOfShard({1, 10}, {1, 3}), (std::vector<uint64_t>{2, 5, 8}));
  EXPECT_EQ(SeedsOfShard({1, 10}, {0, 1}).size(), 10u);
  EXPECT_EQ(SeedsOfShard({0, UINT64_MAX - 1}, {0, UINT64_MAX}).size(), 1u);
  EXPECT_EQ(SeedsOfShard({UINT64_MAX - 2, UINT64_MAX}, {2, 3}),
            (std::vector<uint64_t>{UINT64_MAX}));
}

RC_GTEST_PROP(ShardProperties, ShardsPartitionTheRange,
              (uint32_t first, uint16_t length, uint8_t count_minus_one)) {
  const SeedRange range{first, uint64_t{first} + length};
  const uint64_t count = uint64_t{count_minus_one} + 1;
  std::multiset<uint64_t> all;
  for (uint64_t k = 0; k < count; ++k) {
    for (uint64_t seed : SeedsOfShard(range, {k, count})) all.insert(seed);
  }
  RC_ASSERT(all.size() == uint64_t{length} + 1);
  RC_ASSERT(std::set<uint64_t>(all.begin(), all.end()).size() == all.size());
  RC_ASSERT(*all.begin() == range.first);
  RC_ASSERT(*all.rbegin() == range.last);
}

}  // namespace
}  // namespace ekv::sweep
