// The simulated network's faults, driven through a World of recording nodes.
#include "network/sim_network.h"

#include <algorithm>
#include <map>
#include <set>
#include <vector>

#include "gtest/gtest.h"
#include "rapidcheck.h"
#include "rapidcheck/gtest.h"
#include "sim/world.h"

namespace ekv {
namespace {

using sim::SimOptions;
using sim::World;

class Recorder final : public Process {
 public:
  Recorder(const Env& env, EndpointId self) : env(env), self(self) {}
  void Start() override {}
  void OnMessage(EndpointId from, std::string payload) override {
    received.push_back({from, payload});
  }
  Env env;
  EndpointId self;
  std::vector<std::pair<EndpointId, std::string>> received;
};

struct Cluster {
  explicit Cluster(int nodes, SimOptions options = {}, uint64_t seed = 1)
      : world(seed, options) {
    for (int i = 0; i < nodes; ++i) {
      world.AddNode([](const Env& env, EndpointId self) {
        return std::make_unique<Recorder>(env, self);
      });
    }
    world.Start();
    world.RunFor(1);
  }
  Recorder& at(EndpointId id) { return *world.ProcessAs<Recorder>(id); }
  void Send(EndpointId from, EndpointId to, std::string payload) {
    at(from).env.transport->Send(to, std::move(payload));
  }
  int Count(EndpointId at_id, EndpointId from) {
    int count = 0;
    for (const auto& [sender, payload] : at(at_id).received)
      count += sender == from;
    return count;
  }
  World world;
};

TEST(SimNetwork, DeliversEveryMessageWithoutFaults) {
  Cluster c(2);
  for (int i = 0; i < 100; ++i) c.Send(1, 2, std::to_string(i));
  c.world.RunFor(kNanosPerSecond);
  EXPECT_EQ(c.at(2).received.size(), 100u);
  EXPECT_EQ(c.world.network().stats().dropped_total(), 0u);
}

TEST(SimNetwork, ExponentialDelaysReorderMessages) {
  Cluster c(2);
  for (int i = 0; i < 100; ++i) c.Send(1, 2, std::to_string(i));
  c.world.RunFor(kNanosPerSecond);
  std::vector<std::string> order;
  for (const auto& [from, payload] : c.at(2).received) order.push_back(payload);
  std::vector<std::string> sorted = order;
  std::sort(sorted.begin(), sorted.end(), [](const auto& a, const auto& b) {
    return std::stoi(a) < std::stoi(b);
  });
  EXPECT_NE(order, sorted);
}

TEST(SimNetwork, MessagesTakeAtLeastTheMinimumDelay) {
  SimOptions options;
  options.net_delay_ns_min = 5'000'000;
  Cluster c(2, options);
  const int64_t sent_at = c.world.now_ns();
  c.Send(1, 2, "x");
  c.world.RunUntil(sent_at + options.net_delay_ns_min - 1);
  EXPECT_TRUE(c.at(2).received.empty());
  c.world.RunFor(kNanosPerSecond);
  EXPECT_EQ(c.at(2).received.size(), 1u);
}

TEST(SimNetwork, OneWayPartitionsAreOneWay) {
  Cluster c(2);
  c.world.network().Block({1}, {2}, /*one_way=*/true);
  for (int i = 0; i < 10; ++i) {
    c.Send(1, 2, "blocked");
    c.Send(2, 1, "open");
  }
  c.world.RunFor(kNanosPerSecond);
  EXPECT_EQ(c.Count(2, 1), 0);
  EXPECT_EQ(c.Count(1, 2), 10);
}

TEST(SimNetwork, AMessageInFlightWhenAPartitionStartsIsDropped) {
  Cluster c(2);
  c.Send(1, 2, "x");
  c.world.network().SetBlocked(1, 2, true);
  c.world.RunFor(kNanosPerSecond);
  EXPECT_TRUE(c.at(2).received.empty());
  EXPECT_EQ(c.world.network()
                .stats()
                .dropped[static_cast<int>(DropReason::kBlockedAtArrival)],
            1u);
}

TEST(SimNetwork, HealRestoresEveryPath) {
  Cluster c(3);
  c.world.network().Block({1}, {2, 3}, false);
  EXPECT_TRUE(c.world.network().partitioned());
  c.world.network().Heal();
  EXPECT_FALSE(c.world.network().partitioned());
  c.Send(1, 2, "x");
  c.Send(3, 1, "y");
  c.world.RunFor(kNanosPerSecond);
  EXPECT_EQ(c.Count(2, 1), 1);
  EXPECT_EQ(c.Count(1, 3), 1);
}

TEST(SimNetwork, AFullPathDropsTheOverflow) {
  SimOptions options;
  options.net_path_capacity_messages = 3;
  Cluster c(2, options);
  for (int i = 0; i < 10; ++i) c.Send(1, 2, "x");
  c.world.RunFor(kNanosPerSecond);
  EXPECT_EQ(c.at(2).received.size(), 3u);
  EXPECT_EQ(c.world.network()
                .stats()
                .dropped[static_cast<int>(DropReason::kPathFull)],
            7u);
}

TEST(SimNetwork, LossAndDuplicationAtCertainty) {
  SimOptions lossy;
  lossy.net_loss_rate = 1;
  Cluster lost(2, lossy);
  SimOptions doubled;
  doubled.net_duplicate_rate = 1;
  Cluster twice(2, doubled);
  for (int i = 0; i < 10; ++i) {
    lost.Send(1, 2, "x");
    twice.Send(1, 2, "x");
  }
  lost.world.RunFor(kNanosPerSecond);
  twice.world.RunFor(kNanosPerSecond);
  EXPECT_TRUE(lost.at(2).received.empty());
  EXPECT_EQ(twice.at(2).received.size(), 20u);
}

TEST(SimNetwork, AClogDelaysArrivalsUntilItEnds) {
  Cluster c(2);
  const int64_t until = c.world.now_ns() + kNanosPerSecond;
  c.world.network().Clog(1, 2, until);
  c.Send(1, 2, "late");
  c.Send(2, 1, "on time");
  c.world.RunUntil(until - 1);
  EXPECT_TRUE(c.at(2).received.empty());
  EXPECT_EQ(c.at(1).received.size(), 1u);
  c.world.RunFor(kNanosPerSecond);
  EXPECT_EQ(c.at(2).received.size(), 1u);
}

TEST(SimNetwork, MessagesToUnknownEndpointsAreDropped) {
  Cluster c(2);
  c.Send(1, 99, "x");
  c.world.RunFor(kNanosPerSecond);
  EXPECT_EQ(c.world.network()
                .stats()
                .dropped[static_cast<int>(DropReason::kUnknownEndpoint)],
            1u);
}

// A partition fixed for the whole exchange drops exactly the messages on its
// blocked paths, and delivers every other one, once.
RC_GTEST_PROP(SimNetworkProperties, PartitionsDropExactlyTheBlockedPaths,
              (uint64_t seed, std::vector<bool> blocked_bits)) {
  constexpr int kNodes = 4;
  Cluster c(kNodes, SimOptions{}, seed);
  std::map<std::pair<EndpointId, EndpointId>, bool> blocked;
  size_t bit = 0;
  for (EndpointId from = 1; from <= kNodes; ++from) {
    for (EndpointId to = 1; to <= kNodes; ++to) {
      const bool block = bit < blocked_bits.size() && blocked_bits[bit++];
      blocked[{from, to}] = block;
      c.world.network().SetBlocked(from, to, block);
    }
  }
  for (EndpointId from = 1; from <= kNodes; ++from) {
    for (EndpointId to = 1; to <= kNodes; ++to) {
      for (int i = 0; i < 3; ++i) c.Send(from, to, "m");
    }
  }
  c.world.RunFor(kNanosPerSecond);
  uint64_t expected_drops = 0;
  for (EndpointId from = 1; from <= kNodes; ++from) {
    for (EndpointId to = 1; to <= kNodes; ++to) {
      RC_ASSERT(c.Count(to, from) == (blocked[{from, to}] ? 0 : 3));
      expected_drops += blocked[{from, to}] ? 3 : 0;
    }
  }
  RC_ASSERT(c.world.network().stats().dropped_total() == expected_drops);
}

}  // namespace
}  // namespace ekv
