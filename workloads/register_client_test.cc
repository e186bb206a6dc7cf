// The register client, the client wire format and KvService end to end in the
// simulator, against one in-memory node whose "Raft group" commits every
// proposal at once (no replication: that is tests/kv_cluster_sim_test.cc).
// Checks the client's bookkeeping under message loss, duplication and delay.
#include "workloads/register_client.h"

#include <map>
#include <memory>
#include <set>

#include "gtest/gtest.h"
#include "sim/world.h"
#include "workloads/register_check.h"
#include "workloads/testing/instant_node.h"

namespace ekv::workloads {
namespace {

using workloads::testing::InstantNode;

TEST(RegisterClient,
     CompletesEveryOperationAgainstOneNodeUnderLossAndDuplication) {
  sim::SimOptions options;
  options.net_loss_rate = 0.05;
  options.net_duplicate_rate = 0.05;
  sim::World world(42, options);
  RegisterHistory history([&world] { return world.now_ns(); });
  const EndpointId node = world.AddNode([](const Env& env, EndpointId) {
    return std::make_unique<InstantNode>(env);
  });
  constexpr int kClients = 3;
  for (int c = 0; c < kClients; ++c) {
    world.AddClient([&, c](const Env& env, EndpointId self) {
      RegisterClientOptions o;
      o.nodes = {node};
      o.ops_max = 100;
      o.process = c;
      o.process_stride = kClients;
      o.client_id = self;
      return std::make_unique<RegisterClient>(env, self, o, &history);
    });
  }
  world.Start();
  world.RunUntil(60 * kNanosPerSecond);

  // Every invocation completed; writes that completed ok are what reads see.
  std::map<int64_t, int> open;
  std::set<std::pair<std::string, int64_t>> written;
  int oks = 0, infos = 0, cas_ok = 0, cas_fail = 0;
  for (const RegisterEvent& e : history.events()) {
    if (e.type == EventType::kInvoke) {
      EXPECT_EQ(open[e.process]++, 0) << "one op in flight per process";
      if (e.f != RegisterF::kRead) written.insert({e.key, *e.value});
      continue;
    }
    --open[e.process];
    if (e.type == EventType::kOk) ++oks;
    if (e.type == EventType::kInfo) ++infos;
    if (e.type == EventType::kFail && e.f != RegisterF::kCas) {
      ADD_FAILURE() << "only a cas comparison can fail here: " << e.error;
    }
    if (e.f == RegisterF::kCas)
      ++(e.type == EventType::kOk ? cas_ok : cas_fail);
    if (e.f == RegisterF::kRead && e.type == EventType::kOk && e.value) {
      EXPECT_TRUE(written.count({e.key, *e.value})) << e.key << "=" << *e.value;
    }
  }
  for (const auto& [process, n] : open) EXPECT_EQ(n, 0) << process;
  EXPECT_EQ(history.events().size(), 2u * 100 * kClients);
  // Lost replies are retried under the same seq and deduplicated: nothing is
  // left indeterminate.
  EXPECT_EQ(infos, 0);
  EXPECT_EQ(oks + cas_fail, 100 * kClients);
  EXPECT_GT(cas_ok, 0);
  EXPECT_GT(cas_fail, 0);
  EXPECT_NE(history.ToJsonLines().find("\"f\":\"cas\""), std::string::npos);
  const auto check = CheckRegisterHistory(history, "seed 42", 0);
  ASSERT_TRUE(check.ok()) << check.status();
  EXPECT_EQ(check->result.verdict, checkers::Verdict::kValid) << check->text;
}

}  // namespace
}  // namespace ekv::workloads
