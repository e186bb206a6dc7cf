// World: a simulated cluster in one thread. It hosts N nodes and M clients
// (each a Process built by a ProcessFactory), runs them one event at a time
// in virtual time, and replays bit for bit from its seed.
//
// Each endpoint gets an Env of its own: a SimClock (offset, drift), timers,
// its Transport on the SimNetwork, a SimDisk (nodes only; clients get
// nullptr), a Random stream named after it ("node/3/boot/2"), and the run's
// Buggify (or nullptr). Endpoint ids are dense from 1 in the order endpoints
// are added; add the nodes first so they are 1..N.
//
// Typical use:
//   World world(seed, options);
//   for (int i = 0; i < 3; ++i) world.AddNode(MakeNode);
//   world.AddClient(MakeClient);
//   world.SetAfterEvent([&] { checker.Check(world); });
//   world.Start();
//   world.RunUntil(options.duration_ns);
//   printf("trace hash: %s\n", HashHex(world.trace_hash()).c_str());
//
// Faults on processes: Crash destroys the Process at once (its timers vanish,
// its disk keeps, loses or tears unsynced writes, messages to it are dropped);
// Restart builds a new Process on the same disk, whose Start() runs as the
// next event; Pause holds every event for the endpoint (messages wait, timers
// wait) while its clock runs on. A node's disk latency makes its local time
// run ahead; its later events wait for it.
//
// Not thread-safe. Processes must not call World methods on themselves.
#ifndef EKV_SIM_WORLD_H_
#define EKV_SIM_WORLD_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/base/attributes.h"
#include "absl/base/optimization.h"
#include "disk/sim_disk.h"
#include "engine/base/buggify.h"
#include "engine/base/check.h"
#include "engine/base/planted_bugs.h"
#include "engine/base/probes.h"
#include "engine/base/process.h"
#include "network/sim_network.h"
#include "sim/options.h"
#include "sim/scheduler.h"
#include "sim/sim_clock.h"
#include "sim/trace.h"

namespace ekv::sim {

// What the scheduler's events mean in a World. Values are folded into traces.
enum EventKind : uint32_t {
  kEventDeliver = 1,
  kEventTimer = 2,
  kEventCallback = 3,
  kEventBoot = 4,
  kEventResume = 5,
};

enum class StopReason { kTimeBound, kEventBound, kIdle, kStopRequested };
const char* StopReasonName(StopReason reason);

struct WorldStats {
  uint64_t events = 0;
  uint64_t crashes = 0;
  uint64_t restarts = 0;
  uint64_t pauses = 0;
  uint64_t timers_fired = 0;
  uint64_t deferred_events = 0;
};

class World {
 public:
  World(uint64_t seed, const SimOptions& options);
  ~World();
  World(const World&) = delete;
  World& operator=(const World&) = delete;

  // ---- Building the cluster (before Start).
  EndpointId AddNode(ProcessFactory factory);    // with a disk
  EndpointId AddClient(ProcessFactory factory);  // without
  // Boots every endpoint: each construction + Start() is its own event.
  void Start();

  // ---- Running. Each returns why it stopped. The run never goes past
  // options.events_max events in total.
  StopReason RunUntil(int64_t time_ns);  // runs events at times <= time_ns
  StopReason RunFor(int64_t duration_ns) {
    return RunUntil(now_ns() + duration_ns);
  }
  bool Step();  // runs one event; false when there is none
  void RequestStop() { stop_requested_ = true; }  // from inside an event
  // Called after every event (invariant checkers).
  void SetAfterEvent(std::function<void()> hook) {
    after_event_ = std::move(hook);
  }
  // Runs `callback` as its own event at `time_ns` (>= now) / after a delay.
  void At(int64_t time_ns, std::function<void()> callback);
  void After(int64_t delay_ns, std::function<void()> callback) {
    At(now_ns() + delay_ns, std::move(callback));
  }

  // ---- Faults on processes. No-ops where they do not apply (crashing a
  // down endpoint, resuming a running one).
  void Crash(EndpointId id);
  void Restart(EndpointId id);
  void Pause(EndpointId id, int64_t duration_ns);
  void Resume(EndpointId id);
  bool IsUp(EndpointId id) const;  // booted or booting, not crashed
  bool IsPaused(EndpointId id) const;
  // How many times the endpoint has booted (1 after Start, +1 per Restart).
  uint64_t boots(EndpointId id) const;

  // ---- The world's parts.
  SimNetwork& network() { return *network_; }
  SimClock& clock(EndpointId id);
  SimDisk* disk(EndpointId id);  // nullptr for clients
  Buggify* buggify() { return buggify_.get(); }
  // The run's coverage probes; every endpoint's Env counts into them.
  ProbeCounters& probes() { return probes_; }
  // Planted bugs for every endpoint's Env (not owned; nullptr: none). Set
  // before Start.
  void set_planted_bugs(const PlantedBugs* bugs) { bugs_ = bugs; }
  const PlantedBugs* planted_bugs() const { return bugs_; }
  Trace& trace() { return trace_; }

  // ---- Inspection.
  // The live process of an endpoint; nullptr while it is down or booting.
  Process* process(EndpointId id);
  // Bumped whenever an endpoint's process is made or destroyed: while it
  // stands still, process() answers as before (for caches of it).
  uint64_t process_changes() const { return process_changes_; }
  template <typename T>
  T* ProcessAs(EndpointId id) {
    return dynamic_cast<T*>(process(id));
  }
  const std::vector<EndpointId>& nodes() const { return nodes_; }
  const std::vector<EndpointId>& clients() const { return clients_; }
  bool IsNode(EndpointId id) const;
  // The endpoint whose event runs now (or ran last); 0 for world events.
  EndpointId current_endpoint() const { return current_endpoint_; }
  int64_t now_ns() const { return scheduler_.now_ns(); }
  int64_t local_now_ns(EndpointId id) const;
  uint64_t seed() const { return seed_; }
  const SimOptions& options() const { return options_; }
  const WorldStats& stats() const { return stats_; }
  uint64_t trace_hash() const { return trace_.hash(); }
  // Writes the readable trace to `log` from now on (not owned; nullptr stops).
  void SetTraceLog(std::FILE* log) { trace_.set_log(log); }
  // Folds a note from a test or checker into the trace.
  void Note(absl::string_view text);

 private:
  class EndpointTimers;
  struct Endpoint;
  struct Callback {
    std::function<void()> fn;
    uint64_t id = 0;  // the TimerId; 0 while the slot is free
    EndpointId endpoint = 0;
    uint64_t boot = 0;
    bool cancelled = false;
  };

  EndpointId AddEndpoint(ProcessFactory factory, bool is_node);
  void Dispatch(const Event& event);
  bool HoldForEndpoint(Endpoint& endpoint, const Event& event);
  void Boot(Endpoint& endpoint, uint64_t boot);
  void Deliver(Endpoint& endpoint, const Event& event);
  void FireCallback(const Event& event);
  void ReleaseHeld(Endpoint& endpoint);
  uint64_t AddCallback(EndpointId endpoint, uint64_t boot,
                       std::function<void()> fn);
  void ScheduleCallback(int64_t time_ns, uint64_t id);
  void CancelCallback(uint64_t id);
  void ChooseCorruptibleDisks();
  // Inline: looked up several times in every event.
  // Hot (several calls per event): the failure is out of line so that the
  // lookup inlines.
  Endpoint& endpoint(EndpointId id) {
    if (ABSL_PREDICT_FALSE(id < 1 || id >= endpoints_.size())) NoEndpoint(id);
    return *endpoints_[id];
  }
  const Endpoint& endpoint(EndpointId id) const {
    if (ABSL_PREDICT_FALSE(id < 1 || id >= endpoints_.size())) NoEndpoint(id);
    return *endpoints_[id];
  }
  [[noreturn]] ABSL_ATTRIBUTE_NOINLINE static void NoEndpoint(EndpointId id);

  uint64_t seed_;
  SimOptions options_;
  Trace trace_;
  Scheduler scheduler_;
  std::unique_ptr<SimNetwork> network_;
  std::unique_ptr<Buggify> buggify_;
  ProbeCounters probes_;
  const PlantedBugs* bugs_ = nullptr;
  Random clock_random_;
  std::vector<std::unique_ptr<Endpoint>> endpoints_;  // [0] unused
  std::vector<EndpointId> nodes_;
  std::vector<EndpointId> clients_;
  std::vector<Callback> callbacks_;
  std::vector<uint32_t> free_callbacks_;
  uint64_t next_callback_serial_ = 1;
  EndpointId current_endpoint_ = 0;
  bool in_event_ = false;
  bool started_ = false;
  bool stop_requested_ = false;
  std::function<void()> after_event_;
  uint64_t process_changes_ = 0;
  WorldStats stats_;
};

}  // namespace ekv::sim

#endif  // EKV_SIM_WORLD_H_
