// One seeded simulation of a Raft group: N Replicas (engine/raft/replica.h)
// in a sim::World under the simulator's fault model — the seed's swarm of
// network, process, disk, clock and BUGGIFY faults, driven by the nemesis —
// with a stream of proposals at whoever leads, and RaftChecker after every
// event. When the faults end the nemesis heals everything; then a proposal
// must be applied by every replica within liveness_bound_ns.
//
// Proposals (and now and then a leadership transfer) are made by world
// events calling the leader's Replica directly (there is no client protocol
// at this layer); a node that is down or paused is never called.
#ifndef EKV_TESTS_RAFT_SIM_H_
#define EKV_TESTS_RAFT_SIM_H_

#include <cstdint>
#include <cstdio>
#include <map>
#include <string>
#include <vector>

#include "engine/base/planted_bugs.h"
#include "sim/options.h"
#include "sim/swarm.h"

namespace ekv::raft_sim {

struct RaftSimOptions {
  int64_t nodes = 3;
  sim::FaultSelection faults;  // swarm: each seed picks its fault kinds
  int64_t duration_ns = 6'000'000'000;
  int64_t liveness_phase_ns = 3'000'000'000;
  // After the heal, a proposal is applied everywhere within this.
  int64_t liveness_bound_ns = 2'500'000'000;
  int64_t propose_interval_ns = 20'000'000;
  // At each proposal, a leadership transfer with chance 1 in this.
  uint64_t transfer_one_in = 100;
  // A run stops after this many events (a correct one needs a few
  // thousand per simulated second; a planted bug can set off storms).
  int64_t events_max = 2'000'000;
  // A planted defect to switch on (tests of the checkers); nullptr: none.
  const PlantedBugs* bugs = nullptr;
  // When set, the world's readable trace goes here.
  std::FILE* trace_log = nullptr;
};

struct RaftSimResult {
  uint64_t seed = 0;
  sim::SimOptions options;
  uint64_t trace_hash = 0;
  uint64_t events = 0;
  std::vector<std::string> violations;  // the first few, with times
  uint64_t violation_count = 0;
  uint64_t proposals_accepted = 0;
  uint64_t entries_applied = 0;  // the highest index applied anywhere
  uint64_t leader_terms = 0;
  uint64_t snapshots_installed = 0;
  uint64_t torn_tails = 0;
  uint64_t disk_stalls = 0;
  std::map<std::string, uint64_t> faults;
  // Each member's state at the end (for failures).
  std::vector<std::string> members;
  bool live = false;
  int64_t liveness_ns = -1;  // heal to applied everywhere
  bool passed() const { return violation_count == 0 && live; }
  // One line: seed, verdict, what happened, the first violation.
  std::string Summary() const;
};

RaftSimResult RunRaftSim(uint64_t seed, const RaftSimOptions& options);

}  // namespace ekv::raft_sim

#endif  // EKV_TESTS_RAFT_SIM_H_
