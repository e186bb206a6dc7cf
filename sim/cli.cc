#include "sim/cli.h"

#include <algorithm>
#include <chrono>
#include <optional>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "engine/base/status.h"
#include "sim/bug_exposure.h"
#include "sim/kv_run.h"
#include "sim/shrink_command.h"
#include "sim/sweep_command.h"
#include "sim/toy_run.h"
#include "sim/trace.h"
#include "workloads/workload.h"

namespace ekv::sim {
namespace {

constexpr char kUsage[] =
    "usage: ekv-sim run --seed S [--workload register|bank|list-append|mixed]\n"
    "           [--bug NAME] [--faults swarm|none|all|KIND,...] [--nodes N]\n"
    "           [--duration 20s] [--OPTION VALUE]... [--trace FILE]\n"
    "           [--history FILE] [--html FILE] [--self_check] [--json]\n"
    "       ekv-sim replay --seed S [the run's flags] [--expect_hash HEX]\n"
    "       ekv-sim sweep --seeds A..B [--jobs N] [--shard K/N] [--out FILE]\n"
    "       ekv-sim shrink --seed S [the run's flags] [--runs_max 200]\n"
    "       ekv-sim merge FILE...\n"
    "       ekv-sim bugs | options\n"
    "run: one seeded simulation of the cluster under the fault model; prints\n"
    "its options, a summary, its checks and its trace hash.\n"
    "replay: the same run again, writing its trace, history and HTML view.\n"
    "OPTION is any simulator option (ekv-sim options lists them).\n"
    "Exit codes: 0 passed, 1 a check failed, 2 bad command line.\n";

absl::StatusOr<uint64_t> ParseSeed(absl::string_view text) {
  uint64_t seed = 0;
  const bool ok = absl::StartsWith(text, "0x")
                      ? absl::SimpleHexAtoi(text.substr(2), &seed)
                      : absl::SimpleAtoi(text, &seed);
  if (!ok) {
    return absl::InvalidArgumentError(
        absl::StrCat("--seed: '", text, "' is not an unsigned integer"));
  }
  return seed;
}

// "--duration" names "duration_ns": the unit may be left off a name.
std::string ResolveOptionName(const std::string& name) {
  if (IsOptionName(name)) return name;
  if (IsOptionName(name + "_ns")) return name + "_ns";
  return name;
}

absl::Status ApplyFlag(RunArgs& args, const std::string& name,
                       const std::string& value) {
  if (name == "seed") {
    EKV_ASSIGN_OR_RETURN(args.seed, ParseSeed(value));
  } else if (name == "faults") {
    EKV_ASSIGN_OR_RETURN(args.faults, ParseFaultSelection(value));
  } else if (name == "trace") {
    args.trace_path = value;
  } else if (name == "history") {
    args.history_path = value;
  } else if (name == "html") {
    args.html_path = value;
  } else if (name == "expect_hash") {
    if (value.size() != 16 ||
        value.find_first_not_of("0123456789abcdef") != std::string::npos) {
      return absl::InvalidArgumentError(absl::StrCat(
          "--expect_hash '", value, "': expected 16 lower-case hex digits"));
    }
    args.expect_hash = value;
  } else if (name == "cluster") {
    if (value != "kv" && value != "toy") {
      return absl::InvalidArgumentError(
          absl::StrCat("--cluster '", value, "': expected kv or toy"));
    }
    args.cluster = value == "kv" ? ClusterKind::kKv : ClusterKind::kToy;
  } else if (name == "workload") {
    const auto& names = workloads::WorkloadNames();
    if (std::find(names.begin(), names.end(), value) == names.end()) {
      return absl::InvalidArgumentError(
          absl::StrCat("--workload '", value, "': expected one of ",
                       absl::StrJoin(names, ", ")));
    }
    args.workload = value;
  } else if (name == "bug") {
    const std::optional<PlantedBug> bug = PlantedBugByName(value);
    if (!bug.has_value()) {
      return absl::InvalidArgumentError(
          absl::StrCat("--bug '", value,
                       "': no such planted bug ('ekv-sim bugs' lists them)"));
    }
    args.bugs.Enable(*bug);
  } else {
    const std::string option = ResolveOptionName(name);
    if (!IsOptionName(option)) {
      return absl::InvalidArgumentError(absl::StrCat(
          "unknown flag --", name,
          "; flags: --seed --cluster --workload --bug --faults --trace "
          "--history --html --expect_hash --self_check --json and the options "
          "listed by 'ekv-sim options'"));
    }
    SimOptions probe;  // rejects a bad value now, with the flag's name
    EKV_RETURN_IF_ERROR(SetOption(probe, option, value));
    args.overrides.emplace_back(option, value);
  }
  return absl::OkStatus();
}

int PrintUsageError(std::FILE* err, absl::string_view message) {
  std::fprintf(err, "ekv-sim: %.*s\n%s", static_cast<int>(message.size()),
               message.data(), kUsage);
  return kExitUsage;
}

void PrintReadable(std::FILE* out, const RunArgs& args,
                   const SimOptions& options) {
  std::fprintf(out, "ekv-sim run: seed %llu, faults %s\n",
               static_cast<unsigned long long>(args.seed),
               args.faults.ToString().c_str());
  if (args.cluster == ClusterKind::kKv) {
    std::fprintf(out, "cluster: kv, workload %s, planted bugs: %s\n",
                 WorkloadOf(args).c_str(), args.bugs.Names().c_str());
    if (!args.exposing_flags.empty()) {
      std::fprintf(out, "planted bug flags (before the command line's): %s\n",
                   absl::StrJoin(args.exposing_flags, " ").c_str());
    }
  } else {
    std::fprintf(out, "cluster: toy (the simulator's own test protocol)\n");
  }
  std::fprintf(out, "faults on: %s\n",
               absl::StrJoin(EnabledFaultKinds(options), ", ").c_str());
  std::fprintf(out, "options:\n");
  for (const std::string& line : OptionLines(options)) {
    std::fprintf(out, "  %s\n", line.c_str());
  }
  std::fflush(out);
}

int RunCommand(const RunArgs& args, const SimOptions& options, std::FILE* out,
               std::FILE* err) {
  std::FILE* trace = nullptr;
  if (!args.trace_path.empty()) {
    trace = std::fopen(args.trace_path.c_str(), "w");
    if (trace == nullptr) {
      return PrintUsageError(
          err, absl::StrCat("cannot write the trace to ", args.trace_path));
    }
  }
  if (!args.json) PrintReadable(out, args, options);
  const auto wall_start = std::chrono::steady_clock::now();
  const RunReport report = RunCluster(args, options, trace);
  const double wall_s = std::chrono::duration<double>(
                            std::chrono::steady_clock::now() - wall_start)
                            .count();
  if (trace != nullptr) std::fclose(trace);
  bool deterministic = true;
  uint64_t second_hash = report.trace_hash;
  if (args.self_check) {
    second_hash = RunCluster(args, options, nullptr).trace_hash;
    deterministic = second_hash == report.trace_hash;
  }
  if (args.json) {
    std::fprintf(out, "%s\n", OptionsJson(args.seed, options).c_str());
    std::string result = ReportJson(report);
    result.pop_back();
    absl::StrAppend(&result, ",\"wall_s\":", wall_s, ",\"self_check\":\"",
                    !args.self_check ? "not_run"
                    : deterministic  ? "ok"
                                     : "failed",
                    "\"}");
    std::fprintf(out, "%s\n", result.c_str());
  } else {
    for (const std::string& line : ReportLines(report)) {
      std::fprintf(out, "%s\n", line.c_str());
    }
    const double simulated_s =
        static_cast<double>(report.simulated_ns) / kNanosPerSecond;
    std::fprintf(out, "wall time: %.3f s (%.0fx real time, %.2f M events/s)\n",
                 wall_s, wall_s > 0 ? simulated_s / wall_s : 0.0,
                 wall_s > 0 ? report.events / wall_s / 1e6 : 0.0);
    if (args.self_check) {
      std::fprintf(out, "determinism self-check: %s\n",
                   deterministic ? "ok (two runs, one trace hash)"
                                 : absl::StrCat("FAILED: second run hashed ",
                                                HashHex(second_hash))
                                       .c_str());
    }
    if (!args.trace_path.empty()) {
      std::fprintf(out, "trace written to %s\n", args.trace_path.c_str());
    }
  }
  std::fprintf(out, "trace hash: %s\n", HashHex(report.trace_hash).c_str());
  bool as_expected = true;
  if (!args.expect_hash.empty()) {
    as_expected = args.expect_hash == HashHex(report.trace_hash);
    std::fprintf(out, "expected trace hash %s: %s\n", args.expect_hash.c_str(),
                 as_expected ? "reproduced bit for bit"
                             : "MISMATCH: not the same run (another binary or "
                               "other flags?)");
  }
  return report.passed() && deterministic && as_expected ? kExitOk
                                                         : kExitCheckFailed;
}

// Quotes `arg` for a POSIX shell when it holds anything but plain characters.
std::string ShellQuote(const std::string& arg) {
  const bool plain =
      !arg.empty() && arg.find_first_not_of(
                          "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                          "0123456789_-.,/:=+@%") == std::string::npos;
  if (plain) return arg;
  std::string quoted = "'";
  for (char c : arg) {
    if (c == '\'') {
      quoted += "'\\''";
    } else {
      quoted += c;
    }
  }
  return quoted + "'";
}

// A replay writes everything a person needs to debug the run; paths not given
// default to files named after the seed in the current directory.
void SetReplayOutputs(RunArgs& args) {
  const std::string stem = absl::StrCat("ekv-seed-", args.seed);
  if (args.trace_path.empty()) args.trace_path = stem + ".trace.txt";
  if (args.cluster == ClusterKind::kKv) {
    if (args.history_path.empty()) args.history_path = stem + ".history.jsonl";
    if (args.html_path.empty()) args.html_path = stem + ".html";
  }
}

}  // namespace

std::string WorkloadOf(const RunArgs& args) {
  return args.workload.empty() ? "mixed" : args.workload;
}

RunReport RunCluster(const RunArgs& args, const SimOptions& options,
                     std::FILE* trace_log) {
  if (args.cluster == ClusterKind::kToy) {
    return RunToyCluster(args.seed, options, trace_log);
  }
  KvRunConfig config;
  config.workload = WorkloadOf(args);
  config.bugs = args.bugs;
  config.history_path = args.history_path;
  config.html_path = args.html_path;
  return RunKvCluster(args.seed, options, config, trace_log);
}

std::string RunFlagsText(const RunArgs& args) {
  std::string text;
  for (const std::string& flag : args.run_flags) {
    absl::StrAppend(&text, text.empty() ? "" : " ", ShellQuote(flag));
  }
  return text;
}

std::string ReplayCommand(uint64_t seed, const RunArgs& args) {
  const std::string flags = RunFlagsText(args);
  return absl::StrCat("./ekv sim replay --seed ", seed,
                      flags.empty() ? "" : " ", flags);
}

namespace {

absl::StatusOr<RunArgs> ParseFlags(const std::vector<std::string>& argv) {
  RunArgs args;
  for (size_t i = 0; i < argv.size(); ++i) {
    const std::string& arg = argv[i];
    if (!absl::StartsWith(arg, "--") || arg.size() == 2) {
      return absl::InvalidArgumentError(
          absl::StrCat("unexpected argument '", arg, "'"));
    }
    std::string name = arg.substr(2);
    if (name == "self_check") {
      args.self_check = true;
      continue;
    }
    if (name == "json") {
      args.json = true;
      continue;
    }
    const size_t flag_start = i;
    std::string value;
    const size_t eq = name.find('=');
    if (eq != std::string::npos) {
      value = name.substr(eq + 1);
      name.resize(eq);
    } else if (i + 1 < argv.size()) {
      value = argv[++i];
    } else {
      return absl::InvalidArgumentError(
          absl::StrCat("flag --", name, " needs a value"));
    }
    EKV_RETURN_IF_ERROR(ApplyFlag(args, name, value));
    if (name != "seed" && name != "trace" && name != "history" &&
        name != "html" && name != "expect_hash") {
      for (size_t j = flag_start; j <= i; ++j)
        args.run_flags.push_back(argv[j]);
    }
  }
  return args;
}

}  // namespace

absl::StatusOr<RunArgs> ParseRunArgs(const std::vector<std::string>& argv) {
  EKV_ASSIGN_OR_RETURN(RunArgs given, ParseFlags(argv));
  std::vector<std::string> expanded = ExposingFlags(given.bugs);
  if (expanded.empty()) return given;
  // The bugs' flags first, so that the command line's own win.
  const std::vector<std::string> exposing = expanded;
  expanded.insert(expanded.end(), argv.begin(), argv.end());
  EKV_ASSIGN_OR_RETURN(RunArgs args, ParseFlags(expanded));
  args.run_flags = std::move(given.run_flags);
  args.exposing_flags = exposing;
  return args;
}

absl::StatusOr<SimOptions> OptionsFor(const RunArgs& args) {
  SimOptions options = DeriveOptions(args.seed, args.faults);
  bool liveness_given = false;
  for (const auto& [name, value] : args.overrides) {
    EKV_RETURN_IF_ERROR(SetOption(options, name, value));
    liveness_given = liveness_given || name == "liveness_phase_ns";
  }
  // A shorter run keeps most of its time for faults: the healed tail shrinks
  // to a quarter of the run unless it was given.
  if (!liveness_given && options.liveness_phase_ns > options.duration_ns / 4) {
    options.liveness_phase_ns = options.duration_ns / 4;
  }
  EKV_RETURN_IF_ERROR(ValidateOptions(options));
  if (args.cluster == ClusterKind::kKv) {
    // Builds the workloads once to reject what a run could not host.
    workloads::WorkloadContext context;
    context.nodes.assign(static_cast<size_t>(options.nodes), 1);
    EKV_RETURN_IF_ERROR(
        workloads::MakeWorkloads(WorkloadOf(args),
                                 static_cast<int>(options.clients), context)
            .status());
  }
  return options;
}

int SimMain(const std::vector<std::string>& args, std::FILE* out,
            std::FILE* err) {
  if (args.empty() || args[0] == "help" || args[0] == "--help" ||
      args[0] == "-h") {
    std::fprintf(args.empty() ? err : out, "%s", kUsage);
    return args.empty() ? kExitUsage : kExitOk;
  }
  if (args[0] == "options") {
    for (const std::string& line : OptionLines(SimOptions{})) {
      std::fprintf(out, "%s\n", line.c_str());
    }
    std::fprintf(out, "fault kinds: %s\n",
                 absl::StrJoin(FaultKinds(), ",").c_str());
    return kExitOk;
  }
  const std::vector<std::string> rest(args.begin() + 1, args.end());
  if (args[0] == "sweep") return SweepMain(rest, out, err);
  if (args[0] == "merge") return MergeMain(rest, out, err);
  if (args[0] == "worker") return WorkerMain(rest, out, err);
  if (args[0] == "shrink") return ShrinkMain(rest, out, err);
  if (args[0] == "bugs") {
    for (size_t i = 0; i < kPlantedBugCount; ++i) {
      const PlantedBugInfo& info =
          GetPlantedBugInfo(static_cast<PlantedBug>(i));
      const BugExposure& exposure = GetBugExposure(info.bug);
      std::fprintf(out, "%-29s %s\n%29s flags: %s; caught within %d seeds\n",
                   std::string(info.name).c_str(),
                   std::string(info.summary).c_str(), "",
                   std::string(exposure.flags).c_str(), exposure.seed_budget);
    }
    return kExitOk;
  }
  if (args[0] != "run" && args[0] != "replay") {
    return PrintUsageError(
        err,
        absl::StrCat(
            "unknown command '", args[0],
            "' (commands: run, replay, sweep, shrink, merge, bugs, options)"));
  }
  absl::StatusOr<RunArgs> run_args = ParseRunArgs(rest);
  if (!run_args.ok()) return PrintUsageError(err, run_args.status().message());
  if (args[0] == "replay") SetReplayOutputs(*run_args);
  const absl::StatusOr<SimOptions> options = OptionsFor(*run_args);
  if (!options.ok()) return PrintUsageError(err, options.status().message());
  return RunCommand(*run_args, *options, out, err);
}

}  // namespace ekv::sim
