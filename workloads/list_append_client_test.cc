// The list-append client end to end against one instant node (the real
// KvService, coordinator, FSM and store; testing/instant_node.h) under
// message loss and duplication: every transaction completes, reads include
// the transaction's own earlier appends, appends land once, and the history
// is strictly serializable by the checkers' list-append model.
#include "workloads/list_append_client.h"

#include <map>
#include <memory>
#include <string>

#include "checkers/check.h"
#include "gtest/gtest.h"
#include "sim/world.h"
#include "workloads/testing/instant_node.h"

namespace ekv::workloads {
namespace {

using checkers::EventType;
using checkers::Value;

struct Harness {
  explicit Harness(uint64_t seed)
      : world(seed, Options()),
        log([this] { return world.now_ns(); }),
        keys("la:", 2, 16) {}
  static sim::SimOptions Options() {
    sim::SimOptions options;
    options.net_loss_rate = 0.05;
    options.net_duplicate_rate = 0.05;
    return options;
  }
  sim::World world;
  EventLog log;
  ListAppendKeys keys;
  ListAppendCounters counters;
};

TEST(ListAppendClient, TransactionsCompleteAndAreStrictlySerializable) {
  constexpr int kClients = 3;
  constexpr int kOps = 80;
  Harness run(7);
  const EndpointId node = run.world.AddNode([](const Env& env, EndpointId) {
    return std::make_unique<testing::InstantNode>(env);
  });
  for (int c = 0; c < kClients; ++c) {
    run.world.AddClient([&, c](const Env& env, EndpointId self) {
      ListAppendClientOptions o;
      o.nodes = {node};
      o.client_id = self;
      o.mops_max = 4;
      o.ops_max = kOps;
      o.process = c;
      o.process_stride = kClients;
      return std::make_unique<ListAppendClient>(env, o, &run.keys, &run.log,
                                                &run.counters);
    });
  }
  run.world.Start();
  run.world.RunUntil(120 * kNanosPerSecond);

  EXPECT_EQ(run.log.events().size(), 2u * kClients * kOps);
  int own_appends_read = 0, ok = 0;
  for (const checkers::Event& e : run.log.events()) {
    if (e.type != EventType::kOk) continue;
    ++ok;
    // A read after this txn's own append of the key ends with that append.
    std::map<std::string, std::vector<int64_t>> own;
    for (const Value& mop : e.value.list()) {
      const std::string f(mop.list()[0].string_view());
      const std::string key(mop.list()[1].string_view());
      if (f == "append") {
        own[key].push_back(mop.list()[2].int_value());
        continue;
      }
      const auto& read = mop.list()[2].list();
      const auto& mine = own[key];
      ASSERT_GE(read.size(), mine.size());
      for (size_t i = 0; i < mine.size(); ++i) {
        EXPECT_EQ(read[read.size() - mine.size() + i].int_value(), mine[i]);
      }
      own_appends_read += mine.empty() ? 0 : 1;
    }
  }
  EXPECT_GT(own_appends_read, 0) << "no txn read its own append";
  EXPECT_GT(ok, kClients * kOps / 2);
  EXPECT_EQ(run.counters.garbage_reads, 0);

  auto history = run.log.ToHistory("list-append client test");
  ASSERT_TRUE(history.ok()) << history.status();
  checkers::CheckOptions options;
  options.model = checkers::CheckerModel::kListAppend;
  options.elle.realtime = true;
  const auto report = checkers::Check(*history, options);
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_EQ(report->verdict, checkers::Verdict::kValid)
      << checkers::ReportToText(*report, true);
}

}  // namespace
}  // namespace ekv::workloads
