#include "sim/scheduler.h"

#include <algorithm>
#include <vector>

#include "gtest/gtest.h"
#include "rapidcheck.h"
#include "rapidcheck/gtest.h"

namespace ekv::sim {
namespace {

TEST(Scheduler, RunsEventsInTimeOrderAndAdvancesNow) {
  Scheduler scheduler;
  scheduler.Schedule(30, 0, 0, 3);
  scheduler.Schedule(10, 0, 0, 1);
  scheduler.Schedule(20, 0, 0, 2);
  EXPECT_EQ(scheduler.Pop().arg, 1u);
  EXPECT_EQ(scheduler.now_ns(), 10);
  EXPECT_EQ(scheduler.Pop().arg, 2u);
  EXPECT_EQ(scheduler.Pop().arg, 3u);
  EXPECT_EQ(scheduler.now_ns(), 30);
  EXPECT_TRUE(scheduler.empty());
}

TEST(Scheduler, EventsAtTheSameTimeRunInSchedulingOrder) {
  Scheduler scheduler;
  for (uint64_t i = 0; i < 100; ++i) scheduler.Schedule(5, 0, 0, i);
  for (uint64_t i = 0; i < 100; ++i) EXPECT_EQ(scheduler.Pop().arg, i);
}

TEST(SchedulerDeathTest, SchedulingInThePastIsABug) {
  Scheduler scheduler;
  scheduler.Schedule(10, 0, 0, 0);
  scheduler.Pop();
  EXPECT_DEATH(scheduler.Schedule(9, 0, 0, 0), "in the past");
}

TEST(SchedulerDeathTest, TheQueueIsBounded) {
  Scheduler scheduler(/*pending_max=*/4);
  for (int i = 0; i < 4; ++i) scheduler.Schedule(1, 0, 0, 0);
  EXPECT_DEATH(scheduler.Schedule(1, 0, 0, 0), "runaway");
}

// Pops come out sorted by (time, seq) whatever the interleaving of schedules
// and pops, and never go back in time.
RC_GTEST_PROP(SchedulerProperties, PopsAreOrderedByTimeThenSequence,
              (std::vector<std::pair<uint16_t, bool>> script)) {
  Scheduler scheduler;
  std::vector<Event> popped;
  for (const auto& [delay, pop] : script) {
    scheduler.Schedule(scheduler.now_ns() + delay, 0, 0, 0);
    if (pop) popped.push_back(scheduler.Pop());
  }
  while (!scheduler.empty()) popped.push_back(scheduler.Pop());
  RC_ASSERT(popped.size() == script.size());
  for (size_t i = 1; i < popped.size(); ++i) {
    RC_ASSERT(popped[i - 1].time_ns <= popped[i].time_ns);
    if (popped[i - 1].time_ns == popped[i].time_ns) {
      RC_ASSERT(popped[i - 1].seq < popped[i].seq);
    }
  }
}

}  // namespace
}  // namespace ekv::sim
