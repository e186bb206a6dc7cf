#include "engine/kv/timing.h"

#include "gtest/gtest.h"

namespace ekv::kv {
namespace {

TEST(Timing, DefaultsHold) { EXPECT_TRUE(ValidateTiming({}).ok()); }

TEST(Timing, LeaseMarginMustCoverTheDriftBound) {
  TimingOptions t;
  t.clock_drift_ppm_max = 100'000;  // 10%: 2 * 10% of 1 s is 200 ms > 1 tick
  EXPECT_FALSE(ValidateTiming(t).ok());
  t.lease_margin_ticks = 2;
  EXPECT_TRUE(ValidateTiming(t).ok());
  t.lease_margin_ticks = 9;  // no lease left
  EXPECT_FALSE(ValidateTiming(t).ok());
}

TEST(Timing, HlcWindowMustExceedTheOffsetAndTwoRenewals) {
  TimingOptions t;
  t.clock_offset_ms_max = 3000;
  EXPECT_FALSE(ValidateTiming(t).ok());
  t = TimingOptions();
  t.hlc.renewal_interval_ms = 2000;
  EXPECT_FALSE(ValidateTiming(t).ok());
}

// Pins, not the timeout, keep in-flight snapshots: a short retention is valid.
TEST(Timing, RetentionMayBeShorterThanARequest) {
  TimingOptions t;
  t.compaction.retention_window_ms = 50;
  t.compaction.interval_ms = 20;
  EXPECT_TRUE(ValidateTiming(t).ok()) << ValidateTiming(t);
}

}  // namespace
}  // namespace ekv::kv
