#include "sim/kv_run.h"

#include <algorithm>
#include <memory>
#include <optional>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "engine/base/check.h"
#include "engine/node/kv_node.h"
#include "sim/nemesis.h"
#include "sim/raft_checker.h"
#include "sim/world.h"
#include "workloads/workload.h"

namespace ekv::sim {
namespace {

constexpr int64_t kTickNs = 10'000'000;
constexpr int64_t kQuiesceStepNs = 10'000'000;
constexpr int kQuiesceStepsMax = 500;

node::KvNodeOptions NodeOptions(const SimOptions& sim,
                                const std::vector<EndpointId>& members) {
  node::KvNodeOptions o;
  o.members = members;
  o.replica.tick_interval_ns = kTickNs;
  o.replica.raft.election_timeout_ticks = 10;
  o.replica.raft.heartbeat_interval_ticks = 1;
  o.replica.raft.broadcast_commit = sim.kv_broadcast_commit;
  o.replica.raft.skip_heartbeats_to_busy_followers =
      sim.kv_skip_busy_heartbeats;
  o.replica.snapshot_interval_entries =
      static_cast<uint64_t>(sim.kv_snapshot_interval_entries);
  o.replica.snapshot_catch_up_entries = o.replica.snapshot_interval_entries / 4;
  kv::TimingOptions& t = o.coordinator.timing;
  t.hlc.physical_window_ms = 3000;
  t.hlc.renewal_interval_ms = 1000;
  t.compaction.interval_ms =
      std::max<int64_t>(1, sim.kv_compaction_interval_ns / kNanosPerMilli);
  t.compaction.retention_window_ms =
      std::max<int64_t>(1, sim.kv_compaction_retention_ns / kNanosPerMilli);
  t.request_timeout_ms = 2000;
  // The simulator's safety-mode clock bounds.
  t.clock_offset_ms_max =
      (sim.clock_offset_ns_max + kNanosPerMilli - 1) / kNanosPerMilli;
  t.clock_drift_ppm_max = std::max<int64_t>(sim.clock_drift_ppm_max, 1);
  o.coordinator.lease_reads = sim.kv_lease_reads;
  EKV_CHECK_OK(node::ValidateKvNodeOptions(o));
  return o;
}

std::vector<node::KvNode*> LiveNodes(World& world) {
  std::vector<node::KvNode*> out;
  for (EndpointId id : world.nodes()) {
    if (auto* node = world.ProcessAs<node::KvNode>(id)) out.push_back(node);
  }
  return out;
}

std::optional<EndpointId> Leader(World& world) {
  node::KvNode* best = nullptr;
  for (node::KvNode* node : LiveNodes(world)) {
    if (node->IsLeader() && (best == nullptr || node->term() > best->term()))
      best = node;
  }
  if (best == nullptr) return std::nullopt;
  return best->id();
}

// Runs on until every live replica has applied the same index with the same
// state hash, or gives up.
CheckResult CheckConvergence(World& world) {
  CheckResult check{"replicas_converge", false, true, ""};
  for (int step = 0; step < kQuiesceStepsMax; ++step) {
    std::vector<node::KvNode*> members;
    size_t exempt = 0;
    for (node::KvNode* node : LiveNodes(world)) {
      if (node->replica().failed().ok()) {
        members.push_back(node);
      } else if (world.disk(node->id()) != nullptr &&
                 world.disk(node->id())->corruptible()) {
        ++exempt;  // stopped for good by corruption its disk may suffer
      }
    }
    const size_t quorum = world.nodes().size() / 2 + 1;
    if (members.size() + exempt == world.nodes().size() &&
        members.size() >= quorum) {
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

CheckResult CheckHlcLogOrder(World& world) {
  CheckResult check{"hlc_log_order", true, true, ""};
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

// Counters die with a crashed process, so the run sums them as nodes go down.
class PinWatch {
 public:
  explicit PinWatch(World* world)
      : world_(world), seen_(world->nodes().size() + 1, 0) {}

  void AfterEvent() {
    const EndpointId id = world_->current_endpoint();
    if (id == 0 || !world_->IsNode(id)) return;
    // Every node of a KV run is a KvNode: no dynamic_cast on every event.
    const auto* node = static_cast<const node::KvNode*>(world_->process(id));
    const uint64_t now =
        node == nullptr ? 0
                        : node->service().stats().pinned_snapshots_compacted;
    if (node != nullptr && now > seen_[id]) {
      violations_ += now - seen_[id];
      if (first_.empty()) {
        first_ = absl::StrCat(
            "node ", id, " compacted a pinned snapshot while leading term ",
            node->term(), " at ", FormatTimeNs(world_->now_ns()));
      }
    }
    seen_[id] = now;  // 0 after a crash: a new process counts from 0
  }

  CheckResult Result() const {
    return CheckResult{
        "pins_respected", violations_ == 0, true,
        violations_ == 0
            ? ""
            : absl::StrCat(violations_, " times; first: ", first_)};
  }

 private:
  World* world_;
  std::vector<uint64_t> seen_;
  uint64_t violations_ = 0;
  std::string first_;
};

void WriteFile(const std::string& path, const std::string& text,
               RunReport& report) {
  std::FILE* out = std::fopen(path.c_str(), "w");
  if (out == nullptr ||
      std::fwrite(text.data(), 1, text.size(), out) != text.size()) {
    report.notes.push_back(absl::StrCat("could not write ", path));
  } else {
    report.notes.push_back(absl::StrCat("wrote ", path));
  }
  if (out != nullptr) std::fclose(out);
}

}  // namespace

std::string PathForWorkload(const std::string& path,
                            const std::string& workload) {
  const size_t slash = path.rfind('/');
  const size_t dot = path.rfind('.');
  if (dot == std::string::npos || (slash != std::string::npos && dot < slash) ||
      dot == 0) {
    return absl::StrCat(path, ".", workload);
  }
  return absl::StrCat(path.substr(0, dot), ".", workload, path.substr(dot));
}

RunReport RunKvCluster(uint64_t seed, const SimOptions& options,
                       const KvRunConfig& config, std::FILE* trace_log) {
  RunReport report;
  report.seed = seed;
  report.options = options;
  World world(seed, options);
  if (trace_log != nullptr) world.SetTraceLog(trace_log);
  world.set_planted_bugs(&config.bugs);

  std::vector<EndpointId> members;
  for (int64_t i = 1; i <= options.nodes; ++i)
    members.push_back(static_cast<EndpointId>(i));
  workloads::WorkloadContext context;
  context.nodes = members;
  context.now_ns = [&world] { return world.now_ns(); };
  context.seed = seed;
  // Clients stop invoking a little before the end (a quarter of the healed
  // tail), so their last operations can finish.
  context.run_ns_max =
      std::max<int64_t>(1, options.duration_ns - options.liveness_phase_ns / 4);
  context.client_ops_max = options.client_ops_max;
  context.check_steps_max = config.check_steps_max;
  auto made = workloads::MakeWorkloads(
      config.workload, static_cast<int>(options.clients), context);
  EKV_CHECK_OK(made.status()) << "the command line validates the workload";
  std::vector<std::unique_ptr<workloads::Workload>> workloads =
      std::move(made).value();

  // Every node of a KV run is a KvNode: no dynamic_cast on this hot path.
  RaftChecker raft_checker(
      &world, [&world](EndpointId id) -> const raft::Replica* {
        auto* node = static_cast<node::KvNode*>(world.process(id));
        return node == nullptr ? nullptr : &node->replica();
      });
  const node::KvNodeOptions node_options = NodeOptions(options, members);
  for (int64_t i = 0; i < options.nodes; ++i) {
    world.AddNode(
        [&node_options, &raft_checker](const Env& env, EndpointId self) {
          auto node = std::make_unique<node::KvNode>(env, self, node_options);
          node->set_replica_observer(&raft_checker);
          return node;
        });
  }
  for (auto& workload : workloads) {
    report.notes.push_back(absl::StrCat(
        "workload ", workload->name(), ": ", workload->clients(), " clients; ",
        absl::StrJoin(workload->ParameterLines(), "; ")));
    for (int i = 0; i < workload->clients(); ++i) {
      workloads::Workload* w = workload.get();
      world.AddClient([w, i](const Env& env, EndpointId self) {
        return w->MakeClient(i, env, self);
      });
    }
  }
  PinWatch pins(&world);
  world.SetAfterEvent([&pins, &raft_checker] {
    pins.AfterEvent();
    raft_checker.AfterEvent();
  });
  Nemesis nemesis(
      &world, [&world] { return Leader(world); },
      [&world](EndpointId from, EndpointId to) {
        // Refusals (not the leader any more, a transfer under way) are the
        // operator's problem, as in a real deployment.
        if (auto* node = world.ProcessAs<node::KvNode>(from)) {
          (void)node->TransferLeadership(to);
        }
      });
  world.Start();
  nemesis.Start();
  report.stop = world.RunUntil(options.duration_ns);
  report.simulated_ns = world.now_ns();

  for (auto& workload : workloads) {
    const std::string prefix =
        workloads.size() > 1 ? absl::StrCat(workload->name(), "/") : "";
    for (const workloads::WorkloadCheck& check : workload->Check()) {
      report.checks.push_back(CheckResult{absl::StrCat(prefix, check.name),
                                          check.passed, true, check.detail});
    }
    const workloads::HistoryCounts counts =
        workload->Counts(options.faults_end_ns());
    report.client_ops += static_cast<uint64_t>(counts.invoked());
    for (int64_t i = 0; i < counts.info; ++i)
      world.probes().Hit(Probe::kClientOpIndeterminate);
    // Clients that spent their whole operation budget (client_ops_max, as a
    // shrink sets it) leave nothing to observe after the faults end.
    const bool budget_spent =
        counts.invoked() >=
        static_cast<int64_t>(workload->clients()) * options.client_ops_max;
    const std::string tally = absl::StrCat(
        counts.ok_after, " operations succeeded after the faults ended (",
        counts.ok, " ok, ", counts.fail, " fail, ", counts.info,
        " info in all)");
    report.checks.push_back(
        budget_spent
            ? CheckResult{absl::StrCat(prefix, "liveness"), true, false,
                          "every client spent its client_ops_max"}
            : CheckResult{absl::StrCat(prefix, "liveness"), counts.ok_after > 0,
                          true, tally});
  }
  report.checks.push_back(pins.Result());
  report.checks.push_back(CheckResult{
      "raft_invariants", raft_checker.violation_count() == 0, true,
      raft_checker.violations().empty() ? ""
                                        : raft_checker.violations().front()});
  report.checks.push_back(CheckHlcLogOrder(world));
  report.checks.push_back(CheckConvergence(world));
  report.faults = nemesis.injected();

  for (auto& workload : workloads) {
    const std::string name(workload->name());
    if (!config.history_path.empty()) {
      WriteFile(workloads.size() > 1
                    ? PathForWorkload(config.history_path, name)
                    : config.history_path,
                workload->HistoryJsonLines(), report);
    }
    if (!config.html_path.empty()) {
      WriteFile(workloads.size() > 1 ? PathForWorkload(config.html_path, name)
                                     : config.html_path,
                workload->Html(), report);
    }
  }
  report.trace_hash = world.trace_hash();
  report.events = world.stats().events;
  CollectWorldStats(world, report);
  return report;
}

}  // namespace ekv::sim
