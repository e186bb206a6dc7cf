// Env: everything one node may use of the world, handed to it at construction.
//
// This is the seam of DESIGN.md: the simulator fills it with virtual time, the
// simulated network and disk, and a stream of the run's seed; the server with
// the real clock, TCP, POSIX files and an OS-seeded generator. Engine code
// reaches the world through nothing else. The pointers are not owned and
// outlive the node.
#ifndef EKV_ENGINE_BASE_ENV_H_
#define EKV_ENGINE_BASE_ENV_H_

#include "disk/disk.h"
#include "engine/base/buggify.h"
#include "engine/base/clock.h"
#include "engine/base/planted_bugs.h"
#include "engine/base/probes.h"
#include "engine/base/random.h"
#include "network/transport.h"

namespace ekv {

struct Env {
  Clock* clock = nullptr;
  Timers* timers = nullptr;
  Transport* transport = nullptr;
  Disk* disk = nullptr;
  Random* random = nullptr;
  // Rare paths forced on in simulation (engine/base/buggify.h); nullptr in
  // the real server, where EKV_BUGGIFY never fires.
  Buggify* buggify = nullptr;
  // Coverage probes of the run (engine/base/probes.h); nullptr counts nothing.
  ProbeCounters* probes = nullptr;
  // Defects switched on by the simulator only (engine/base/planted_bugs.h);
  // nullptr everywhere else, so the correct code runs.
  const PlantedBugs* bugs = nullptr;
};

}  // namespace ekv

#endif  // EKV_ENGINE_BASE_ENV_H_
