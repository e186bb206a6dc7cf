#include "sim/cli.h"

#include <cstdio>
#include <string>

#include "absl/strings/match.h"
#include "gtest/gtest.h"

namespace ekv::sim {
namespace {

struct Output {
  Output() : out(std::tmpfile()), err(std::tmpfile()) {}
  ~Output() {
    std::fclose(out);
    std::fclose(err);
  }
  static std::string Read(std::FILE* file) {
    std::rewind(file);
    std::string text;
    char buffer[4096];
    size_t n;
    while ((n = std::fread(buffer, 1, sizeof(buffer), file)) > 0)
      text.append(buffer, n);
    return text;
  }
  std::FILE* out;
  std::FILE* err;
};

TEST(Cli, ParsesSeedFaultsFlagsAndOptions) {
  absl::StatusOr<RunArgs> args =
      ParseRunArgs({"--seed", "0x10", "--faults=net_loss,process_crash",
                    "--nodes", "5", "--duration=3s", "--self_check", "--json"});
  ASSERT_TRUE(args.ok()) << args.status();
  EXPECT_EQ(args->seed, 16u);
  EXPECT_EQ(args->faults.ToString(), "net_loss,process_crash");
  EXPECT_TRUE(args->self_check);
  EXPECT_TRUE(args->json);
  absl::StatusOr<SimOptions> options = OptionsFor(*args);
  ASSERT_TRUE(options.ok());
  EXPECT_EQ(options->nodes, 5);
  EXPECT_EQ(options->duration_ns, 3'000'000'000);
  EXPECT_GT(options->net_loss_rate, 0);
  EXPECT_TRUE(options->nemesis_crash);
  EXPECT_FALSE(options->nemesis_pause);
}

TEST(Cli, OverridesWinOverTheSwarm) {
  absl::StatusOr<RunArgs> args =
      ParseRunArgs({"--seed", "4", "--faults", "all", "--net_loss_rate", "0"});
  ASSERT_TRUE(args.ok());
  EXPECT_EQ(OptionsFor(*args)->net_loss_rate, 0);
}

TEST(Cli, WrongFlagsAreClearErrors) {
  EXPECT_FALSE(ParseRunArgs({"--seed", "-3"}).ok());
  EXPECT_FALSE(ParseRunArgs({"--nodez", "3"}).ok());
  EXPECT_FALSE(ParseRunArgs({"--nodes", "many"}).ok());
  EXPECT_FALSE(ParseRunArgs({"--faults", "gremlins"}).ok());
  EXPECT_FALSE(ParseRunArgs({"--seed"}).ok());
  EXPECT_FALSE(ParseRunArgs({"seed", "3"}).ok());
  const absl::StatusOr<RunArgs> args = ParseRunArgs({"--net_loss_rate", "2"});
  ASSERT_TRUE(args.ok());
  EXPECT_FALSE(OptionsFor(*args).ok());
}

TEST(Cli, AWrongFlagExitsWithTwoAndSaysWhy) {
  Output output;
  EXPECT_EQ(SimMain({"run", "--nodez", "3"}, output.out, output.err),
            kExitUsage);
  EXPECT_TRUE(
      absl::StrContains(Output::Read(output.err), "unknown flag --nodez"));
  EXPECT_EQ(SimMain({"jump"}, output.out, output.err), kExitUsage);
  EXPECT_EQ(SimMain({}, output.out, output.err), kExitUsage);
}

TEST(Cli, RunPrintsOptionsSummaryChecksAndTheTraceHash) {
  Output output;
  EXPECT_EQ(SimMain({"run", "--cluster", "toy", "--seed", "9", "--duration",
                     "2s", "--liveness_phase", "1s", "--self_check"},
                    output.out, output.err),
            kExitOk);
  const std::string text = Output::Read(output.out);
  EXPECT_TRUE(absl::StrContains(text, "  nodes = 3\n"));
  EXPECT_TRUE(absl::StrContains(text, "fault model: within"));
  EXPECT_TRUE(absl::StrContains(text, "check durability: ok"));
  EXPECT_TRUE(absl::StrContains(text, "determinism self-check: ok"));
  const size_t at = text.find("trace hash: ");
  ASSERT_NE(at, std::string::npos);
  EXPECT_EQ(text.size(), at + 12 + 16 + 1);  // 16 hex digits, the last line
}

TEST(Cli, ABeyondTheModelRunSaysSo) {
  Output output;
  SimMain({"run", "--cluster", "toy", "--seed", "2", "--duration", "1s",
           "--liveness_phase", "0", "--clock_beyond_bound", "true"},
          output.out, output.err);
  EXPECT_TRUE(absl::StrContains(Output::Read(output.out),
                                "fault model: BEYOND (clock errors"));
}

TEST(Cli, AKvRunChecksTheEngineAndItsWorkload) {
  Output output;
  EXPECT_EQ(SimMain({"run", "--seed", "4", "--workload", "register",
                     "--duration", "3s", "--self_check"},
                    output.out, output.err),
            kExitOk)
      << Output::Read(output.out) << Output::Read(output.err);
  const std::string text = Output::Read(output.out);
  EXPECT_TRUE(absl::StrContains(text, "cluster: kv, workload register"));
  EXPECT_TRUE(absl::StrContains(text, "check linearizable: ok"));
  EXPECT_TRUE(absl::StrContains(text, "check replicas_converge: ok"));
  EXPECT_TRUE(absl::StrContains(text, "determinism self-check: ok"));
}

TEST(Cli, FlagsOfTheKvRunAreCheckedUpFront) {
  Output output;
  EXPECT_EQ(SimMain({"run", "--workload", "nosuch"}, output.out, output.err),
            kExitUsage);
  EXPECT_EQ(SimMain({"run", "--bug", "nosuch"}, output.out, output.err),
            kExitUsage);
  EXPECT_EQ(SimMain({"run", "--cluster", "big"}, output.out, output.err),
            kExitUsage);
  EXPECT_EQ(SimMain({"replay", "--expect_hash", "xyz"}, output.out, output.err),
            kExitUsage);
  EXPECT_TRUE(absl::StrContains(Output::Read(output.err), "ekv-sim bugs"));
}

TEST(Cli, ABugChoosesItsWorkloadUnlessOneIsGiven) {
  RunArgs args = *ParseRunArgs({"--bug", "retry-applied-twice"});
  EXPECT_EQ(WorkloadOf(args), "list-append");
  args =
      *ParseRunArgs({"--bug", "retry-applied-twice", "--workload", "register"});
  EXPECT_EQ(WorkloadOf(args), "register");
  EXPECT_EQ(WorkloadOf(*ParseRunArgs({})), "mixed");
}

}  // namespace
}  // namespace ekv::sim
