#include "sim/world.h"

#include <map>
#include <set>
#include <vector>

#include "gtest/gtest.h"
#include "rapidcheck.h"
#include "rapidcheck/gtest.h"
#include "sim/toy_nodes.h"

namespace ekv::sim {
namespace {

using toy::CounterNode;
using toy::EchoClient;

// A process that records what it receives and lets the test act through its
// Env.
class Recorder final : public Process {
 public:
  Recorder(const Env& env, EndpointId self) : env(env), self(self) {}
  void Start() override { ++starts; }
  void OnMessage(EndpointId from, std::string payload) override {
    received.push_back({from, payload});
  }
  Env env;
  EndpointId self;
  int starts = 0;
  std::vector<std::pair<EndpointId, std::string>> received;
};

ProcessFactory RecorderFactory() {
  return [](const Env& env, EndpointId self) {
    return std::make_unique<Recorder>(env, self);
  };
}

SimOptions QuietOptions() {
  SimOptions options;
  options.nodes = 3;
  options.clients = 1;
  return options;
}

// Three counter nodes and a client; returns the world after `duration_ns`.
std::unique_ptr<World> ToyWorld(uint64_t seed, const SimOptions& options,
                                int64_t duration_ns) {
  auto world = std::make_unique<World>(seed, options);
  std::vector<EndpointId> nodes;
  for (int i = 1; i <= options.nodes; ++i) nodes.push_back(i);
  for (int i = 0; i < options.nodes; ++i)
    world->AddNode(toy::CounterNodeFactory(nodes));
  for (int i = 0; i < options.clients; ++i)
    world->AddClient(toy::EchoClientFactory(nodes));
  world->Start();
  world->RunUntil(duration_ns);
  return world;
}

TEST(World, HostsNodesAndClientsThatTalk) {
  auto world = ToyWorld(1, QuietOptions(), kNanosPerSecond);
  EXPECT_EQ(world->nodes(), (std::vector<EndpointId>{1, 2, 3}));
  EXPECT_EQ(world->clients(), (std::vector<EndpointId>{4}));
  EXPECT_EQ(world->disk(4), nullptr);
  for (EndpointId id : world->nodes()) {
    auto* node = world->ProcessAs<CounterNode>(id);
    ASSERT_NE(node, nullptr);
    EXPECT_GT(node->counter(), 50u);
    EXPECT_GT(node->pongs_received(), 10u);
    EXPECT_EQ(node->bad_messages(), 0u);
  }
  auto* client = world->ProcessAs<EchoClient>(4);
  EXPECT_GT(client->replies(), 30u);
  EXPECT_EQ(client->bad_replies(), 0u);
  EXPECT_EQ(world->now_ns(), kNanosPerSecond);
}

TEST(World, SameSeedSameTraceHashDifferentSeedDifferentHash) {
  const uint64_t a = ToyWorld(7, QuietOptions(), kNanosPerSecond)->trace_hash();
  const uint64_t b = ToyWorld(7, QuietOptions(), kNanosPerSecond)->trace_hash();
  const uint64_t c = ToyWorld(8, QuietOptions(), kNanosPerSecond)->trace_hash();
  EXPECT_EQ(a, b);
  EXPECT_NE(a, c);
}

TEST(World, TheAfterEventHookRunsAfterEveryEvent) {
  World world(3, QuietOptions());
  world.AddNode(toy::CounterNodeFactory({1}));
  uint64_t calls = 0;
  world.SetAfterEvent([&] { ++calls; });
  world.Start();
  world.RunUntil(kNanosPerSecond / 2);
  EXPECT_GT(calls, 10u);
  EXPECT_EQ(calls, world.stats().events);
}

TEST(World, RunStopsAtTheEventBound) {
  SimOptions options = QuietOptions();
  options.events_max = 100;
  World world(3, options);
  world.AddNode(toy::CounterNodeFactory({1}));
  world.Start();
  EXPECT_EQ(world.RunUntil(kNanosPerSecond * 100), StopReason::kEventBound);
  EXPECT_EQ(world.stats().events, 100u);
}

TEST(World, AStopRequestedFromAnEventEndsTheRun) {
  World world(3, QuietOptions());
  world.AddNode(RecorderFactory());
  world.Start();
  world.At(500, [&] { world.RequestStop(); });
  world.At(600, [] {});
  EXPECT_EQ(world.RunUntil(1000), StopReason::kStopRequested);
  EXPECT_EQ(world.now_ns(), 500);
}

TEST(World, CrashDestroysTheProcessAndRestartRecoversFromDisk) {
  auto world = ToyWorld(5, QuietOptions(), kNanosPerSecond);
  const uint64_t synced = world->ProcessAs<CounterNode>(2)->synced_counter();
  ASSERT_GT(synced, 0u);
  world->Crash(2);
  EXPECT_FALSE(world->IsUp(2));
  EXPECT_EQ(world->process(2), nullptr);
  world->RunFor(kNanosPerSecond / 10);
  EXPECT_EQ(world->process(2), nullptr);
  world->Restart(2);
  world->RunFor(1);
  auto* node = world->ProcessAs<CounterNode>(2);
  ASSERT_NE(node, nullptr);
  EXPECT_GE(node->recovered().value, synced);
  EXPECT_EQ(node->recovered().bad_records, 0u);
  EXPECT_EQ(world->stats().crashes, 1u);
  EXPECT_EQ(world->stats().restarts, 1u);
}

TEST(World, MessagesToACrashedNodeAreDropped) {
  World world(3, QuietOptions());
  world.AddNode(RecorderFactory());
  world.AddNode(RecorderFactory());
  world.Start();
  world.RunFor(1);
  world.Crash(2);
  world.ProcessAs<Recorder>(1)->env.transport->Send(2, "lost");
  world.RunFor(kNanosPerSecond);
  world.Restart(2);
  world.RunFor(kNanosPerSecond);
  EXPECT_TRUE(world.ProcessAs<Recorder>(2)->received.empty());
  EXPECT_EQ(world.network()
                .stats()
                .dropped[static_cast<int>(DropReason::kReceiverDown)],
            1u);
}

TEST(World, APausedNodeHandlesNothingAndCatchesUpAfter) {
  auto world = ToyWorld(9, QuietOptions(), kNanosPerSecond);
  auto* node = world->ProcessAs<CounterNode>(1);
  const uint64_t ticks = node->ticks();
  const uint64_t pongs = node->pongs_received();
  world->Pause(1, kNanosPerSecond);
  uint64_t events_for_paused = 0;
  world->SetAfterEvent([&] {
    if (world->IsPaused(1) && world->current_endpoint() == 1) {
      ++events_for_paused;
    }
  });
  world->RunFor(kNanosPerSecond - 1);
  EXPECT_TRUE(world->IsPaused(1));
  EXPECT_EQ(node->ticks(), ticks);
  EXPECT_EQ(node->pongs_received(), pongs);
  EXPECT_EQ(events_for_paused, 0u);
  world->RunFor(kNanosPerSecond / 2);
  EXPECT_FALSE(world->IsPaused(1));
  EXPECT_GT(node->ticks(), ticks);
  EXPECT_GT(node->pongs_received(), pongs);
}

TEST(World, TheClockKeepsRunningThroughAPause) {
  World world(3, QuietOptions());
  world.AddNode(RecorderFactory());
  world.Start();
  world.RunFor(1);
  Clock* clock = world.ProcessAs<Recorder>(1)->env.clock;
  const int64_t before = clock->MonotonicNanos();
  world.Pause(1, kNanosPerSecond);
  world.RunFor(kNanosPerSecond / 2);
  EXPECT_GE(clock->MonotonicNanos() - before, kNanosPerSecond / 2 - 1000);
}

TEST(World, TimersFireOnceCancelledTimersNeverAndCrashedTimersNever) {
  World world(3, QuietOptions());
  world.AddNode(RecorderFactory());
  world.Start();
  world.RunFor(1);
  Timers* timers = world.ProcessAs<Recorder>(1)->env.timers;
  std::vector<int> fired;
  const TimerId a = timers->StartTimer(100, [&] { fired.push_back(1); });
  const TimerId b = timers->StartTimer(200, [&] { fired.push_back(2); });
  timers->StartTimer(kNanosPerSecond, [&] { fired.push_back(3); });
  EXPECT_NE(a, b);
  EXPECT_NE(a, kNoTimer);
  timers->CancelTimer(b);
  world.RunFor(1000);
  timers->CancelTimer(a);  // already fired: nothing happens
  world.Crash(1);
  world.Restart(1);
  world.RunFor(2 * kNanosPerSecond);
  EXPECT_EQ(fired, std::vector<int>{1});
}

TEST(World, TimerIdsAreNeverReused) {
  World world(3, QuietOptions());
  world.AddNode(RecorderFactory());
  world.Start();
  world.RunFor(1);
  Timers* timers = world.ProcessAs<Recorder>(1)->env.timers;
  std::set<TimerId> ids;
  for (int round = 0; round < 50; ++round) {
    for (int i = 0; i < 20; ++i) ids.insert(timers->StartTimer(i, [] {}));
    world.RunFor(100);
  }
  EXPECT_EQ(ids.size(), 1000u);
}

TEST(World, DiskLatencyMakesTheNodesLocalTimeRunAhead) {
  SimOptions options = QuietOptions();
  options.disk_latency_ns_max = 1'000'000;
  World world(3, options);
  world.AddNode(RecorderFactory());
  world.Start();
  world.RunFor(1);
  Env env = world.ProcessAs<Recorder>(1)->env;
  const int64_t before = env.clock->MonotonicNanos();
  for (int i = 0; i < 50; ++i) ASSERT_TRUE(env.disk->Append("f", "x").ok());
  EXPECT_GT(env.clock->MonotonicNanos(), before);
  EXPECT_GT(world.local_now_ns(1), world.now_ns());
}

TEST(World, EachEndpointGetsItsOwnRandomStreamPerBoot) {
  World world(3, QuietOptions());
  world.AddNode(RecorderFactory());
  world.AddNode(RecorderFactory());
  world.Start();
  world.RunFor(1);
  const uint64_t first = world.ProcessAs<Recorder>(1)->env.random->Next64();
  const uint64_t other = world.ProcessAs<Recorder>(2)->env.random->Next64();
  EXPECT_NE(first, other);
  world.Crash(1);
  world.Restart(1);
  world.RunFor(1);
  EXPECT_NE(world.ProcessAs<Recorder>(1)->env.random->Next64(), first);
  EXPECT_EQ(world.ProcessAs<Recorder>(1)->starts, 1);
}

TEST(World, AtMostAMinorityOfDisksMayCorrupt) {
  for (int nodes = 1; nodes <= 7; ++nodes) {
    SimOptions options = QuietOptions();
    options.nodes = nodes;
    World world(11, options);
    for (int i = 0; i < nodes; ++i) world.AddNode(RecorderFactory());
    world.Start();
    int corruptible = 0;
    for (EndpointId id : world.nodes())
      corruptible += world.disk(id)->corruptible();
    EXPECT_EQ(corruptible, (nodes - 1) / 2) << nodes << " nodes";
  }
}

}  // namespace
}  // namespace ekv::sim
