#include "engine/hlc/hlc.h"

#include <algorithm>
#include <vector>

#include "engine/base/status.h"
#include "gtest/gtest.h"
#include "rapidcheck.h"
#include "rapidcheck/gtest.h"

namespace ekv::hlc {
namespace {

constexpr int64_t kEpochMs = 1'700'000'000'000;

class ManualClock final : public Clock {
 public:
  int64_t MonotonicNanos() override { return mono_ns; }
  int64_t WallNanos() override { return wall_ns; }
  void SetWallMs(int64_t ms) { wall_ns = ms * kNanosPerMilli; }
  int64_t mono_ns = 0;
  int64_t wall_ns = kEpochMs * kNanosPerMilli;
};

TEST(Hlc, OptionsRequireAWindowOfTwoRenewals) {
  EXPECT_TRUE(ValidateHlcOptions({3000, 1000}).ok());
  EXPECT_TRUE(ValidateHlcOptions({2000, 1000}).ok());
  EXPECT_FALSE(ValidateHlcOptions({1999, 1000}).ok());
  EXPECT_FALSE(ValidateHlcOptions({3000, 0}).ok());
}

TEST(Hlc, IssuesNothingUntilItLeadsAndHasACeiling) {
  ManualClock clock;
  Hlc hlc(&clock, {});
  EXPECT_TRUE(IsErrorKind(hlc.Next().status(), ErrorKind::kLeaderNotFound));
  hlc.BeginIssuing();  // no ceiling applied yet
  EXPECT_TRUE(IsErrorKind(hlc.Next().status(), ErrorKind::kHlcCeilingExpired));
  hlc.ApplyCeiling(hlc.NextCeilingMs());
  auto ts = hlc.Next();
  ASSERT_TRUE(ts.ok()) << ts.status();
  EXPECT_EQ(PhysicalMs(*ts), static_cast<uint64_t>(kEpochMs));
  hlc.StopIssuing();
  EXPECT_TRUE(IsErrorKind(hlc.Next().status(), ErrorKind::kLeaderNotFound));
}

TEST(Hlc, FailsClosedWhenTheWallClockReachesTheCeiling) {
  ManualClock clock;
  Hlc hlc(&clock, {});
  hlc.BeginIssuing();
  hlc.ApplyCeiling(kEpochMs + 3000);
  clock.SetWallMs(kEpochMs + 2999);
  EXPECT_TRUE(hlc.Next().ok());
  clock.SetWallMs(kEpochMs + 3000);
  const auto status = hlc.Next().status();
  EXPECT_TRUE(IsErrorKind(status, ErrorKind::kHlcCeilingExpired)) << status;
  hlc.ApplyCeiling(hlc.NextCeilingMs());  // the renewal lands
  EXPECT_TRUE(hlc.Next().ok());
}

TEST(Hlc, LogicalOverflowBumpsTheMillisecond) {
  ManualClock clock;
  Hlc hlc(&clock, {});
  hlc.BeginIssuing();
  hlc.ApplyCeiling(kEpochMs + 3000);
  uint64_t last = 0;
  for (uint64_t i = 0; i <= kLogicalMask; ++i) {
    last = *hlc.Next();
    EXPECT_EQ(PhysicalMs(last), static_cast<uint64_t>(kEpochMs));
    EXPECT_EQ(Logical(last), i);
  }
  const uint64_t bumped = *hlc.Next();
  EXPECT_EQ(PhysicalMs(bumped), static_cast<uint64_t>(kEpochMs) + 1);
  EXPECT_EQ(Logical(bumped), 0u);
  EXPECT_GT(bumped, last);
}

TEST(Hlc, BeginIssuingAdoptsTheAppliedCeilingAsTheFloor) {
  ManualClock clock;
  Hlc hlc(&clock, {});
  hlc.ApplyCeiling(kEpochMs + 3000);
  hlc.BeginIssuing();
  // Until this leader's own ceiling applies, nothing can be issued.
  EXPECT_TRUE(IsErrorKind(hlc.Next().status(), ErrorKind::kHlcCeilingExpired));
  hlc.ApplyCeiling(hlc.NextCeilingMs());
  EXPECT_GE(PhysicalMs(*hlc.Next()), static_cast<uint64_t>(kEpochMs) + 3000);
}

TEST(Hlc, NeverIssuesAtOrBelowAnObservedCommit) {
  ManualClock clock;
  Hlc hlc(&clock, {});
  hlc.BeginIssuing();
  hlc.ApplyCeiling(kEpochMs + 3000);
  const uint64_t observed = Pack(kEpochMs + 1000, 7);
  hlc.Observe(observed);
  EXPECT_GT(*hlc.Next(), observed);
}

TEST(Hlc, NewLeaderStartsAboveTheOldLeadersWindowWhateverTheClocks) {
  ManualClock old_clock, new_clock;
  new_clock.SetWallMs(kEpochMs - 60'000);  // a minute behind
  Hlc old_leader(&old_clock, {}), new_leader(&new_clock, {});
  old_leader.BeginIssuing();
  const uint64_t ceiling = old_leader.NextCeilingMs();
  old_leader.ApplyCeiling(ceiling);
  new_leader.ApplyCeiling(ceiling);
  new_leader.BeginIssuing();
  new_leader.ApplyCeiling(new_leader.NextCeilingMs());
  const uint64_t first_new = *new_leader.Next();
  // The deposed leader keeps issuing until its window runs out.
  uint64_t old_max = 0;
  for (int64_t ms = 0;; ++ms) {
    old_clock.SetWallMs(kEpochMs + ms);
    auto ts = old_leader.Next();
    if (!ts.ok()) break;
    old_max = std::max(old_max, *ts);
  }
  EXPECT_GT(first_new, old_max);
}

// Random walks of clocks, ceilings, observations and leadership: every issued
// timestamp is above every earlier one and every observed one, below the
// ceiling, at or above the wall clock, and a failure is exactly a ceiling
// reached (or not leading).
RC_GTEST_PROP(Hlc, MonotonicBelowTheCeilingAndFailsClosed, ()) {
  ManualClock clock;
  Hlc hlc(&clock, {});
  uint64_t seen_max = 0;
  uint64_t floor = 0;
  const int steps = *rc::gen::inRange(1, 200);
  for (int i = 0; i < steps; ++i) {
    switch (*rc::gen::inRange(0, 7)) {
      case 0:  // the wall clock moves, sometimes backwards (a jump)
        clock.wall_ns +=
            *rc::gen::inRange<int64_t>(-500, 2000) * kNanosPerMilli;
        break;
      case 1:
        hlc.ApplyCeiling(hlc.WallMs() +
                         *rc::gen::inRange<int64_t>(-1000, 4000));
        break;
      case 2: {
        const uint64_t ts = Pack(hlc.WallMs() + *rc::gen::inRange(-2000, 3000),
                                 *rc::gen::inRange<uint64_t>(0, kLogicalMask));
        hlc.Observe(ts);
        seen_max = std::max(seen_max, ts);
        break;
      }
      case 3:
        hlc.BeginIssuing();
        floor = Pack(hlc.ceiling_ms(), 0);
        seen_max = std::max(seen_max, floor);
        break;
      case 4:
        hlc.StopIssuing();
        break;
      default: {
        const int burst = *rc::gen::element(1, 3, 70'000);
        for (int b = 0; b < burst; ++b) {
          const uint64_t wall = hlc.WallMs();
          const uint64_t ceiling = hlc.ceiling_ms();
          auto ts = hlc.Next();
          if (!hlc.issuing()) {
            RC_ASSERT(IsErrorKind(ts.status(), ErrorKind::kLeaderNotFound));
            break;
          }
          const uint64_t least_physical = wall > PhysicalMs(seen_max) ? wall
                                          : Logical(seen_max) == kLogicalMask
                                              ? PhysicalMs(seen_max) + 1
                                              : PhysicalMs(seen_max);
          if (!ts.ok()) {
            RC_ASSERT(IsErrorKind(ts.status(), ErrorKind::kHlcCeilingExpired));
            RC_ASSERT(least_physical >= ceiling);
            break;
          }
          RC_ASSERT(least_physical < ceiling);
          RC_ASSERT(*ts > seen_max);
          RC_ASSERT(*ts > floor);
          RC_ASSERT(PhysicalMs(*ts) < ceiling);
          RC_ASSERT(PhysicalMs(*ts) >= wall);
          seen_max = *ts;
        }
      }
    }
  }
}

}  // namespace
}  // namespace ekv::hlc
