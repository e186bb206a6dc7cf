// The ekv-sim command line, kept thin: it parses arguments into a RunArgs,
// builds the run's options (swarm derivation, then overrides), calls the run
// (sim/toy_run.h) and prints. Subcommands to come (sweep, replay, shrink)
// reuse ParseRunArgs and OptionsFor.
//
//   ekv-sim run --seed S [--faults swarm|none|all|KIND,...] [--trace FILE]
//               [--self_check] [--json] [--OPTION VALUE | --OPTION=VALUE]...
//
// OPTION is any name of sim/options.h (--nodes 5, --net_loss_rate 0.01,
// --duration 30s: a name without its "_ns" finds the "_ns" option). Exit
// codes: 0 every check passed, 1 a check (or the self-check) failed, 2 the
// command line is wrong.
#ifndef EKV_SIM_CLI_H_
#define EKV_SIM_CLI_H_

#include <cstdint>
#include <cstdio>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "engine/base/planted_bugs.h"
#include "sim/options.h"
#include "sim/run_report.h"
#include "sim/swarm.h"

namespace ekv::sim {

inline constexpr int kExitOk = 0;
inline constexpr int kExitCheckFailed = 1;
inline constexpr int kExitUsage = 2;

// What a run hosts: the KV engine, or the simulator's own toy protocol.
enum class ClusterKind { kToy, kKv };

struct RunArgs {
  uint64_t seed = 1;
  ClusterKind cluster = ClusterKind::kKv;
  // register | bank | list-append | mixed; empty: mixed.
  std::string workload;
  PlantedBugs bugs;  // --bug NAME (repeatable): defects switched on for the run
  FaultSelection faults;
  std::vector<std::pair<std::string, std::string>> overrides;  // in order
  std::string trace_path;    // empty: no readable trace
  std::string history_path;  // empty: the history is not written
  std::string html_path;     // empty: no HTML view of the history
  std::string expect_hash;   // replay: the trace hash the run must give
  bool self_check = false;
  bool json = false;
  // The flags that define the run, as given (everything but --seed and the
  // output flags): a replay or a sweep worker passes them on unchanged.
  std::vector<std::string> run_flags;
  // The planted bugs' own flags (sim/bug_exposure.h), applied before the
  // command line's: printed, never passed on (the bug flags bring them back).
  std::vector<std::string> exposing_flags;
};

// Parses the arguments after "run". With --bug, the bug's exposing flags
// (sim/bug_exposure.h) come first, so the command line's own flags win.
absl::StatusOr<RunArgs> ParseRunArgs(const std::vector<std::string>& args);

// The workload a run drives: --workload (perhaps a planted bug's), else
// "mixed".
std::string WorkloadOf(const RunArgs& args);

// The run's options: derived from the seed and fault selection, then
// overridden, then validated. Unless liveness_phase_ns is given, it is at
// most a quarter of the run (so --duration 2s still has faults).
absl::StatusOr<SimOptions> OptionsFor(const RunArgs& args);

// Runs the cluster that `args` names with `options`, writing the readable
// trace to `trace_log` when it is not null. The one place that picks what a
// run hosts.
RunReport RunCluster(const RunArgs& args, const SimOptions& options,
                     std::FILE* trace_log);

// The run flags, shell-quoted where needed, joined by spaces.
std::string RunFlagsText(const RunArgs& args);

// The command that replays seed `seed` of a run with `args`' flags:
// "./ekv sim replay --seed 17 --nodes 5", shell-quoted where needed.
std::string ReplayCommand(uint64_t seed, const RunArgs& args);

// The whole program over `args` (without the program name); returns the exit
// code.
int SimMain(const std::vector<std::string>& args, std::FILE* out,
            std::FILE* err);

}  // namespace ekv::sim

#endif  // EKV_SIM_CLI_H_
