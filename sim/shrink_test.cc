#include "sim/shrink.h"

#include <algorithm>
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "gtest/gtest.h"

namespace ekv::sim {
namespace {

int64_t IntFlag(const FlagList& flags, const std::string& name,
                int64_t fallback) {
  int64_t value = fallback;
  if (auto text = flags.Get(name); text.has_value()) {
    std::string digits = *text;
    int64_t divisor = 1;
    if (absl::EndsWith(digits, "ms")) {
      digits.resize(digits.size() - 2);
      divisor = 1000;
    } else if (absl::EndsWith(digits, "s")) {
      digits.pop_back();
    }
    EXPECT_TRUE(absl::SimpleAtoi(digits, &value)) << name << "=" << *text;
    value /= divisor;
  }
  return value;
}

// A stand-in for a cluster with a bug that needs a crash fault, two clients, at
// least three fault events, four seconds and four operations per client to
// show.
Attempt FakeRun(const FlagList& flags) {
  const std::string faults = flags.Get("faults").value_or("swarm");
  const bool crash_on =
      faults == "swarm" || absl::StrContains(faults, "process_crash");
  const int64_t seconds = IntFlag(flags, "duration", 20);
  const int64_t clients = IntFlag(flags, "clients", 5);
  const int64_t ops_max = IntFlag(flags, "client_ops_max", 100);
  const int64_t faults_max = IntFlag(flags, "nemesis_faults_max", 1000);
  const int64_t kinds =
      faults == "swarm" ? 3 : std::count(faults.begin(), faults.end(), ',') + 1;
  Attempt attempt;
  attempt.faults = static_cast<uint64_t>(std::min(faults_max, seconds * kinds));
  attempt.ops =
      static_cast<uint64_t>(clients * std::min<int64_t>(ops_max, seconds * 10));
  attempt.simulated_ns = seconds * 1'000'000'000;
  attempt.failed = crash_on && seconds >= 4 && clients >= 2 &&
                   attempt.faults >= 3 && ops_max >= 4;
  if (attempt.failed) attempt.failures = {"linearizability"};
  return attempt;
}

ShrinkStart Start() {
  ShrinkStart start;
  start.flags = FlagList({{"workload", "register"}, {"clients", "5"}});
  start.nodes = 5;
  start.clients = 5;
  start.duration_ns = 20'000'000'000;
  start.client_ops_max = 100;
  start.fault_kinds_on = {"net_loss", "process_crash", "process_pause"};
  return start;
}

TEST(Shrink, ReducesEveryKnobWhileTheFailureStays) {
  const ShrinkResult result = Shrink(Start(), FakeRun);
  ASSERT_TRUE(result.original.failed);
  ASSERT_TRUE(result.smallest.failed);
  const FlagList& smallest = result.smallest_flags;
  EXPECT_EQ(smallest.Get("faults"), "process_crash");
  EXPECT_EQ(smallest.Get("clients"), "2");
  EXPECT_EQ(smallest.Get("nodes"), "1");
  EXPECT_EQ(smallest.Get("duration"), "5s");
  EXPECT_EQ(smallest.Get("client_ops_max"), "4");
  EXPECT_EQ(smallest.Get("workload"), "register")
      << "flags it does not shrink stay";
  EXPECT_LT(result.smallest.faults, result.original.faults);
  EXPECT_LT(result.smallest.ops, result.original.ops);
  EXPECT_EQ(result.smallest.faults, 3u);
  EXPECT_FALSE(result.steps.empty());
  EXPECT_LE(result.runs, 200);
}

TEST(Shrink, IsDeterministic) {
  const ShrinkResult a = Shrink(Start(), FakeRun);
  const ShrinkResult b = Shrink(Start(), FakeRun);
  EXPECT_EQ(a.smallest_flags.Text(), b.smallest_flags.Text());
  EXPECT_EQ(a.steps, b.steps);
  EXPECT_EQ(a.runs, b.runs);
}

TEST(Shrink, APassingRunIsNotShrunk) {
  ShrinkStart start = Start();
  start.flags.Set("clients", "1");
  const ShrinkResult result = Shrink(start, FakeRun);
  EXPECT_FALSE(result.original.failed);
  EXPECT_EQ(result.runs, 1);
  EXPECT_TRUE(result.steps.empty());
}

TEST(Shrink, StaysWithinItsRunBudget) {
  const ShrinkResult result = Shrink(Start(), FakeRun, /*runs_max=*/5);
  EXPECT_EQ(result.runs, 5);
  EXPECT_TRUE(result.smallest.failed);
}

TEST(Shrink, KeepsOnlyChangesThatFailTheSameWay) {
  // Any candidate without a crash "fails" differently: it must not be kept.
  auto run = [](const FlagList& flags) {
    Attempt attempt = FakeRun(flags);
    if (!attempt.failed) {
      attempt.failed = true;
      attempt.failures = {"liveness"};
    }
    return attempt;
  };
  const ShrinkResult result = Shrink(Start(), run);
  EXPECT_EQ(result.smallest.failures, std::set<std::string>{"linearizability"});
  EXPECT_EQ(result.smallest_flags.Get("clients"), "2");
}

TEST(FlagList, SetReplacesAndArgvKeepsOrder) {
  FlagList flags({{"nodes", "5"}, {"bug", "a"}});
  flags.Set("nodes", "3");
  EXPECT_EQ(flags.Text(), "--bug a --nodes 3");
  EXPECT_EQ(flags.Get("absent"), std::nullopt);
}

}  // namespace
}  // namespace ekv::sim
