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
#include "sim/options.h"
#include "sim/swarm.h"

namespace ekv::sim {

inline constexpr int kExitOk = 0;
inline constexpr int kExitCheckFailed = 1;
inline constexpr int kExitUsage = 2;

struct RunArgs {
  uint64_t seed = 1;
  FaultSelection faults;
  std::vector<std::pair<std::string, std::string>> overrides;  // in order
  std::string trace_path;  // empty: no readable trace
  bool self_check = false;
  bool json = false;
};

// Parses the arguments after "run".
absl::StatusOr<RunArgs> ParseRunArgs(const std::vector<std::string>& args);

// The run's options: derived from the seed and fault selection, then
// overridden, then validated. Unless liveness_phase_ns is given, it is at
// most a quarter of the run (so --duration 2s still has faults).
absl::StatusOr<SimOptions> OptionsFor(const RunArgs& args);

// The whole program over `args` (without the program name); returns the exit
// code.
int SimMain(const std::vector<std::string>& args, std::FILE* out,
            std::FILE* err);

}  // namespace ekv::sim

#endif  // EKV_SIM_CLI_H_
