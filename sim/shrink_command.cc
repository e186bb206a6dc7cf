#include "sim/shrink_command.h"

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "sim/cli.h"
#include "sim/shrink.h"
#include "sim/swarm.h"
#include "sim/sweep/seed_result.h"
#include "sim/sweep/worker_pool.h"
#include "sim/trace.h"

namespace ekv::sim {
namespace {

constexpr char kShrinkUsage[] =
    "usage: ekv-sim shrink --seed S [RUN FLAGS] [--runs_max 200]\n"
    "Finds a smaller configuration (fewer fault events and kinds, less time,\n"
    "fewer clients, operations and nodes) under which seed S still fails the\n"
    "same way, and prints the command that reproduces it.\n";

int UsageError(std::FILE* err, absl::string_view message) {
  std::fprintf(err, "ekv-sim: %.*s\n%s", static_cast<int>(message.size()),
               message.data(), kShrinkUsage);
  return kExitUsage;
}

// "--name value" and "--name=value" pieces as (name, value) pairs.
FlagList ToFlagList(const std::vector<std::string>& run_flags) {
  std::vector<std::pair<std::string, std::string>> pairs;
  for (size_t i = 0; i < run_flags.size(); ++i) {
    std::string name = run_flags[i].substr(2);
    const size_t eq = name.find('=');
    if (eq != std::string::npos) {
      pairs.emplace_back(name.substr(0, eq), name.substr(eq + 1));
    } else if (i + 1 < run_flags.size()) {
      pairs.emplace_back(name, run_flags[++i]);
    }
  }
  return FlagList(std::move(pairs));
}

// Runs `flags` for `seed` in a child process and reads its result line.
Attempt RunInChild(uint64_t seed, const FlagList& flags) {
  sweep::WorkerPoolOptions options;
  options.worker_argv = {"/proc/self/exe", "worker"};
  for (const std::string& arg : flags.Argv())
    options.worker_argv.push_back(arg);
  Attempt attempt;
  const absl::Status status = sweep::WorkerPool(options).Run(
      {absl::StrCat(seed)}, [&](size_t, const sweep::TaskOutcome& outcome) {
        if (outcome.kind != sweep::TaskOutcome::Kind::kDone) {
          attempt.failed = true;
          attempt.failures = {
              outcome.kind == sweep::TaskOutcome::Kind::kTimedOut ? "timed_out"
                                                                  : "crashed"};
          return;
        }
        absl::StatusOr<sweep::SeedResult> result =
            sweep::ParseSeedResult(outcome.line, "shrink worker");
        if (!result.ok()) {
          attempt.failed = true;
          attempt.failures = {"crashed"};
          return;
        }
        attempt.failed = !result->ok();
        attempt.failures.insert(result->failed_checks.begin(),
                                result->failed_checks.end());
        if (result->verdict != sweep::Verdict::kPassed &&
            result->verdict != sweep::Verdict::kFailed) {
          attempt.failures.insert(
              std::string(sweep::VerdictName(result->verdict)));
        }
        attempt.ops = result->ops;
        attempt.faults = result->faults;
        attempt.simulated_ns = static_cast<int64_t>(result->simulated_ns);
        attempt.trace_hash = result->trace_hash;
      });
  if (!status.ok()) {
    attempt.failed = true;
    attempt.failures = {"crashed"};
  }
  return attempt;
}

std::string Describe(const Attempt& attempt) {
  return absl::StrCat(attempt.ops, " operations, ", attempt.faults,
                      " fault events, ", FormatTimeNs(attempt.simulated_ns),
                      " simulated");
}

}  // namespace

int ShrinkMain(const std::vector<std::string>& argv, std::FILE* out,
               std::FILE* err) {
  int runs_max = 200;
  std::vector<std::string> run_argv;
  for (size_t i = 0; i < argv.size(); ++i) {
    if (argv[i] == "--runs_max" && i + 1 < argv.size()) {
      if (!absl::SimpleAtoi(argv[++i], &runs_max) || runs_max < 1) {
        return UsageError(err, "--runs_max needs a positive number");
      }
    } else {
      run_argv.push_back(argv[i]);
    }
  }
  absl::StatusOr<RunArgs> args = ParseRunArgs(run_argv);
  if (!args.ok()) return UsageError(err, args.status().message());
  absl::StatusOr<SimOptions> options = OptionsFor(*args);
  if (!options.ok()) return UsageError(err, options.status().message());

  ShrinkStart start;
  start.flags = ToFlagList(args->run_flags);
  start.nodes = options->nodes;
  start.clients = options->clients;
  start.duration_ns = options->duration_ns;
  start.client_ops_max =
      IsOptionName("client_ops_max") ? options->client_ops_max : 0;
  start.fault_kinds_on = EnabledFaultKinds(*options);

  const uint64_t seed = args->seed;
  std::fprintf(out, "ekv-sim shrink: seed %llu, %s\n",
               static_cast<unsigned long long>(seed),
               ReplayCommand(seed, *args).c_str());
  std::fflush(out);
  int tried = 0;
  const ShrinkResult result = Shrink(
      start,
      [&](const FlagList& flags) {
        const Attempt attempt = RunInChild(seed, flags);
        std::fprintf(
            err, "  try %d: %s -> %s\n", ++tried, flags.Text().c_str(),
            attempt.failed
                ? absl::StrCat("fails (", absl::StrJoin(attempt.failures, ", "),
                               ")")
                      .c_str()
                : "passes");
        return attempt;
      },
      runs_max);
  if (!result.original.failed) {
    std::fprintf(out, "seed %llu passes with these flags: nothing to shrink\n",
                 static_cast<unsigned long long>(seed));
    return kExitCheckFailed;
  }
  std::fprintf(out, "fails with: %s\n",
               absl::StrJoin(result.original.failures, ", ").c_str());
  std::fprintf(out, "original: %s\n", Describe(result.original).c_str());
  std::fprintf(out, "kept %zu reductions in %d runs:\n", result.steps.size(),
               result.runs);
  for (const std::string& step : result.steps)
    std::fprintf(out, "  %s\n", step.c_str());
  std::fprintf(out, "smallest: %s (fails with: %s)\n",
               Describe(result.smallest).c_str(),
               absl::StrJoin(result.smallest.failures, ", ").c_str());
  absl::StatusOr<RunArgs> smallest = ParseRunArgs(result.smallest_flags.Argv());
  const std::string flags =
      smallest.ok() ? RunFlagsText(*smallest) : result.smallest_flags.Text();
  std::fprintf(out,
               "reproduce: ./ekv sim run --seed %llu %s --expect_hash %s\n",
               static_cast<unsigned long long>(seed), flags.c_str(),
               result.smallest.trace_hash.c_str());
  return kExitOk;
}

}  // namespace ekv::sim
