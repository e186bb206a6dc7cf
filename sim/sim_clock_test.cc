#include "sim/sim_clock.h"

#include <cstdlib>

#include "gtest/gtest.h"
#include "rapidcheck.h"
#include "rapidcheck/gtest.h"

namespace ekv::sim {
namespace {

struct Fixture {
  Scheduler scheduler;
  int64_t busy_until_ns = 0;
  LocalTime time() { return LocalTime{&scheduler, &busy_until_ns}; }
};

TEST(SimClock, WithoutDriftOrOffsetBothClocksFollowVirtualTime) {
  Fixture f;
  ClockParams params;
  params.epoch_ns = 1'000'000;
  params.mono_origin_ns = 77;
  SimClock clock(f.time(), params);
  f.scheduler.Schedule(500, 0, 0, 0);
  f.scheduler.Pop();
  EXPECT_EQ(clock.MonotonicNanos(), 577);
  EXPECT_EQ(clock.WallNanos(), 1'000'500);
}

TEST(SimClock, DriftMakesTheClockRunFast) {
  Fixture f;
  ClockParams params;
  params.drift_ppm = 100;  // 100 us per second
  params.offset_ns_max = kNanosPerSecond;
  SimClock clock(f.time(), params);
  EXPECT_EQ(clock.MonotonicAt(kNanosPerSecond), kNanosPerSecond + 100'000);
  EXPECT_EQ(clock.WallErrorAt(kNanosPerSecond), 100'000);
}

TEST(SimClock, TheWallErrorIsClampedToItsBound) {
  Fixture f;
  ClockParams params;
  params.drift_ppm = -1000;
  params.offset_ns = -900;
  params.offset_ns_max = 1000;
  SimClock clock(f.time(), params);
  EXPECT_EQ(clock.WallErrorAt(10 * kNanosPerSecond), -1000);
  clock.JumpWall(1'000'000);
  EXPECT_EQ(clock.WallErrorNow(), 1000);
}

TEST(SimClock, LocalTimeRunsAheadWhileBusy) {
  Fixture f;
  SimClock clock(f.time(), ClockParams{});
  f.busy_until_ns = 250;
  EXPECT_EQ(clock.MonotonicNanos(), 250);
}

// Safety mode: whatever the drift, offsets and jumps (all drawn within the
// configured bound), every reading of the wall clock is within the bound of
// true time, and the monotonic clock never decreases.
RC_GTEST_PROP(SimClockProperties, SafetyModeStaysWithinTheBound,
              (int32_t drift_raw, int64_t offset_raw, uint32_t bound_raw,
               std::vector<std::pair<uint32_t, int64_t>> steps)) {
  Fixture f;
  ClockParams params;
  params.drift_ppm = drift_raw % 100'000;
  params.offset_ns_max = bound_raw % 1'000'000'000;
  params.offset_ns =
      params.offset_ns_max == 0 ? 0 : offset_raw % params.offset_ns_max;
  SimClock clock(f.time(), params);
  int64_t last_mono = clock.MonotonicNanos();
  for (const auto& [advance, jump] : steps) {
    f.scheduler.Schedule(f.scheduler.now_ns() + advance, 0, 0, 0);
    f.scheduler.Pop();
    if (jump % 3 == 0) clock.JumpWall(jump);
    const int64_t error = clock.WallNanos() - f.scheduler.now_ns();
    RC_ASSERT(std::llabs(error) <= params.offset_ns_max);
    const int64_t mono = clock.MonotonicNanos();
    RC_ASSERT(mono >= last_mono);
    last_mono = mono;
  }
}

// A timer armed for d monotonic nanoseconds fires at the first virtual time
// at which the monotonic clock has advanced by d.
RC_GTEST_PROP(SimClockProperties, VirtualDelayIsTheLeastSufficientDelay,
              (int32_t drift_raw, uint32_t start, uint32_t delay)) {
  Fixture f;
  ClockParams params;
  params.drift_ppm = drift_raw % 100'000;
  SimClock clock(f.time(), params);
  const int64_t t = start;
  const int64_t d = clock.VirtualDelay(t, delay);
  RC_ASSERT(clock.MonotonicAt(t + d) - clock.MonotonicAt(t) >=
            static_cast<int64_t>(delay));
  if (d > 0) {
    RC_ASSERT(clock.MonotonicAt(t + d - 1) - clock.MonotonicAt(t) <
              static_cast<int64_t>(delay));
  }
}

}  // namespace
}  // namespace ekv::sim
