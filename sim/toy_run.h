// One simulated run of the toy cluster (sim/toy_nodes.h) under the fault
// model, with its checks: what `ekv-sim run` does until the engine replaces
// the toy nodes. The command line only parses and prints; this is the run.
//
// Checks, each named in the report:
// - durability: a restarted node recovers at least the counter its last
//   successful Sync covered before the crash (exempt only on a disk the
//   atlas allows to corrupt, when the node saw a bad record there);
// - integrity: a recovered counter was really written (checksums reject
//   corrupt and torn records; nothing forged gets through);
// - messages: no node or client ever saw a malformed message;
// - clock bound: in safety mode, every node's wall clock stays within
//   clock_offset_ns_max of true time, after every event;
// - liveness: after the final heal, every client gets replies and every node
//   ticks again.
#ifndef EKV_SIM_TOY_RUN_H_
#define EKV_SIM_TOY_RUN_H_

#include <cstdint>
#include <cstdio>
#include <map>
#include <string>
#include <vector>

#include "network/sim_network.h"
#include "sim/options.h"
#include "sim/run_report.h"
#include "sim/world.h"

namespace ekv::sim {

// Runs seed `seed` with `options` (already derived and overridden). Writes
// the readable trace to `trace_log` when it is not null.
RunReport RunToyCluster(uint64_t seed, const SimOptions& options,
                        std::FILE* trace_log = nullptr);

}  // namespace ekv::sim

#endif  // EKV_SIM_TOY_RUN_H_
