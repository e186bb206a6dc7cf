// The nemesis: a schedule of faults over a run, drawn from the seed.
//
// From Start() until options.faults_end_ns() it starts a fault every
// Exponential(nemesis_interval_ns_mean) of virtual time, picking uniformly
// among the kinds the options switch on (partitions of five shapes, clogs,
// crashes, pauses, clock jumps, full disks), each lasting up to
// nemesis_fault_ns_max and ending by faults_end. Partitions are among nodes
// (clients keep their paths), one at a time. At faults_end it heals
// everything for the liveness phase: partitions and clogs, loss and
// duplication, disk corruption, sync failures and full disks; crashed nodes
// restart and paused ones resume.
//
// "Isolate the leader" asks the LeaderFn supplied by the engine's harness;
// when it names no node the nemesis isolates a random one. "Transfer the
// leadership" (an operator's move: rolling restarts, rebalancing) asks the
// harness's TransferFn to make the leader hand over to another live node. Every
// fault is folded into the trace (TraceKind::kFault) and counted by kind.
#ifndef EKV_SIM_NEMESIS_H_
#define EKV_SIM_NEMESIS_H_

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "engine/base/random.h"
#include "network/transport.h"
#include "sim/world.h"

namespace ekv::sim {

class Nemesis {
 public:
  using LeaderFn = std::function<std::optional<EndpointId>()>;
  // Asks node `from` (the leader) to transfer its leadership to `to`.
  using TransferFn = std::function<void(EndpointId from, EndpointId to)>;

  // The kinds of fault, in the order they are folded into traces.
  enum class Kind : uint32_t {
    kPartitionHalves = 1,
    kPartitionIsolate,
    kPartitionLeader,
    kPartitionBridge,
    kPartitionOneway,
    kClog,
    kCrash,
    kPause,
    kClockJump,
    kDiskFull,
    kHealPartition,
    kRestart,
    kDiskFullEnd,
    kHealAll,
    kCrashInWrite,  // the power fails during the node's next disk append
    kTransferLeader,
  };
  static const char* KindName(Kind kind);

  Nemesis(World* world, LeaderFn leader = nullptr,
          TransferFn transfer = nullptr);
  Nemesis(const Nemesis&) = delete;
  Nemesis& operator=(const Nemesis&) = delete;

  // Schedules the faults and the final heal. Call once, after World::Start.
  void Start();

  // Faults started so far, by kind name ("crash", "partition_leader", ...).
  const std::map<std::string, uint64_t>& injected() const { return injected_; }
  uint64_t injected_total() const;
  bool healed() const { return healed_; }

 private:
  void Next();
  void Inject(Kind kind);
  int64_t DrawDuration();
  // Crashes node `id` now and restarts it after `down_ns`.
  void CrashFor(EndpointId id, int64_t down_ns);
  void Partition(Kind kind);
  std::vector<EndpointId> UpNodes(bool unpaused_only) const;
  void Record(Kind kind, uint64_t a = 0, uint64_t b = 0);
  void HealAll();

  World* world_;
  LeaderFn leader_;
  TransferFn transfer_;
  Random random_;
  std::vector<Kind> kinds_;  // the kinds switched on
  std::map<std::string, uint64_t> injected_;
  bool partition_active_ = false;
  uint64_t partition_serial_ = 0;
  bool healed_ = false;
  bool started_ = false;
};

}  // namespace ekv::sim

#endif  // EKV_SIM_NEMESIS_H_
