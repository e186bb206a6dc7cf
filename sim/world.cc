#include "sim/world.h"

#include <algorithm>
#include <cstdlib>
#include <utility>

#include "absl/strings/str_cat.h"
#include "engine/base/check.h"
#include "xxhash.h"

namespace ekv::sim {

const char* StopReasonName(StopReason reason) {
  switch (reason) {
    case StopReason::kTimeBound:
      return "time bound";
    case StopReason::kEventBound:
      return "event bound";
    case StopReason::kIdle:
      return "idle";
    case StopReason::kStopRequested:
      return "stop requested";
  }
  return "?";
}

struct World::Endpoint {
  EndpointId id = 0;
  bool is_node = false;
  std::string name;  // "node/1", "client/4"
  ProcessFactory factory;
  int64_t busy_until_ns = 0;
  std::unique_ptr<SimClock> clock;
  std::unique_ptr<EndpointTimers> timers;
  std::unique_ptr<SimDisk> disk;
  Random random{0};
  Env env;
  std::unique_ptr<Process> process;
  bool alive = false;  // booted, or its boot is pending
  uint64_t boot = 0;
  bool paused = false;
  uint64_t pause_serial = 0;
  std::vector<Event> held;  // events that came due while paused
};

// The Timers of one endpoint: callbacks in the World's slab, scheduled at the
// virtual time when the endpoint's monotonic clock has advanced by the delay.
class World::EndpointTimers final : public Timers {
 public:
  EndpointTimers(World* world, EndpointId id) : world_(world), id_(id) {}

  TimerId StartTimer(int64_t delay_nanos,
                     std::function<void()> callback) override {
    EKV_CHECK_GE(delay_nanos, 0);
    Endpoint& self = world_->endpoint(id_);
    const int64_t local = world_->local_now_ns(id_);
    const int64_t at = local + self.clock->VirtualDelay(local, delay_nanos);
    const uint64_t id =
        world_->AddCallback(id_, self.boot, std::move(callback));
    world_->scheduler_.Schedule(at, kEventTimer, id_, id);
    return id;
  }

  void CancelTimer(TimerId id) override { world_->CancelCallback(id); }

 private:
  World* world_;
  EndpointId id_;
};

World::World(uint64_t seed, const SimOptions& options)
    : seed_(seed),
      options_(options),
      clock_random_(Random::ForStream(seed, "clock")) {
  EKV_CHECK_OK(ValidateOptions(options));
  network_ = std::make_unique<SimNetwork>(&scheduler_, &trace_,
                                          Random::ForStream(seed, "network"),
                                          options.network(), kEventDeliver);
  if (options.buggify_site_rate > 0 && options.buggify_fire_rate > 0) {
    buggify_ = std::make_unique<Buggify>(seed, options.buggify_site_rate,
                                         options.buggify_fire_rate);
    buggify_->set_on_fire([this](absl::string_view site) {
      trace_.Fold(TraceKind::kBuggify, now_ns(),
                  XXH3_64bits(site.data(), site.size()));
    });
  }
  endpoints_.emplace_back(nullptr);
}

World::~World() {
  // Processes first: they may hold pointers into their Env.
  for (auto& endpoint : endpoints_) {
    if (endpoint != nullptr) endpoint->process.reset();
  }
}

EndpointId World::AddNode(ProcessFactory factory) {
  return AddEndpoint(std::move(factory), true);
}

EndpointId World::AddClient(ProcessFactory factory) {
  return AddEndpoint(std::move(factory), false);
}

EndpointId World::AddEndpoint(ProcessFactory factory, bool is_node) {
  EKV_CHECK(!started_) << "endpoints are added before Start()";
  EKV_CHECK(factory != nullptr);
  auto owned = std::make_unique<Endpoint>();
  Endpoint& e = *owned;
  const LocalTime time{&scheduler_, &e.busy_until_ns};
  e.id = network_->AddEndpoint(time);
  EKV_CHECK_EQ(e.id, endpoints_.size());
  e.is_node = is_node;
  e.name = absl::StrCat(is_node ? "node/" : "client/", e.id);
  e.factory = std::move(factory);

  ClockParams params;
  params.epoch_ns = options_.epoch_ns;
  params.mono_origin_ns =
      clock_random_.UniformRange(kNanosPerSecond, 1'000'000 * kNanosPerSecond);
  params.drift_ppm = clock_random_.UniformRange(-options_.clock_drift_ppm_max,
                                                options_.clock_drift_ppm_max);
  params.offset_ns =
      clock_random_.UniformRange(-options_.clock_offset_ns_initial_max,
                                 options_.clock_offset_ns_initial_max);
  params.offset_ns_max = options_.clock_beyond_bound
                             ? options_.clock_beyond_offset_ns_max
                             : options_.clock_offset_ns_max;
  e.clock = std::make_unique<SimClock>(time, params);
  e.timers = std::make_unique<EndpointTimers>(this, e.id);
  if (is_node) {
    Endpoint* self = &e;
    e.disk = std::make_unique<SimDisk>(
        e.id, Random::ForStream(seed_, absl::StrCat("disk/", e.id)),
        options_.disk(), &trace_, &scheduler_, [this, self](int64_t latency) {
          self->busy_until_ns =
              std::max(self->busy_until_ns, now_ns()) + latency;
        });
  }
  network_->SetUp(e.id, false);
  (is_node ? nodes_ : clients_).push_back(e.id);
  endpoints_.push_back(std::move(owned));
  return e.id;
}

// At most a minority of the nodes may corrupt, so every synced record keeps an
// intact copy on a quorum; beyond the fault model, every node may.
void World::ChooseCorruptibleDisks() {
  std::vector<EndpointId> order = nodes_;
  Random::ForStream(seed_, "disk/atlas").Shuffle(order);
  const size_t count = options_.disk_corruption_beyond_quorum
                           ? order.size()
                           : (order.size() - 1) / 2;
  for (size_t i = 0; i < count && i < order.size(); ++i) {
    endpoint(order[i]).disk->set_corruptible(true);
  }
}

void World::Start() {
  EKV_CHECK(!started_);
  started_ = true;
  if (!nodes_.empty()) ChooseCorruptibleDisks();
  for (size_t id = 1; id < endpoints_.size(); ++id) {
    Endpoint& e = *endpoints_[id];
    e.alive = true;
    e.boot = 1;
    scheduler_.Schedule(now_ns(), kEventBoot, e.id, e.boot);
  }
}

bool World::Step() {
  if (scheduler_.empty()) return false;
  const Event event = scheduler_.Pop();
  ++stats_.events;
  in_event_ = true;
  Dispatch(event);
  in_event_ = false;
  if (after_event_) after_event_();
  return true;
}

StopReason World::RunUntil(int64_t time_ns) {
  EKV_CHECK(started_) << "Start() first";
  while (true) {
    if (stop_requested_) {
      stop_requested_ = false;
      return StopReason::kStopRequested;
    }
    if (stats_.events >= static_cast<uint64_t>(options_.events_max)) {
      return StopReason::kEventBound;
    }
    if (scheduler_.empty() || scheduler_.next_time_ns() > time_ns) {
      scheduler_.AdvanceTo(time_ns);
      return scheduler_.empty() ? StopReason::kIdle : StopReason::kTimeBound;
    }
    Step();
  }
}

void World::Dispatch(const Event& event) {
  current_endpoint_ = 0;
  if (event.kind == kEventCallback) return FireCallback(event);
  Endpoint& e = endpoint(event.endpoint);
  if (event.kind == kEventResume) {
    trace_.Fold(TraceKind::kResume, now_ns(), e.id, event.arg);
    if (e.paused && e.pause_serial == event.arg) Resume(e.id);
    return;
  }
  if (HoldForEndpoint(e, event)) return;
  current_endpoint_ = e.id;
  switch (event.kind) {
    case kEventDeliver:
      return Deliver(e, event);
    case kEventTimer:
      return FireCallback(event);
    case kEventBoot:
      return Boot(e, event.arg);
    default:
      EKV_UNREACHABLE() << event.kind;
  }
}

// A paused endpoint keeps its events until it resumes; a busy one (its local
// time ahead after a slow disk operation) gets them when it catches up.
bool World::HoldForEndpoint(Endpoint& e, const Event& event) {
  if (!e.alive) return false;
  if (e.paused) {
    e.held.push_back(event);
  } else if (e.busy_until_ns > now_ns()) {
    scheduler_.Schedule(e.busy_until_ns, event.kind, event.endpoint, event.arg);
  } else {
    return false;
  }
  ++stats_.deferred_events;
  trace_.Fold(TraceKind::kDefer, now_ns(), e.id, event.kind, event.arg);
  return true;
}

void World::Boot(Endpoint& e, uint64_t boot) {
  trace_.Fold(TraceKind::kBoot, now_ns(), e.id, boot);
  if (!e.alive || boot != e.boot) return;  // crashed again before booting
  EKV_CHECK(e.process == nullptr);
  if (trace_.logging()) {
    trace_.Log(now_ns(), absl::StrCat("boot ", e.name, " #", boot));
  }
  e.random = Random::ForStream(seed_, absl::StrCat(e.name, "/boot/", boot));
  e.env.clock = e.clock.get();
  e.env.timers = e.timers.get();
  e.env.transport = network_->transport(e.id);
  e.env.disk = e.disk.get();
  e.env.random = &e.random;
  e.env.buggify = buggify_.get();
  e.env.probes = &probes_;
  e.env.bugs = bugs_;
  network_->SetUp(e.id, true);
  e.process = e.factory(e.env, e.id);
  ++process_changes_;
  EKV_CHECK(e.process != nullptr) << "the factory of " << e.name;
  e.process->Start();
}

void World::Deliver(Endpoint& e, const Event& event) {
  EndpointId from = 0;
  std::string payload;
  if (network_->Arrive(event.arg, &from, &payload) !=
      SimNetwork::Arrival::kDeliver) {
    return;
  }
  EKV_CHECK(e.process != nullptr) << e.name << " is up without a process";
  e.process->OnMessage(from, std::move(payload));
}

uint64_t World::AddCallback(EndpointId endpoint, uint64_t boot,
                            std::function<void()> fn) {
  uint32_t slot;
  if (!free_callbacks_.empty()) {
    slot = free_callbacks_.back();
    free_callbacks_.pop_back();
  } else {
    slot = static_cast<uint32_t>(callbacks_.size());
    callbacks_.emplace_back();
  }
  // The serial in the high half makes every id unique for the run.
  const uint64_t id = (next_callback_serial_++ << 32) | slot;
  Callback& callback = callbacks_[slot];
  callback.fn = std::move(fn);
  callback.id = id;
  callback.endpoint = endpoint;
  callback.boot = boot;
  callback.cancelled = false;
  return id;
}

void World::CancelCallback(uint64_t id) {
  const uint32_t slot = static_cast<uint32_t>(id);
  if (slot >= callbacks_.size() || callbacks_[slot].id != id) return;
  callbacks_[slot].cancelled = true;
  callbacks_[slot].fn = nullptr;
}

void World::FireCallback(const Event& event) {
  const uint32_t slot = static_cast<uint32_t>(event.arg);
  EKV_CHECK_LT(slot, callbacks_.size());
  Callback& callback = callbacks_[slot];
  EKV_CHECK_EQ(callback.id, event.arg);
  const bool stale = callback.cancelled ||
                     (callback.endpoint != 0 &&
                      (!endpoint(callback.endpoint).alive ||
                       endpoint(callback.endpoint).boot != callback.boot));
  std::function<void()> fn = std::move(callback.fn);
  callback.fn = nullptr;
  callback.id = 0;
  free_callbacks_.push_back(slot);
  trace_.Fold(
      event.kind == kEventTimer ? TraceKind::kTimer : TraceKind::kCallback,
      now_ns(), event.endpoint, event.arg, stale ? 1 : 0);
  if (stale) return;
  if (event.kind == kEventTimer) ++stats_.timers_fired;
  fn();
}

void World::At(int64_t time_ns, std::function<void()> callback) {
  const uint64_t id = AddCallback(0, 0, std::move(callback));
  scheduler_.Schedule(time_ns, kEventCallback, 0, id);
}

void World::Crash(EndpointId id) {
  Endpoint& e = endpoint(id);
  if (!e.alive) return;
  EKV_CHECK(!in_event_ || current_endpoint_ != id || e.process == nullptr)
      << e.name << " may not crash itself from inside its own event";
  ++stats_.crashes;
  trace_.Fold(TraceKind::kCrash, now_ns(), id, e.boot);
  if (trace_.logging()) trace_.Log(now_ns(), absl::StrCat("crash ", e.name));
  e.alive = false;
  ++process_changes_;  // before: the process's destructor may look
  e.process.reset();
  network_->SetUp(id, false);
  if (e.disk != nullptr) e.disk->Crash();
  e.paused = false;
  // Held events will never run: their messages are dropped, their timers
  // freed. Timers still queued are stale by their boot number.
  std::vector<Event> held = std::move(e.held);
  e.held.clear();
  const EndpointId current = current_endpoint_;
  for (const Event& event : held) Dispatch(event);
  current_endpoint_ = current;
  for (Callback& callback : callbacks_) {
    if (callback.id != 0 && callback.endpoint == id) {
      callback.cancelled = true;
      callback.fn = nullptr;
    }
  }
}

void World::Restart(EndpointId id) {
  Endpoint& e = endpoint(id);
  if (e.alive) return;
  ++stats_.restarts;
  e.alive = true;
  ++e.boot;
  scheduler_.Schedule(now_ns(), kEventBoot, id, e.boot);
}

void World::Pause(EndpointId id, int64_t duration_ns) {
  Endpoint& e = endpoint(id);
  if (!e.alive || e.paused) return;
  EKV_CHECK_GE(duration_ns, 0);
  ++stats_.pauses;
  e.paused = true;
  ++e.pause_serial;
  trace_.Fold(TraceKind::kPause, now_ns(), id, now_ns() + duration_ns);
  if (trace_.logging()) {
    trace_.Log(now_ns(),
               absl::StrCat("pause ", e.name, " for ", duration_ns, " ns"));
  }
  scheduler_.Schedule(now_ns() + duration_ns, kEventResume, id, e.pause_serial);
}

void World::Resume(EndpointId id) {
  Endpoint& e = endpoint(id);
  if (!e.paused) return;
  e.paused = false;
  if (trace_.logging()) trace_.Log(now_ns(), absl::StrCat("resume ", e.name));
  ReleaseHeld(e);
}

// Held events run again from now, in the order they came due.
void World::ReleaseHeld(Endpoint& e) {
  for (const Event& event : e.held) {
    scheduler_.Schedule(now_ns(), event.kind, event.endpoint, event.arg);
  }
  e.held.clear();
}

void World::NoEndpoint(EndpointId id) {
  EKV_CHECK(false) << "no endpoint " << id;
  std::abort();  // not reached: a failed check aborts
}

bool World::IsUp(EndpointId id) const { return endpoint(id).alive; }
bool World::IsPaused(EndpointId id) const { return endpoint(id).paused; }
uint64_t World::boots(EndpointId id) const { return endpoint(id).boot; }
bool World::IsNode(EndpointId id) const {
  return id >= 1 && id < endpoints_.size() && endpoints_[id]->is_node;
}

SimClock& World::clock(EndpointId id) { return *endpoint(id).clock; }
SimDisk* World::disk(EndpointId id) { return endpoint(id).disk.get(); }
Process* World::process(EndpointId id) { return endpoint(id).process.get(); }

int64_t World::local_now_ns(EndpointId id) const {
  return std::max(now_ns(), endpoint(id).busy_until_ns);
}

void World::Note(absl::string_view text) {
  trace_.FoldBytes(text);
  if (trace_.logging()) trace_.Log(now_ns(), absl::StrCat("note ", text));
}

}  // namespace ekv::sim
