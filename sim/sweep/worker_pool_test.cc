#include "sim/sweep/worker_pool.h"

#include <map>
#include <string>
#include <vector>

#include "gtest/gtest.h"

namespace ekv::sweep {
namespace {

std::map<size_t, TaskOutcome> RunAll(const std::vector<std::string>& tasks,
                                     int jobs, int64_t timeout_ms = 60'000) {
  WorkerPoolOptions options;
  options.worker_argv = {"sim/sweep/fake_worker"};
  options.jobs = jobs;
  options.task_timeout_ms = timeout_ms;
  std::map<size_t, TaskOutcome> outcomes;
  const absl::Status status = WorkerPool(options).Run(
      tasks, [&](size_t index, const TaskOutcome& outcome) {
        EXPECT_EQ(outcomes.count(index), 0u)
            << "task " << index << " reported twice";
        outcomes[index] = outcome;
      });
  EXPECT_TRUE(status.ok()) << status;
  return outcomes;
}

TEST(WorkerPool, EveryTaskIsReportedOnceWithItsOwnLine) {
  std::vector<std::string> tasks;
  for (int i = 0; i < 50; ++i) tasks.push_back("ok " + std::to_string(i));
  const auto outcomes = RunAll(tasks, 3);
  ASSERT_EQ(outcomes.size(), tasks.size());
  for (const auto& [index, outcome] : outcomes) {
    EXPECT_EQ(outcome.kind, TaskOutcome::Kind::kDone);
    EXPECT_EQ(outcome.line, "done " + std::to_string(index));
  }
}

TEST(WorkerPool, ACrashIsReportedWithItsStderrAndTheSweepGoesOn) {
  const auto outcomes =
      RunAll({"ok a", "crash", "ok b", "quiet-exit", "ok c"}, 1);
  ASSERT_EQ(outcomes.size(), 5u);
  EXPECT_EQ(outcomes.at(0).line, "done a");
  EXPECT_EQ(outcomes.at(1).kind, TaskOutcome::Kind::kCrashed);
  EXPECT_NE(outcomes.at(1).how.find("signal 6"), std::string::npos)
      << outcomes.at(1).how;
  EXPECT_NE(outcomes.at(1).stderr_tail.find("check failed: planted"),
            std::string::npos);
  EXPECT_EQ(outcomes.at(2).line, "done b");
  EXPECT_EQ(outcomes.at(3).kind, TaskOutcome::Kind::kCrashed);
  EXPECT_EQ(outcomes.at(3).how, "exit 3");
  EXPECT_EQ(outcomes.at(4).line, "done c");
}

TEST(WorkerPool, AHungTaskIsKilledAtItsTimeout) {
  const auto outcomes = RunAll({"hang", "ok after"}, 1, /*timeout_ms=*/300);
  ASSERT_EQ(outcomes.size(), 2u);
  EXPECT_EQ(outcomes.at(0).kind, TaskOutcome::Kind::kTimedOut);
  EXPECT_EQ(outcomes.at(1).line, "done after");
}

TEST(WorkerPool, TasksTheCallerNoLongerWantsAreSkipped) {
  WorkerPoolOptions options;
  options.worker_argv = {"sim/sweep/fake_worker"};
  options.jobs = 1;
  std::vector<size_t> reported;
  ASSERT_TRUE(
      WorkerPool(options)
          .Run(
              {"ok 0", "crash", "ok 2", "ok 3"},
              [&](size_t index, const TaskOutcome&) {
                reported.push_back(index);
              },
              [&](size_t index) { return reported.size() < 2 || index < 2; })
          .ok());
  EXPECT_EQ(reported, (std::vector<size_t>{0, 1}));
}

TEST(WorkerPool, AMissingProgramMakesEveryTaskACrashNotAHang) {
  WorkerPoolOptions options;
  options.worker_argv = {"/nonexistent/worker"};
  options.jobs = 2;
  std::vector<TaskOutcome> outcomes;
  ASSERT_TRUE(
      WorkerPool(options)
          .Run({"ok 1", "ok 2", "ok 3"},
               [&](size_t, const TaskOutcome& o) { outcomes.push_back(o); })
          .ok());
  ASSERT_EQ(outcomes.size(), 3u);
  for (const TaskOutcome& outcome : outcomes) {
    EXPECT_EQ(outcome.kind, TaskOutcome::Kind::kCrashed);
    EXPECT_NE(outcome.stderr_tail.find("cannot run"), std::string::npos);
  }
}

}  // namespace
}  // namespace ekv::sweep
