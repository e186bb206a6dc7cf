#include "engine/kv/active_timestamp_tracker.h"

#include <vector>

#include "engine/hlc/hlc.h"
#include "engine/kv/compaction_policy.h"
#include "gtest/gtest.h"

namespace ekv::kv {
namespace {

TEST(ActiveTimestampTracker, OldestIsTheSmallestPinStillHeld) {
  ActiveTimestampTracker tracker;
  EXPECT_EQ(tracker.Oldest(), 0u);
  auto a = tracker.Pin(30);
  auto b = tracker.Pin(10);
  auto c = tracker.Pin(10);
  EXPECT_EQ(tracker.Oldest(), 10u);
  b.Release();
  EXPECT_EQ(tracker.Oldest(), 10u);
  c.Release();
  c.Release();  // releasing twice releases once
  EXPECT_EQ(tracker.Oldest(), 30u);
  {
    auto moved = std::move(a);
    EXPECT_FALSE(a.active());
    EXPECT_EQ(tracker.pinned(), 1u);
  }
  EXPECT_EQ(tracker.Oldest(), 0u);
  EXPECT_EQ(tracker.pinned(), 0u);
}

TEST(CompactionPolicy, KeepsTheRetentionWindowAndNeverPassesAPin) {
  const CompactionOptions options{1000, 60'000};
  const uint64_t now = hlc::Pack(1'000'000, 5);
  const uint64_t window_start = hlc::Pack(1'000'000 - 60'000, 0);
  EXPECT_EQ(NextCompactionTs(options, now, 0, 0), window_start);
  EXPECT_EQ(NextCompactionTs(options, now, 0, window_start - 7),
            window_start - 7);
  EXPECT_EQ(NextCompactionTs(options, now, window_start, 0), std::nullopt);
  EXPECT_EQ(NextCompactionTs(options, hlc::Pack(50'000, 0), 0, 0),
            std::nullopt);
  EXPECT_FALSE(ValidateCompactionOptions({0, 1}).ok());
}

}  // namespace
}  // namespace ekv::kv
