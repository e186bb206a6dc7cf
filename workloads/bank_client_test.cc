// The bank client end to end against one instant node under message loss and
// duplication: the accounts are created exactly once however many clients
// race to set them up, transfers conflict and fail cleanly, and every read of
// all balances sums to the total.
#include "workloads/bank_client.h"

#include <memory>
#include <string>
#include <vector>

#include "checkers/check.h"
#include "gtest/gtest.h"
#include "sim/world.h"
#include "workloads/testing/instant_node.h"

namespace ekv::workloads {
namespace {

using checkers::EventType;

// The history the clients recorded passes the bank checker: every read
// sums to `total`.
void ExpectValidBankHistory(const EventLog& log, const char* name,
                            int64_t total) {
  auto history = log.ToHistory(name);
  ASSERT_TRUE(history.ok()) << history.status();
  checkers::CheckOptions check;
  check.model = checkers::CheckerModel::kBank;
  check.bank.total = total;
  const auto report = checkers::Check(*history, check);
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_EQ(report->verdict, checkers::Verdict::kValid)
      << checkers::ReportToText(*report, true);
}

TEST(BankClient, SetsUpOnceTransfersAndReadsConsistentSnapshots) {
  constexpr int kClients = 4;
  constexpr int kOps = 60;
  sim::SimOptions options;
  options.net_loss_rate = 0.05;
  options.net_duplicate_rate = 0.05;
  sim::World world(11, options);
  EventLog log([&world] { return world.now_ns(); });
  BankCounters counters;
  const std::vector<std::string> accounts = {"b:a0", "b:a1", "b:a2"};
  const EndpointId node = world.AddNode([](const Env& env, EndpointId) {
    return std::make_unique<testing::InstantNode>(env);
  });
  for (int c = 0; c < kClients; ++c) {
    world.AddClient([&, c](const Env& env, EndpointId self) {
      BankClientOptions o;
      o.nodes = {node};
      o.client_id = self;
      o.accounts = accounts;
      o.initial_balance = 10;
      o.ops_max = kOps;
      o.process = c;
      o.process_stride = kClients;
      return std::make_unique<BankClient>(env, o, &log, &counters);
    });
  }
  world.Start();
  world.RunUntil(120 * kNanosPerSecond);

  EXPECT_EQ(counters.clients_set_up, kClients);
  EXPECT_EQ(counters.setups_written, 1) << "exactly one setup commits";
  EXPECT_EQ(counters.partial_setups, 0);
  EXPECT_EQ(log.events().size(), 2u * kClients * kOps);
  int transfers_ok = 0, transfers_failed = 0, reads_ok = 0;
  for (const checkers::Event& e : log.events()) {
    if (e.type == EventType::kInvoke) continue;
    if (e.f == "read" && e.type == EventType::kOk) {
      ++reads_ok;
      EXPECT_EQ(e.value.map().size(), accounts.size());
    }
    if (e.f == "transfer") {
      transfers_ok += e.type == EventType::kOk;
      transfers_failed += e.type == EventType::kFail;
    }
  }
  EXPECT_GT(transfers_ok, 0);
  EXPECT_GT(transfers_failed, 0) << "conflicts or too little money";
  EXPECT_GT(reads_ok, 0);

  ExpectValidBankHistory(log, "bank client test", 30);
}

// Every read an audit: each is one op in the history, invoked before its
// first request and completed after its last, with every balance, and its
// parts are read at one held snapshot however long the client thinks
// between them (well past the instant node's compaction retention).
TEST(BankClient, AnAuditIsOneReadOfEveryBalanceAtOneSnapshot) {
  constexpr int kOps = 40;
  sim::World world(5, sim::SimOptions());
  EventLog log([&world] { return world.now_ns(); });
  BankCounters counters;
  const std::vector<std::string> accounts = {"b:a0", "b:a1", "b:a2", "b:a3"};
  const EndpointId node = world.AddNode([](const Env& env, EndpointId) {
    kv::CoordinatorOptions short_history;
    short_history.timing.compaction.interval_ms = 20;
    short_history.timing.compaction.retention_window_ms = 50;
    return std::make_unique<testing::InstantNode>(env, short_history);
  });
  BankClientOptions o;
  o.nodes = {node};
  o.accounts = accounts;
  o.ops_max = kOps;
  o.read_fraction = 0.5;
  o.audit_fraction = 1.0;
  o.audit_think_ns_max = 400'000'000;
  for (int c = 0; c < 2; ++c) {
    world.AddClient([&, c](const Env& env, EndpointId self) {
      BankClientOptions mine = o;
      mine.client_id = self;
      mine.process = c;
      mine.process_stride = 2;
      return std::make_unique<BankClient>(env, mine, &log, &counters);
    });
  }
  world.Start();
  world.RunUntil(120 * kNanosPerSecond);

  int reads_invoked = 0, reads_ok = 0;
  for (const checkers::Event& e : log.events()) {
    if (e.f != "read") continue;
    reads_invoked += e.type == EventType::kInvoke;
    if (e.type == EventType::kOk) {
      ++reads_ok;
      EXPECT_EQ(e.value.map().size(), accounts.size());
    }
  }
  EXPECT_EQ(log.events().size(), 2u * 2 * kOps) << "one op per audit";
  EXPECT_GT(reads_ok, 0);
  EXPECT_EQ(counters.audits_ok, reads_ok) << "every read was an audit";
  EXPECT_EQ(counters.audits_failed_after_hold, 0);
  EXPECT_EQ(counters.audit_snapshot_mismatches, 0);

  ExpectValidBankHistory(log, "bank audit test", 40);
}

}  // namespace
}  // namespace ekv::workloads
