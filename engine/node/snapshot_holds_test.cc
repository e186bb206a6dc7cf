#include "engine/node/snapshot_holds.h"

#include <algorithm>
#include <vector>

#include "engine/base/status.h"
#include "gtest/gtest.h"
#include "rapidcheck/gtest.h"

namespace ekv::node {
namespace {

TEST(SnapshotHolds, AHoldPinsItsTimestampUntilItExpires) {
  kv::ActiveTimestampTracker tracker;
  SnapshotHolds holds(&tracker, 8);
  ASSERT_TRUE(holds.Add(50, /*expire_ns=*/100, /*term=*/3, true).ok());
  ASSERT_TRUE(holds.Add(70, /*expire_ns=*/200, /*term=*/3, true).ok());
  EXPECT_EQ(tracker.Oldest(), 50u);
  holds.Expire(99);
  EXPECT_EQ(tracker.Oldest(), 50u);
  holds.Expire(100);  // expiry is inclusive
  EXPECT_EQ(tracker.Oldest(), 70u);
  holds.Expire(1000);
  EXPECT_EQ(tracker.Oldest(), 0u);
  EXPECT_EQ(holds.size(), 0u);
}

TEST(SnapshotHolds, TheCapRefusesWithoutPinning) {
  kv::ActiveTimestampTracker tracker;
  SnapshotHolds holds(&tracker, 2);
  ASSERT_TRUE(holds.Add(10, 100, 1, true).ok());
  ASSERT_TRUE(holds.Add(20, 100, 1, true).ok());
  const absl::Status refused = holds.Add(5, 100, 1, true);
  EXPECT_TRUE(IsErrorKind(refused, ErrorKind::kResourceExhausted)) << refused;
  EXPECT_EQ(tracker.Oldest(), 10u);
  EXPECT_EQ(tracker.pinned(), 2u);
  holds.Expire(100);
  EXPECT_TRUE(holds.Add(5, 200, 1, true).ok()) << "room again";
}

TEST(SnapshotHolds, HoldsDieWithTheirTerm) {
  kv::ActiveTimestampTracker tracker;
  SnapshotHolds holds(&tracker, 8);
  ASSERT_TRUE(holds.Add(10, 100, 1, true).ok());
  ASSERT_TRUE(holds.Add(20, 100, 2, true).ok());
  holds.DropOutside(2);
  EXPECT_EQ(tracker.Oldest(), 20u);
  EXPECT_FALSE(holds.Guards(15, 1));
  holds.DropOutside(0);  // not leading
  EXPECT_EQ(tracker.pinned(), 0u);
}

TEST(SnapshotHolds, OnlyAGuardingHoldOfTheTermAtOrBelowGuards) {
  kv::ActiveTimestampTracker tracker;
  SnapshotHolds holds(&tracker, 8);
  ASSERT_TRUE(holds.Add(10, 100, 1, /*guards=*/false).ok());
  ASSERT_TRUE(holds.Add(30, 100, 1, /*guards=*/true).ok());
  EXPECT_FALSE(holds.Guards(20, 1)) << "the hold at 10 came too late";
  EXPECT_TRUE(holds.Guards(30, 1));
  EXPECT_TRUE(holds.Guards(40, 1));
  EXPECT_FALSE(holds.Guards(40, 2));
}

// Against a model: the tracker's oldest pin is always the smallest live hold,
// and nothing stays pinned once every hold has gone.
RC_GTEST_PROP(SnapshotHolds, PinsFollowTheLiveHolds, ()) {
  struct Model {
    uint64_t ts;
    int64_t expire_ns;
    uint64_t term;
  };
  kv::ActiveTimestampTracker tracker;
  const size_t cap = *rc::gen::inRange<size_t>(1, 6);
  SnapshotHolds holds(&tracker, cap);
  std::vector<Model> model;
  int64_t now = 0;
  const int steps = *rc::gen::inRange(1, 60);
  for (int i = 0; i < steps; ++i) {
    switch (*rc::gen::inRange(0, 3)) {
      case 0: {
        const uint64_t ts = *rc::gen::inRange<uint64_t>(1, 50);
        const int64_t expire = now + *rc::gen::inRange<int64_t>(0, 20);
        const uint64_t term = *rc::gen::inRange<uint64_t>(1, 3);
        const bool ok = holds.Add(ts, expire, term, true).ok();
        RC_ASSERT(ok == (model.size() < cap));
        if (ok) model.push_back({ts, expire, term});
        break;
      }
      case 1:
        now += *rc::gen::inRange<int64_t>(0, 10);
        holds.Expire(now);
        model.erase(
            std::remove_if(model.begin(), model.end(),
                           [&](const Model& m) { return m.expire_ns <= now; }),
            model.end());
        break;
      default: {
        const uint64_t term = *rc::gen::inRange<uint64_t>(0, 3);
        holds.DropOutside(term);
        model.erase(std::remove_if(model.begin(), model.end(),
                                   [&](const Model& m) {
                                     return term == 0 || m.term != term;
                                   }),
                    model.end());
      }
    }
    uint64_t oldest = 0;
    for (const Model& m : model) {
      oldest = oldest == 0 ? m.ts : std::min(oldest, m.ts);
    }
    RC_ASSERT(holds.size() == model.size());
    RC_ASSERT(tracker.pinned() == model.size());
    RC_ASSERT(tracker.Oldest() == oldest);
  }
}

}  // namespace
}  // namespace ekv::node
