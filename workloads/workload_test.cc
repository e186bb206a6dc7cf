// MakeWorkloads, and every workload end to end against one instant node: its
// clients complete operations, its checks pass on the correct engine, and its
// history reads back into ekv-check's parser and checker with the same
// verdict (the `ekv-sim replay --history` -> `ekv-check --model` round trip).
#include "workloads/workload.h"

#include <cstdio>
#include <cstdlib>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "checkers/check.h"
#include "checkers/cli.h"
#include "checkers/history_io.h"
#include "gtest/gtest.h"
#include "workloads/bank_workload.h"
#include "workloads/testing/instant_run.h"

namespace ekv::workloads {
namespace {

TEST(MakeWorkloads, RefusesUnknownNamesAndNoClients) {
  WorkloadContext context;
  context.nodes = {1};
  const auto unknown = MakeWorkloads("ledger", 3, context);
  EXPECT_EQ(unknown.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(absl::StrContains(unknown.status().message(), "register"));
  EXPECT_FALSE(MakeWorkloads("register", 0, context).ok());
}

TEST(MakeWorkloads, EveryNameBuilds) {
  WorkloadContext context;
  context.nodes = {1, 2, 3};
  for (const std::string& name : WorkloadNames()) {
    const auto made = MakeWorkloads(name, 4, context);
    ASSERT_TRUE(made.ok()) << name << ": " << made.status();
    int clients = 0;
    for (const auto& w : *made) {
      clients += w->clients();
      EXPECT_FALSE(w->ParameterLines().empty());
      EXPECT_EQ(w->Html(), "") << "no view before Check()";
    }
    EXPECT_EQ(clients, 4) << name;
  }
}

// ekv-check's command line, on the history as `ekv-sim replay --history`
// writes it, with the model and flags of the workload's own check.
void ExpectEkvCheckPasses(const Workload& workload, const std::string& jsonl) {
  const char* dir = std::getenv("TEST_TMPDIR");  // test tooling
  ASSERT_NE(dir, nullptr);
  const std::string path =
      absl::StrCat(dir, "/", workload.name(), ".history.jsonl");
  std::FILE* file = std::fopen(path.c_str(), "w");
  ASSERT_NE(file, nullptr);
  ASSERT_EQ(std::fwrite(jsonl.data(), 1, jsonl.size(), file), jsonl.size());
  std::fclose(file);
  std::vector<std::string> args;
  if (workload.name() == "register") {
    args = {"--model", "cas-register"};
  } else if (workload.name() == "list-append") {
    args = {"--model", "list-append", "--realtime"};
  } else {
    const auto& bank = dynamic_cast<const BankWorkload&>(workload);
    args = {"--model", "bank", "--total", absl::StrCat(bank.total())};
  }
  args.push_back(path);
  std::ostringstream out, err;
  EXPECT_EQ(checkers::RunEkvCheck(args, out, err), 0)
      << workload.name() << ": " << out.str() << err.str();
}

// Runs `name` against an instant node; every check passes, and ekv-check reads
// the history back and agrees.
void RunAndRoundTrip(const std::string& name, uint64_t seed) {
  sim::SimOptions options;
  options.net_loss_rate = 0.02;
  options.net_duplicate_rate = 0.02;
  testing::InstantRun run(seed, options);
  run.context.client_ops_max = 60;
  run.Run(name, 3, 120 * kNanosPerSecond);
  for (auto& workload : run.workloads) {
    const HistoryCounts counts = workload->Counts(0);
    EXPECT_GT(counts.ok, 0) << workload->name();
    EXPECT_LE(counts.invoked(), 60 * workload->clients()) << workload->name();
    for (const WorkloadCheck& check : workload->Check()) {
      std::printf("%s seed %llu: %s %s: %s\n", name.c_str(),
                  static_cast<unsigned long long>(seed),
                  check.passed ? "PASS" : "FAIL", check.name.c_str(),
                  check.detail.c_str());
      EXPECT_TRUE(check.passed)
          << workload->name() << " " << check.name << ": " << check.detail;
    }
    EXPECT_TRUE(absl::StrContains(workload->Html(), "<html"));
    const std::string jsonl = workload->HistoryJsonLines();
    const auto parsed = checkers::ParseHistory(jsonl, "round trip",
                                               checkers::HistoryFormat::kAuto);
    ASSERT_TRUE(parsed.ok()) << parsed.status();
    EXPECT_EQ(parsed->event_count, 2 * counts.invoked());
    ExpectEkvCheckPasses(*workload, jsonl);
  }
}

TEST(Workloads, RegisterPassesAndRoundTrips) {
  RunAndRoundTrip("register", 3);
  // ekv-check's own path on the written history: model cas-register.
  sim::SimOptions options;
  testing::InstantRun run(4, options);
  run.context.client_ops_max = 40;
  run.Run("register", 2, 60 * kNanosPerSecond);
  const auto parsed =
      checkers::ParseHistory(run.workloads[0]->HistoryJsonLines(), "h",
                             checkers::HistoryFormat::kJson);
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  checkers::CheckOptions check;
  ASSERT_TRUE(checkers::ParseCheckerModel("cas-register", &check.model));
  const auto report = checkers::Check(*parsed, check);
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_EQ(report->verdict, checkers::Verdict::kValid) << report->summary;
}

TEST(Workloads, BankPassesAndRoundTrips) {
  for (uint64_t seed = 1; seed <= 3; ++seed) RunAndRoundTrip("bank", seed);
}

TEST(Workloads, MixedPassesAndRoundTrips) { RunAndRoundTrip("mixed", 5); }

TEST(Workloads, ListAppendPassesAndRoundTrips) {
  for (uint64_t seed = 1; seed <= 4; ++seed)
    RunAndRoundTrip("list-append", seed);
}

}  // namespace
}  // namespace ekv::workloads
