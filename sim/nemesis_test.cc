#include "sim/nemesis.h"

#include <optional>

#include "engine/base/check.h"
#include "gtest/gtest.h"
#include "sim/swarm.h"
#include "sim/toy_nodes.h"

namespace ekv::sim {
namespace {

// Options where only the named nemesis fault runs, often.
SimOptions Only(const char* kind) {
  absl::StatusOr<FaultSelection> faults = ParseFaultSelection(kind);
  EKV_CHECK_OK(faults.status());
  SimOptions options = DeriveOptions(1, *faults);
  options.nodes = 5;
  options.clients = 0;
  options.nemesis_interval_ns_mean = 10 * kNanosPerMilli;
  options.nemesis_fault_ns_max = kNanosPerSecond;
  return options;
}

struct Cluster {
  Cluster(const SimOptions& options, Nemesis::LeaderFn leader,
          uint64_t seed = 1)
      : world(seed, options), nemesis(&world, std::move(leader)) {
    std::vector<EndpointId> ids;
    for (int i = 1; i <= options.nodes; ++i) ids.push_back(i);
    for (int i = 0; i < options.nodes; ++i)
      world.AddNode(toy::CounterNodeFactory(ids));
    world.Start();
    nemesis.Start();
  }
  // Runs until the first fault of the nemesis has started.
  void RunToFirstFault() {
    while (nemesis.injected_total() == 0 && world.Step()) {
    }
  }
  World world;
  Nemesis nemesis;
};

TEST(Nemesis, IsolatesTheNodeTheLeaderCallbackNames) {
  Cluster c(Only("partition_leader"), [] { return EndpointId{4}; });
  c.RunToFirstFault();
  SimNetwork& network = c.world.network();
  for (EndpointId other : {1, 2, 3, 5}) {
    EXPECT_TRUE(network.blocked(4, other));
    EXPECT_TRUE(network.blocked(other, 4));
    for (EndpointId third : {1, 2, 3, 5}) {
      EXPECT_FALSE(network.blocked(other, third));
    }
  }
}

TEST(Nemesis, FallsBackToARandomNodeWhenThereIsNoLeader) {
  Cluster c(Only("partition_leader"), [] { return std::nullopt; });
  c.RunToFirstFault();
  int isolated = 0;
  for (EndpointId id = 1; id <= 5; ++id) {
    bool cut_from_all = true;
    for (EndpointId other = 1; other <= 5; ++other) {
      if (other != id) cut_from_all &= c.world.network().blocked(id, other);
    }
    isolated += cut_from_all;
  }
  EXPECT_EQ(isolated, 1);
}

TEST(Nemesis, OneWayPartitionsBlockOneDirectionOnly) {
  Cluster c(Only("partition_oneway"), nullptr);
  c.RunToFirstFault();
  int blocked = 0;
  for (EndpointId a = 1; a <= 5; ++a) {
    for (EndpointId b = 1; b <= 5; ++b) {
      if (c.world.network().blocked(a, b)) {
        ++blocked;
        EXPECT_FALSE(c.world.network().blocked(b, a)) << a << "->" << b;
      }
    }
  }
  EXPECT_GT(blocked, 0);
}

TEST(Nemesis, ABridgeNodeReachesBothSidesThatCannotReachEachOther) {
  Cluster c(Only("partition_bridge"), nullptr);
  c.RunToFirstFault();
  int bridges = 0;
  for (EndpointId id = 1; id <= 5; ++id) {
    bool reaches_all = true;
    for (EndpointId other = 1; other <= 5; ++other) {
      reaches_all &= !c.world.network().blocked(id, other);
    }
    bridges += reaches_all;
  }
  EXPECT_EQ(bridges, 1);
  EXPECT_TRUE(c.world.network().partitioned());
}

TEST(Nemesis, EverythingIsHealedForTheLivenessPhase) {
  SimOptions options = DeriveOptions(3, *ParseFaultSelection("all"));
  options.nodes = 5;
  options.clients = 1;
  options.duration_ns = 6 * kNanosPerSecond;
  options.liveness_phase_ns = 2 * kNanosPerSecond;
  options.nemesis_interval_ns_mean = 20 * kNanosPerMilli;
  Cluster c(options, nullptr, 3);
  c.world.RunUntil(options.faults_end_ns());
  EXPECT_GT(c.nemesis.injected_total(), 20u);
  EXPECT_TRUE(c.nemesis.healed());
  EXPECT_FALSE(c.world.network().partitioned());
  EXPECT_EQ(c.world.network().options().net_loss_rate, 0);
  for (EndpointId id : c.world.nodes()) {
    EXPECT_TRUE(c.world.IsUp(id));
    EXPECT_FALSE(c.world.IsPaused(id));
    EXPECT_FALSE(c.world.disk(id)->full());
  }
  const uint64_t injected = c.nemesis.injected_total();
  c.world.RunUntil(options.duration_ns);
  EXPECT_EQ(c.nemesis.injected_total(), injected);
}

TEST(Nemesis, TheScheduleIsAFunctionOfTheSeed) {
  SimOptions options = DeriveOptions(5, *ParseFaultSelection("all"));
  options.duration_ns = 5 * kNanosPerSecond;
  options.liveness_phase_ns = kNanosPerSecond;
  Cluster a(options, nullptr, 5);
  Cluster b(options, nullptr, 5);
  Cluster other(options, nullptr, 6);
  for (Cluster* c : {&a, &b, &other}) c->world.RunUntil(options.duration_ns);
  EXPECT_EQ(a.nemesis.injected(), b.nemesis.injected());
  EXPECT_EQ(a.world.trace_hash(), b.world.trace_hash());
  EXPECT_NE(a.world.trace_hash(), other.world.trace_hash());
}

}  // namespace
}  // namespace ekv::sim
