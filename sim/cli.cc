#include "sim/cli.h"

#include <chrono>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "engine/base/status.h"
#include "sim/toy_run.h"
#include "sim/trace.h"

namespace ekv::sim {
namespace {

constexpr char kUsage[] =
    "usage: ekv-sim run --seed S [--faults swarm|none|all|KIND,...]\n"
    "                   [--trace FILE] [--self_check] [--json]\n"
    "                   [--OPTION VALUE]...\n"
    "Runs one seeded simulation of the cluster under the fault model and\n"
    "prints its options, a summary, its checks and its trace hash.\n"
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
  } else {
    const std::string option = ResolveOptionName(name);
    if (!IsOptionName(option)) {
      return absl::InvalidArgumentError(absl::StrCat(
          "unknown flag --", name,
          "; flags: --seed --faults --trace --self_check --json and the "
          "options listed by 'ekv-sim options'"));
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
  const RunReport report = RunToyCluster(args.seed, options, trace);
  const double wall_s = std::chrono::duration<double>(
                            std::chrono::steady_clock::now() - wall_start)
                            .count();
  if (trace != nullptr) std::fclose(trace);
  bool deterministic = true;
  uint64_t second_hash = report.trace_hash;
  if (args.self_check) {
    second_hash = RunToyCluster(args.seed, options).trace_hash;
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
  return report.passed() && deterministic ? kExitOk : kExitCheckFailed;
}

}  // namespace

absl::StatusOr<RunArgs> ParseRunArgs(const std::vector<std::string>& argv) {
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
  }
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
  if (args[0] != "run") {
    return PrintUsageError(err, absl::StrCat("unknown command '", args[0],
                                             "' (commands: run, options)"));
  }
  const absl::StatusOr<RunArgs> run_args =
      ParseRunArgs(std::vector<std::string>(args.begin() + 1, args.end()));
  if (!run_args.ok()) return PrintUsageError(err, run_args.status().message());
  const absl::StatusOr<SimOptions> options = OptionsFor(*run_args);
  if (!options.ok()) return PrintUsageError(err, options.status().message());
  return RunCommand(*run_args, *options, out, err);
}

}  // namespace ekv::sim
