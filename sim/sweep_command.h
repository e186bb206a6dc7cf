// The sweep subcommands of ekv-sim: many seeds in parallel worker processes,
// and the merge of sharded results.
//
//   ekv-sim sweep --seeds A..B [--jobs N] [--shard K/N] [--out results.jsonl]
//                 [--check_determinism] [--seed_timeout 600s] [RUN FLAGS...]
//   ekv-sim merge FILE...
//   ekv-sim worker [RUN FLAGS...]      (internal: one seed per stdin line)
//
// RUN FLAGS are those of `ekv-sim run` (--nodes, --workload, --faults, --bug,
// options); every seed runs with them. A sweep prints a progress bar on stderr,
// each failure as it happens with the command that replays it, then a summary
// (sim/sweep/summary.h) on stdout; with --out it writes one JSON line per seed
// (sim/sweep/seed_result.h). Exit codes: 0 every seed passed, 1 some seed
// failed, 2 bad command line.
#ifndef EKV_SIM_SWEEP_COMMAND_H_
#define EKV_SIM_SWEEP_COMMAND_H_

#include <cstdio>
#include <string>
#include <vector>

namespace ekv::sim {

int SweepMain(const std::vector<std::string>& args, std::FILE* out,
              std::FILE* err);
int MergeMain(const std::vector<std::string>& args, std::FILE* out,
              std::FILE* err);
int WorkerMain(const std::vector<std::string>& args, std::FILE* out,
               std::FILE* err);

}  // namespace ekv::sim

#endif  // EKV_SIM_SWEEP_COMMAND_H_
