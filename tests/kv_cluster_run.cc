#include "tests/kv_cluster_run.h"

#include <algorithm>
#include <memory>
#include <optional>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "engine/base/check.h"
#include "engine/node/kv_node.h"
#include "sim/nemesis.h"
#include "sim/swarm.h"
#include "sim/world.h"
#include "workloads/register_check.h"
#include "workloads/register_client.h"

namespace ekv::tests {
namespace {

constexpr int64_t kQuiesceStepNs = 10'000'000;
constexpr int kQuiesceStepsMax = 500;
constexpr size_t kDetailBytesMax = 6000;

node::KvNodeOptions NodeOptions(const sim::SimOptions& sim,
                                const std::vector<EndpointId>& members,
                                const KvClusterOptions& options) {
  node::KvNodeOptions o;
  o.members = members;
  o.replica.tick_interval_ns = 10'000'000;
  o.replica.raft.election_timeout_ticks = 10;
  o.replica.raft.heartbeat_interval_ticks = 1;
  o.replica.snapshot_interval_entries = 200;
  o.replica.snapshot_catch_up_entries = 50;
  kv::TimingOptions& t = o.coordinator.timing;
  t.hlc.physical_window_ms = 3000;
  t.hlc.renewal_interval_ms = 1000;
  // Short enough that runs of a few seconds compact.
  t.compaction.interval_ms = 1000;
  t.compaction.retention_window_ms = 3000;
  t.request_timeout_ms = 2000;
  // The simulator's safety-mode clock bounds.
  t.clock_offset_ms_max = (sim.clock_offset_ns_max + 999'999) / 1'000'000;
  t.clock_drift_ppm_max = std::max<int64_t>(sim.clock_drift_ppm_max, 1);
  o.coordinator.lease_reads = options.lease_reads;
  EKV_CHECK_OK(node::ValidateKvNodeOptions(o));
  return o;
}

std::vector<node::KvNode*> LiveNodes(sim::World& world) {
  std::vector<node::KvNode*> out;
  for (EndpointId id : world.nodes()) {
    if (auto* node = world.ProcessAs<node::KvNode>(id)) out.push_back(node);
  }
  return out;
}

std::optional<EndpointId> Leader(sim::World& world) {
  node::KvNode* best = nullptr;
  for (node::KvNode* node : LiveNodes(world)) {
    if (node->IsLeader() && (best == nullptr || node->term() > best->term())) {
      best = node;
    }
  }
  if (best == nullptr) return std::nullopt;
  return best->id();
}

std::string Truncated(std::string text) {
  if (text.size() > kDetailBytesMax) {
    text.resize(kDetailBytesMax);
    text += "\n... (truncated)";
  }
  return text;
}

KvCheck CheckLinearizable(const workloads::RegisterHistory& history,
                          uint64_t seed, uint64_t steps_max) {
  KvCheck check{"linearizable", true, ""};
  auto result = workloads::CheckRegisterHistory(
      history, absl::StrCat("seed ", seed), steps_max);
  if (!result.ok()) {
    check.passed = false;
    check.detail = std::string(result.status().message());
  } else if (result->result.verdict != checkers::Verdict::kValid) {
    check.passed = false;
    check.detail = Truncated(result->text);
  }
  return check;
}

// An acknowledged write's commit timestamp lies above those of every write
// acknowledged before it was invoked.
KvCheck CheckHlcRealTime(const workloads::RegisterHistory& history) {
  KvCheck check{"hlc_real_time", true, ""};
  uint64_t completed_max = 0;
  std::map<int64_t, uint64_t> floor_of_process;
  for (const workloads::RegisterEvent& e : history.events()) {
    if (e.type == workloads::EventType::kInvoke) {
      floor_of_process[e.process] = completed_max;
      continue;
    }
    if (e.type != workloads::EventType::kOk ||
        e.f == workloads::RegisterF::kRead) {
      continue;
    }
    const uint64_t floor = floor_of_process[e.process];
    if (e.commit_ts <= floor && check.passed) {
      check.passed = false;
      check.detail = absl::StrCat(
          "process ", e.process, " ", workloads::RegisterFName(e.f), " on ",
          e.key, " acknowledged at commit ts ", e.commit_ts, ", not above ",
          floor, " acknowledged before it was invoked");
    }
    completed_max = std::max(completed_max, e.commit_ts);
  }
  return check;
}

KvCheck CheckHlcLogOrder(sim::World& world) {
  KvCheck check{"hlc_log_order", true, ""};
  for (node::KvNode* node : LiveNodes(world)) {
    const uint64_t regressions = node->fsm().stats().hlc_regressions;
    if (regressions != 0) {
      check.passed = false;
      absl::StrAppend(&check.detail, "node ", node->id(), ": ", regressions,
                      " commit timestamps not above the last applied; ");
    }
  }
  return check;
}

// Runs on until every live replica has applied the same index with the same
// state hash, or gives up.
KvCheck CheckConvergence(sim::World& world) {
  KvCheck check{"replicas_converge", false, ""};
  for (int step = 0; step < kQuiesceStepsMax; ++step) {
    std::vector<node::KvNode*> members;
    int exempt = 0;
    for (node::KvNode* node : LiveNodes(world)) {
      if (node->replica().failed().ok()) {
        members.push_back(node);
      } else if (world.disk(node->id()) != nullptr &&
                 world.disk(node->id())->corruptible()) {
        ++exempt;  // stopped for good by corruption its disk may suffer
      }
    }
    const size_t quorum = world.nodes().size() / 2 + 1;
    const bool all_present = members.size() + exempt == world.nodes().size();
    if (all_present && members.size() >= quorum) {
      const auto same = [&](node::KvNode* n) {
        return n->applied_index() == members[0]->applied_index() &&
               n->StateHash() == members[0]->StateHash();
      };
      if (std::all_of(members.begin(), members.end(), same)) {
        check.passed = true;
        check.detail = absl::StrCat(members.size(), " replicas at index ",
                                    members[0]->applied_index());
        return check;
      }
    }
    world.RunFor(kQuiesceStepNs);
  }
  for (EndpointId id : world.nodes()) {
    auto* node = world.ProcessAs<node::KvNode>(id);
    if (node == nullptr) {
      absl::StrAppend(&check.detail, "node ", id, ": down; ");
      continue;
    }
    absl::StrAppend(&check.detail, "node ", id, ": applied ",
                    node->applied_index(), " hash ", node->StateHash(),
                    " failed '", node->replica().failed().message(), "'; ");
  }
  return check;
}

KvCheck CheckLiveness(const workloads::RegisterHistory& history,
                      int64_t faults_end_ns, int64_t clients) {
  KvCheck check{"liveness", true, ""};
  int64_t ok_after = 0;
  for (const workloads::RegisterEvent& e : history.events()) {
    if (e.type == workloads::EventType::kOk && e.time_ns >= faults_end_ns) {
      ++ok_after;
    }
  }
  if (ok_after < clients) {
    check.passed = false;
    check.detail =
        absl::StrCat(ok_after, " operations succeeded after the faults ended");
  }
  return check;
}

}  // namespace

bool KvClusterReport::passed() const {
  return std::all_of(checks.begin(), checks.end(),
                     [](const KvCheck& c) { return c.passed; });
}

std::string KvClusterReport::Summary() const {
  std::string out = absl::StrCat("seed ", seed, " trace_hash ", trace_hash,
                                 " events ", events, "\n");
  std::vector<std::string> kinds;
  for (const auto& [kind, n] : faults)
    kinds.push_back(absl::StrCat(kind, "=", n));
  absl::StrAppend(
      &out, "  faults: ", kinds.empty() ? "none" : absl::StrJoin(kinds, " "),
      "\n  enabled: ", absl::StrJoin(sim::EnabledFaultKinds(sim), ","),
      "\n  ops ok=", ops_ok, " fail=", ops_fail, " info=", ops_info,
      " terms_led=", terms_led, " lease hits=", lease_hits,
      " misses=", lease_misses, " compactions=", compactions, "\n");
  for (const KvCheck& check : checks) {
    absl::StrAppend(&out, "  ", check.passed ? "PASS " : "FAIL ", check.name,
                    check.detail.empty() ? "" : ": ", check.detail, "\n");
  }
  return out;
}

KvClusterReport RunKvCluster(uint64_t seed, const KvClusterOptions& options) {
  sim::SimOptions base;
  base.nodes = options.nodes;
  base.clients = options.clients;
  base.duration_ns = options.duration_ns;
  base.liveness_phase_ns = options.liveness_ns;
  const auto selection = sim::ParseFaultSelection(options.faults);
  EKV_CHECK_OK(selection.status());
  KvClusterReport report;
  report.seed = seed;
  report.sim = sim::DeriveOptions(seed, *selection, base);
  if (options.clock_beyond_bound) {
    report.sim.clock_beyond_bound = true;
    report.sim.clock_beyond_offset_ns_max = options.clock_beyond_offset_ns;
    report.sim.clock_offset_ns_initial_max = options.clock_beyond_offset_ns;
    report.sim.nemesis_clock_jump = true;
  }

  sim::World world(seed, report.sim);
  PlantedBugs bugs;
  if (options.bug.has_value()) {
    bugs.Enable(*options.bug);
    world.set_planted_bugs(&bugs);
  }
  workloads::RegisterHistory history([&world] { return world.now_ns(); });
  std::vector<EndpointId> members;
  for (int64_t i = 1; i <= options.nodes; ++i) {
    members.push_back(static_cast<EndpointId>(i));
  }
  const node::KvNodeOptions node_options =
      NodeOptions(report.sim, members, options);
  for (int64_t i = 0; i < options.nodes; ++i) {
    world.AddNode([&node_options](const Env& env, EndpointId self) {
      return std::make_unique<node::KvNode>(env, self, node_options);
    });
  }
  for (int64_t c = 0; c < options.clients; ++c) {
    world.AddClient([&, c](const Env& env, EndpointId self) {
      workloads::RegisterClientOptions o;
      o.nodes = members;
      o.process = c;
      o.process_stride = options.clients;
      o.client_id = self;
      // Stop invoking a little before the end, so operations can finish.
      o.run_ns_max = options.duration_ns - 1'000'000'000;
      return std::make_unique<workloads::RegisterClient>(env, self, o,
                                                         &history);
    });
  }
  sim::Nemesis nemesis(&world, [&world] { return Leader(world); });
  world.Start();
  nemesis.Start();
  world.RunUntil(report.sim.duration_ns);

  report.checks.push_back(
      CheckLinearizable(history, seed, options.linearizability_steps_max));
  report.checks.push_back(CheckHlcRealTime(history));
  report.checks.push_back(
      CheckLiveness(history, report.sim.faults_end_ns(), options.clients));
  report.checks.push_back(CheckConvergence(world));
  report.checks.push_back(CheckHlcLogOrder(world));

  for (const workloads::RegisterEvent& e : history.events()) {
    if (e.type == workloads::EventType::kOk) ++report.ops_ok;
    if (e.type == workloads::EventType::kFail) ++report.ops_fail;
    if (e.type == workloads::EventType::kInfo) ++report.ops_info;
  }
  for (node::KvNode* node : LiveNodes(world)) {
    report.terms_led += node->coordinator().stats().terms_led;
    report.lease_hits += node->coordinator().stats().lease_hits;
    report.lease_misses += node->coordinator().stats().lease_misses;
    report.compactions =
        std::max(report.compactions, node->fsm().stats().compactions);
  }
  report.faults = nemesis.injected();
  report.trace_hash = world.trace_hash();
  report.events = world.stats().events;
  if (options.keep_history || !report.passed()) {
    report.history_jsonl = history.ToJsonLines();
  }
  return report;
}

}  // namespace ekv::tests
