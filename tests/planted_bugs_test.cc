// Every planted bug (engine/base/planted_bugs.h) is caught by the simulator
// within its seed budget, under the flags that expose it
// (sim/bug_exposure.h), exactly as `ekv-sim sweep --seeds 1..B --bug NAME`
// runs it; the correct engine passes the same seeds under the same flags;
// and the failing seed replays bit for bit. This is the evidence that a clean
// sweep means something: a change that blinds the harness to a class of bug
// fails here.
//
// Prints, per bug, seeds-to-first-failure and the checks that failed. A
// failure caught only by the liveness check does not count: the bugs break
// safety. Under AddressSanitizer only a few seeds per bug run.
#include "engine/base/planted_bugs.h"

#include <cstdio>
#include <cstdlib>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "checkers/cli.h"
#include "engine/base/check.h"
#include "gtest/gtest.h"
#include "sim/bug_exposure.h"
#include "sim/cli.h"
#include "sim/run_report.h"

namespace ekv::tests {
namespace {

// The failed checks of a run that count as catching a bug: safety checks.
std::vector<std::string> SafetyFailures(const sim::RunReport& report) {
  std::vector<std::string> failed;
  for (const sim::CheckResult& check : report.checks) {
    if (check.checked && !check.passed && check.name != "liveness") {
      failed.push_back(check.name);
    }
  }
  return failed;
}

sim::RunArgs ArgsFor(PlantedBug bug, uint64_t seed) {
  auto args =
      sim::ParseRunArgs({"--bug", std::string(GetPlantedBugInfo(bug).name),
                         "--seed", absl::StrCat(seed)});
  EKV_CHECK_OK(args.status());
  return *args;
}

sim::RunReport RunSeed(const sim::RunArgs& args) {
  auto options = sim::OptionsFor(args);
  EKV_CHECK_OK(options.status());
  return sim::RunCluster(args, *options, nullptr);
}

class PlantedBugCaught : public ::testing::TestWithParam<PlantedBug> {};

TEST_P(PlantedBugCaught, WithinItsSeedBudgetAndTheCorrectEnginePasses) {
  const PlantedBug bug = GetParam();
  const PlantedBugInfo& info = GetPlantedBugInfo(bug);
  const sim::BugExposure& exposure = sim::GetBugExposure(bug);
#if defined(__SANITIZE_ADDRESS__)
  const int budget = std::min(exposure.seed_budget, 3);
#else
  const int budget = exposure.seed_budget;
#endif
  uint64_t caught_at = 0;
  sim::RunReport caught;
  for (int seed = 1; seed <= budget && caught_at == 0; ++seed) {
    sim::RunReport report = RunSeed(ArgsFor(bug, seed));
    if (!SafetyFailures(report).empty()) {
      caught_at = seed;
      caught = std::move(report);
    }
  }
#if defined(__SANITIZE_ADDRESS__)
  if (caught_at == 0) GTEST_SKIP() << "sanitized build: only a few seeds run";
#endif
  ASSERT_GT(caught_at, 0u) << info.name << " escaped seeds 1.." << budget
                           << " under " << exposure.flags;
  std::printf("%-29s caught at seed %3llu of %3d by %s (flags: %s)\n",
              std::string(info.name).c_str(),
              static_cast<unsigned long long>(caught_at), budget,
              absl::StrJoin(SafetyFailures(caught), ",").c_str(),
              std::string(exposure.flags).c_str());

  // The failing seed replays bit for bit.
  EXPECT_EQ(RunSeed(ArgsFor(bug, caught_at)).trace_hash, caught.trace_hash);

  // The correct engine passes the seeds the bug was hunted over.
  for (uint64_t seed = 1; seed <= caught_at; ++seed) {
    sim::RunArgs clean = ArgsFor(bug, seed);
    clean.bugs = PlantedBugs();
    const sim::RunReport report = RunSeed(clean);
    EXPECT_TRUE(report.passed())
        << "the correct engine fails seed " << seed << " under "
        << exposure.flags << ":\n"
        << absl::StrJoin(sim::ReportLines(report), "\n");
  }
}

INSTANTIATE_TEST_SUITE_P(Bugs, PlantedBugCaught, ::testing::ValuesIn([] {
                           std::vector<PlantedBug> bugs;
                           for (size_t i = 0; i < kPlantedBugCount; ++i)
                             bugs.push_back(static_cast<PlantedBug>(i));
                           return bugs;
                         }()),
                         [](const ::testing::TestParamInfo<PlantedBug>& info) {
                           std::string name(GetPlantedBugInfo(info.param).name);
                           for (char& c : name) c = c == '-' ? '_' : c;
                           return name;
                         });

// A list-append bug's failing run writes a history that ekv-check, run on its
// own, also rejects, naming the anomaly.
TEST(PlantedBugHistory, FailsEkvCheckToo) {
  const PlantedBug bug = PlantedBug::kTxnReadSetNotValidated;
  const char* dir = std::getenv("TEST_TMPDIR");  // test tooling
  ASSERT_NE(dir, nullptr);
  for (int seed = 1; seed <= 20; ++seed) {
    sim::RunArgs args = ArgsFor(bug, seed);
    args.history_path = absl::StrCat(dir, "/history-", seed, ".jsonl");
    if (RunSeed(args).passed()) continue;
    std::ostringstream out, err;
    const int code = checkers::RunEkvCheck(
        {"--model", "list-append", "--realtime", args.history_path}, out, err);
    EXPECT_EQ(code, 1) << out.str() << err.str();
    EXPECT_TRUE(absl::StrContains(out.str(), "G2")) << out.str();
    return;
  }
  FAIL() << "txn-no-read-validation escaped seeds 1..20";
}

}  // namespace
}  // namespace ekv::tests
