#include "sim/sweep_command.h"

#include <unistd.h>

#include <chrono>
#include <fstream>
#include <iostream>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "engine/base/status.h"
#include "sim/cli.h"
#include "sim/sweep/progress.h"
#include "sim/sweep/seed_result.h"
#include "sim/sweep/seed_set.h"
#include "sim/sweep/summary.h"
#include "sim/sweep/worker_pool.h"
#include "sim/trace.h"

namespace ekv::sim {
namespace {

using sweep::SeedResult;
using sweep::Verdict;

constexpr char kSweepUsage[] =
    "usage: ekv-sim sweep --seeds A..B [--jobs N] [--shard K/N] [--out FILE]\n"
    "         [--check_determinism] [--stop_on_failure] [--seed_timeout 600s]\n"
    "         [RUN FLAGS]\n"
    "Runs every seed of A..B (or of shard K of N: seeds A+K, A+K+N, ...) in N\n"
    "worker processes, with the flags of 'ekv-sim run'. Prints progress,\n"
    "every failure with its replay command, and a summary; --out writes a\n"
    "JSON line per seed. --stop_on_failure stops at the lowest failing seed\n"
    "(every lower seed still runs). Exit codes: 0 all passed, 1 a seed\n"
    "failed, 2 bad command line.\n";

struct SweepArgs {
  sweep::SeedRange seeds;
  bool seeds_given = false;
  sweep::Shard shard;
  int jobs = 0;
  std::string out_path;
  bool check_determinism = false;
  bool stop_on_failure = false;
  int64_t seed_timeout_ns = 600 * kNanosPerSecond;
  std::vector<std::string> run_flags;
};

int UsageError(std::FILE* err, absl::string_view message, const char* usage) {
  std::fprintf(err, "ekv-sim: %.*s\n%s", static_cast<int>(message.size()),
               message.data(), usage);
  return kExitUsage;
}

absl::StatusOr<SweepArgs> ParseSweepArgs(const std::vector<std::string>& argv) {
  SweepArgs args;
  for (size_t i = 0; i < argv.size(); ++i) {
    std::string name = argv[i];
    std::string value;
    const size_t eq = name.find('=');
    const bool inline_value = eq != std::string::npos;
    if (inline_value) {
      value = name.substr(eq + 1);
      name.resize(eq);
    }
    auto take_value = [&]() -> absl::StatusOr<std::string> {
      if (inline_value) return value;
      if (i + 1 >= argv.size()) {
        return absl::InvalidArgumentError(
            absl::StrCat("flag ", name, " needs a value"));
      }
      return argv[++i];
    };
    if (name == "--check_determinism" || name == "--check-determinism") {
      args.check_determinism = true;
    } else if (name == "--stop_on_failure") {
      args.stop_on_failure = true;
    } else if (name == "--seeds") {
      EKV_ASSIGN_OR_RETURN(const std::string text, take_value());
      EKV_ASSIGN_OR_RETURN(args.seeds, sweep::ParseSeedRange(text));
      args.seeds_given = true;
    } else if (name == "--shard") {
      EKV_ASSIGN_OR_RETURN(const std::string text, take_value());
      EKV_ASSIGN_OR_RETURN(args.shard, sweep::ParseShard(text));
    } else if (name == "--jobs") {
      EKV_ASSIGN_OR_RETURN(const std::string text, take_value());
      if (!absl::SimpleAtoi(text, &args.jobs) || args.jobs < 1 ||
          args.jobs > 1024) {
        return absl::InvalidArgumentError(absl::StrCat(
            "--jobs '", text, "': expected a number from 1 to 1024"));
      }
    } else if (name == "--out") {
      EKV_ASSIGN_OR_RETURN(args.out_path, take_value());
    } else if (name == "--seed_timeout") {
      EKV_ASSIGN_OR_RETURN(const std::string text, take_value());
      SimOptions probe;  // reuses the options' duration syntax: 90s, 2500ms
      EKV_RETURN_IF_ERROR(SetOption(probe, "duration_ns", text));
      args.seed_timeout_ns = probe.duration_ns;
      if (args.seed_timeout_ns < kNanosPerSecond) {
        return absl::InvalidArgumentError(absl::StrCat(
            "--seed_timeout '", text,
            "': at least 1s (a number without a unit is nanoseconds)"));
      }
    } else if (name == "--seed") {
      return absl::InvalidArgumentError(
          "a sweep takes --seeds A..B; to run one seed use 'ekv-sim run --seed "
          "S'");
    } else {
      args.run_flags.push_back(argv[i]);
    }
  }
  if (!args.seeds_given)
    return absl::InvalidArgumentError("--seeds A..B is required");
  if (args.jobs == 0) {
    args.jobs =
        static_cast<int>(std::max<long>(1, sysconf(_SC_NPROCESSORS_ONLN)));
  }
  return args;
}

SeedResult ResultOf(uint64_t seed, const RunArgs& run_args,
                    const RunReport& report, double wall_s,
                    const char* determinism) {
  SeedResult r;
  r.seed = seed;
  r.verdict = report.passed() ? Verdict::kPassed : Verdict::kFailed;
  for (const CheckResult& check : report.checks) {
    if (!check.passed) r.failed_checks.push_back(check.name);
  }
  if (absl::string_view(determinism) == "failed") {
    r.verdict = Verdict::kFailed;
    r.failed_checks.push_back("determinism");
  }
  r.trace_hash = HashHex(report.trace_hash);
  r.events = report.events;
  r.simulated_ns = static_cast<uint64_t>(report.simulated_ns);
  r.wall_us = static_cast<uint64_t>(wall_s * 1e6);
  r.faults = report.faults_total();
  r.ops = report.client_ops;
  r.beyond_fault_model = report.options.beyond_fault_model();
  r.determinism = determinism;
  for (size_t i = 0; i < kProbeCount; ++i) {
    const auto probe = static_cast<Probe>(i);
    r.probes[std::string(ProbeName(probe))] = report.probes.count(probe);
  }
  r.replay = ReplayCommand(seed, run_args);
  return r;
}

double SecondsSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
      .count();
}

}  // namespace

int WorkerMain(const std::vector<std::string>& argv, std::FILE* out,
               std::FILE* err) {
  bool check_determinism = false;
  std::vector<std::string> flags;
  for (const std::string& arg : argv) {
    if (arg == "--check_determinism") {
      check_determinism = true;
    } else {
      flags.push_back(arg);
    }
  }
  absl::StatusOr<RunArgs> run_args = ParseRunArgs(flags);
  if (!run_args.ok())
    return UsageError(err, run_args.status().message(), kSweepUsage);
  std::string line;
  while (std::getline(std::cin, line)) {
    absl::StatusOr<sweep::SeedRange> seed = sweep::ParseSeedRange(line);
    if (!seed.ok() || seed->first != seed->last) {
      std::fprintf(err, "ekv-sim worker: bad task '%s'\n", line.c_str());
      return kExitUsage;
    }
    run_args->seed = seed->first;
    absl::StatusOr<SimOptions> options = OptionsFor(*run_args);
    if (!options.ok())
      return UsageError(err, options.status().message(), kSweepUsage);
    const auto start = std::chrono::steady_clock::now();
    const RunReport report = RunCluster(*run_args, *options, nullptr);
    const double wall_s = SecondsSince(start);
    const char* determinism = "not_run";
    if (check_determinism) {
      determinism = RunCluster(*run_args, *options, nullptr).trace_hash ==
                            report.trace_hash
                        ? "ok"
                        : "failed";
    }
    const std::string json = ToJsonLine(
        ResultOf(seed->first, *run_args, report, wall_s, determinism));
    std::fprintf(out, "%s\n", json.c_str());
    std::fflush(out);
  }
  return kExitOk;
}

int SweepMain(const std::vector<std::string>& argv, std::FILE* out,
              std::FILE* err) {
  absl::StatusOr<SweepArgs> args = ParseSweepArgs(argv);
  if (!args.ok()) return UsageError(err, args.status().message(), kSweepUsage);
  // Reject bad run flags now, once, rather than in every worker.
  absl::StatusOr<RunArgs> run_args = ParseRunArgs(args->run_flags);
  if (!run_args.ok())
    return UsageError(err, run_args.status().message(), kSweepUsage);
  if (absl::Status s = OptionsFor(*run_args).status(); !s.ok()) {
    return UsageError(err, s.message(), kSweepUsage);
  }
  std::FILE* results = nullptr;
  if (!args->out_path.empty()) {
    results = std::fopen(args->out_path.c_str(), "w");
    if (results == nullptr) {
      return UsageError(err, absl::StrCat("cannot write ", args->out_path),
                        kSweepUsage);
    }
  }

  const std::vector<uint64_t> seeds =
      sweep::SeedsOfShard(args->seeds, args->shard);
  std::vector<std::string> tasks;
  tasks.reserve(seeds.size());
  for (uint64_t seed : seeds) tasks.push_back(absl::StrCat(seed));
  sweep::WorkerPoolOptions pool_options;
  pool_options.worker_argv = {"/proc/self/exe", "worker"};
  if (args->check_determinism)
    pool_options.worker_argv.push_back("--check_determinism");
  for (const std::string& flag : args->run_flags)
    pool_options.worker_argv.push_back(flag);
  pool_options.jobs = args->jobs;
  pool_options.task_timeout_ms = args->seed_timeout_ns / kNanosPerMilli;

  std::fprintf(
      out, "ekv-sim sweep: seeds %s%s: %zu seeds, %d jobs, run flags: %s\n",
      sweep::FormatSeedRange(args->seeds).c_str(),
      args->shard.count > 1
          ? absl::StrCat(", shard ", sweep::FormatShard(args->shard)).c_str()
          : "",
      seeds.size(), args->jobs,
      run_args->run_flags.empty() ? "(defaults)"
                                  : RunFlagsText(*run_args).c_str());
  std::fflush(out);

  const bool is_terminal = isatty(fileno(err)) != 0;
  sweep::ProgressReporter progress(err, is_terminal);
  sweep::SweepSummary summary;
  const auto start = std::chrono::steady_clock::now();
  uint64_t done = 0;
  uint64_t lowest_failed_seed = UINT64_MAX;
  const absl::Status ran =
      sweep::WorkerPool(pool_options)
          .Run(
              tasks,
              [&](size_t index, const sweep::TaskOutcome& outcome) {
                SeedResult result;
                if (outcome.kind == sweep::TaskOutcome::Kind::kDone) {
                  absl::StatusOr<SeedResult> parsed = sweep::ParseSeedResult(
                      outcome.line,
                      absl::StrCat("worker, seed ", seeds[index]));
                  if (parsed.ok()) {
                    result = *std::move(parsed);
                  } else {
                    result.verdict = Verdict::kCrashed;
                    result.how = std::string(parsed.status().message());
                  }
                } else {
                  result.verdict =
                      outcome.kind == sweep::TaskOutcome::Kind::kTimedOut
                          ? Verdict::kTimedOut
                          : Verdict::kCrashed;
                  result.how = outcome.how;
                  result.stderr_tail = outcome.stderr_tail;
                }
                result.seed = seeds[index];
                result.replay = ReplayCommand(seeds[index], *run_args);
                if (!result.trace_hash.empty()) {
                  absl::StrAppend(&result.replay, " --expect_hash ",
                                  result.trace_hash);
                }
                summary.Add(result);
                ++done;
                if (results != nullptr) {
                  std::fprintf(results, "%s\n", ToJsonLine(result).c_str());
                  std::fflush(results);
                }
                if (!result.ok()) {
                  lowest_failed_seed =
                      std::min(lowest_failed_seed, result.seed);
                  if (is_terminal) std::fprintf(err, "\r\x1b[K");
                  std::fprintf(
                      err, "FAIL seed %llu: %s\n  replay: %s\n",
                      static_cast<unsigned long long>(result.seed),
                      result.verdict == Verdict::kFailed
                          ? absl::StrJoin(result.failed_checks, ", ").c_str()
                          : absl::StrCat(VerdictName(result.verdict), ": ",
                                         result.how)
                                .c_str(),
                      result.replay.c_str());
                  if (!result.stderr_tail.empty()) {
                    std::fprintf(err, "  last words: %s\n",
                                 result.stderr_tail.c_str());
                  }
                }
                progress.Update({done, seeds.size(), summary.failures(),
                                 SecondsSince(start)});
              },
              [&](size_t index) {
                return !args->stop_on_failure ||
                       seeds[index] < lowest_failed_seed;
              });
  const double wall_s = SecondsSince(start);
  progress.Finish({done, seeds.size(), summary.failures(), wall_s});
  if (results != nullptr) std::fclose(results);
  if (!ran.ok()) {
    std::fprintf(err, "ekv-sim sweep: %s\n",
                 std::string(ran.message()).c_str());
    return kExitCheckFailed;
  }
  for (const std::string& line : summary.Lines(wall_s, args->jobs)) {
    std::fprintf(out, "%s\n", line.c_str());
  }
  if (!args->out_path.empty()) {
    std::fprintf(out, "results: %s\n", args->out_path.c_str());
  }
  if (args->stop_on_failure && lowest_failed_seed != UINT64_MAX) {
    std::fprintf(
        out,
        "stopped at the first failure: seed %llu (%llu seeds run, every "
        "lower seed passed)\n",
        static_cast<unsigned long long>(lowest_failed_seed),
        static_cast<unsigned long long>(summary.seeds()));
  }
  return summary.failures() == 0 ? kExitOk : kExitCheckFailed;
}

int MergeMain(const std::vector<std::string>& argv, std::FILE* out,
              std::FILE* err) {
  if (argv.empty()) {
    return UsageError(
        err, "merge needs result files",
        "usage: ekv-sim merge FILE...\n"
        "Combines the JSON-line results of sweep shards into one summary.\n");
  }
  sweep::SweepSummary summary;
  for (const std::string& path : argv) {
    std::ifstream in(path);
    if (!in) return UsageError(err, absl::StrCat("cannot read ", path), "");
    std::string line;
    for (int number = 1; std::getline(in, line); ++number) {
      if (line.empty()) continue;
      absl::StatusOr<SeedResult> result =
          sweep::ParseSeedResult(line, absl::StrCat(path, ":", number));
      if (!result.ok()) return UsageError(err, result.status().message(), "");
      summary.Add(*result);
    }
  }
  std::fprintf(out, "ekv-sim merge: %zu files, %llu seeds\n", argv.size(),
               static_cast<unsigned long long>(summary.seeds()));
  for (const std::string& line : summary.Lines(0, 0))
    std::fprintf(out, "%s\n", line.c_str());
  return summary.failures() == 0 ? kExitOk : kExitCheckFailed;
}

}  // namespace ekv::sim
