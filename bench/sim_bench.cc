// The simulator's hot path: the bare scheduler, and a 5-node ping storm
// through the World and the simulated network (every delivery one event).
// Target: at least 5 million events per second on one core.
#include <memory>
#include <string>

#include "benchmark/benchmark.h"
#include "engine/base/random.h"
#include "sim/scheduler.h"
#include "sim/world.h"

namespace ekv::sim {
namespace {

void BM_SchedulerScheduleAndPop(benchmark::State& state) {
  Scheduler scheduler;
  Random random(1);
  const int64_t pending = state.range(0);
  for (int64_t i = 0; i < pending; ++i) {
    scheduler.Schedule(random.UniformRange(0, 1'000'000), 0, 0, 0);
  }
  for (auto _ : state) {
    const Event event = scheduler.Pop();
    scheduler.Schedule(event.time_ns + random.UniformRange(0, 1'000'000), 0, 0,
                       0);
  }
  state.counters["events/s"] =
      benchmark::Counter(state.iterations(), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_SchedulerScheduleAndPop)->Arg(64)->Arg(4096);

// Forwards every message it receives to a random other node.
class Pinger final : public Process {
 public:
  Pinger(const Env& env, EndpointId self, int nodes, int initial)
      : env_(env), self_(self), nodes_(nodes), initial_(initial) {}
  void Start() override {
    for (int i = 0; i < initial_; ++i) Forward(std::string(16, 'p'));
  }
  void OnMessage(EndpointId, std::string payload) override {
    Forward(std::move(payload));
  }

 private:
  void Forward(std::string payload) {
    EndpointId to =
        1 + static_cast<EndpointId>(env_.random->Uniform(nodes_ - 1));
    if (to >= self_) ++to;
    env_.transport->Send(to, std::move(payload));
  }
  Env env_;
  EndpointId self_;
  int nodes_;
  int initial_;
};

void BM_PingStorm(benchmark::State& state) {
  constexpr int kNodes = 5;
  const int in_flight_per_node = static_cast<int>(state.range(0));
  SimOptions options;
  options.nodes = kNodes;
  options.events_max = int64_t{1} << 60;
  World world(1, options);
  for (int i = 0; i < kNodes; ++i) {
    world.AddNode([&](const Env& env, EndpointId self) {
      return std::make_unique<Pinger>(env, self, kNodes, in_flight_per_node);
    });
  }
  world.Start();
  for (auto _ : state) world.Step();
  state.counters["events/s"] =
      benchmark::Counter(state.iterations(), benchmark::Counter::kIsRate);
  state.counters["sim_x_real"] =
      benchmark::Counter(static_cast<double>(world.now_ns()) / kNanosPerSecond,
                         benchmark::Counter::kIsRate);
}
BENCHMARK(BM_PingStorm)->Arg(1)->Arg(100);

}  // namespace
}  // namespace ekv::sim
