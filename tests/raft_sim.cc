#include "tests/raft_sim.h"

#include <functional>
#include <memory>
#include <optional>
#include <set>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "engine/base/random.h"
#include "engine/raft/testing/replica_node.h"
#include "sim/nemesis.h"
#include "sim/world.h"
#include "tests/raft_checker.h"

namespace ekv::raft_sim {
namespace {

using raft::testing::ReplicaNode;

constexpr int64_t kMs = 1'000'000;
constexpr char kMarker[] = "liveness-marker";
// A marker proposal not applied after this long is proposed again: its
// index may never be reached if its leader lost office (its outcome then
// stays unknown, as a client's would until its timeout).
constexpr int64_t kMarkerRetryNs = 500 * kMs;

raft::ReplicaConfig SimReplicaConfig(int64_t nodes) {
  raft::ReplicaConfig config;
  for (int64_t id = 1; id <= nodes; ++id) {
    config.initial_members.push_back(static_cast<EndpointId>(id));
  }
  config.tick_interval_ns = 10 * kMs;
  config.raft.election_timeout_ticks = 10;
  config.raft.heartbeat_interval_ticks = 1;
  config.raft.transfer_timeout_ticks = 10;
  config.raft.lease_clock_error_margin_ticks = 1;
  config.raft.max_snapshot_chunk_bytes = 4096;
  // Small, so that short runs compact their logs and send snapshots.
  config.snapshot_interval_entries = 64;
  config.snapshot_catch_up_entries = 16;
  return config;
}

class Run {
 public:
  Run(uint64_t seed, const RaftSimOptions& o, sim::SimOptions options)
      : o_(o),
        world_(seed, options),
        checker_(&world_),
        proposer_(Random::ForStream(seed, "raft-sim/proposer")) {
    raft::ReplicaConfig config = SimReplicaConfig(o.nodes);
    config.raft.bugs = o.bugs;
    for (int64_t i = 0; i < o.nodes; ++i) {
      world_.AddNode(raft::testing::ReplicaNodeFactory(config, &checker_));
    }
    nemesis_ = std::make_unique<sim::Nemesis>(
        &world_, [this]() -> std::optional<EndpointId> {
          const EndpointId leader = Leader(/*usable_only=*/false);
          if (leader == 0) return std::nullopt;
          return leader;
        });
    world_.SetAfterEvent([this] { checker_.AfterEvent(); });
    checker_.on_applied = [this](EndpointId node, const raftpb::Entry& e) {
      if (e.data() == kMarker) OnMarkerApplied(node);
    };
  }

  RaftSimResult Go();

 private:
  ReplicaNode* Node(EndpointId id) { return world_.ProcessAs<ReplicaNode>(id); }
  // The leader of the highest term (usable: up, running, not paused).
  EndpointId Leader(bool usable_only) {
    EndpointId leader = 0;
    uint64_t term = 0;
    for (EndpointId id : world_.nodes()) {
      ReplicaNode* node = Node(id);
      if (node == nullptr || (usable_only && world_.IsPaused(id))) continue;
      raft::Replica& r = node->replica();
      if (r.is_leader() && r.failed().ok() && r.term() >= term) {
        leader = id;
        term = r.term();
      }
    }
    return leader;
  }
  void ProposeTick();
  void MarkerTick();
  void OnMarkerApplied(EndpointId node);
  void FinalChecks(RaftSimResult& result);

  const RaftSimOptions o_;
  sim::World world_;
  RaftChecker checker_;
  std::unique_ptr<sim::Nemesis> nemesis_;
  Random proposer_;
  uint64_t proposals_ = 0;
  uint64_t accepted_ = 0;
  int64_t marker_proposed_ns_ = -1;  // of the latest attempt in flight
  std::set<EndpointId> marker_applied_;
  int64_t marker_done_ns_ = -1;
};

void Run::ProposeTick() {
  if (world_.now_ns() >= world_.options().faults_end_ns()) return;
  const EndpointId leader = Leader(/*usable_only=*/true);
  if (leader != 0) {
    std::string data = absl::StrCat("p", ++proposals_);
    if (proposer_.OneIn(8)) data.append(proposer_.Uniform(2000), 'x');
    raft::Replica& replica = Node(leader)->replica();
    if (replica.Propose(std::move(data)).ok()) ++accepted_;
    // Now and then an operator moves leadership (a rebalance).
    if (proposer_.OneIn(o_.transfer_one_in)) {
      const auto to = static_cast<EndpointId>(
          1 + proposer_.Uniform(static_cast<uint64_t>(o_.nodes)));
      (void)replica.TransferLeadership(to);
    }
  }
  world_.After(o_.propose_interval_ns, [this] { ProposeTick(); });
}

void Run::MarkerTick() {
  if (marker_done_ns_ >= 0) return;
  const EndpointId leader = Leader(/*usable_only=*/true);
  const bool in_flight = marker_proposed_ns_ >= 0 &&
                         world_.now_ns() - marker_proposed_ns_ < kMarkerRetryNs;
  if (!in_flight && leader != 0) {
    const int64_t attempt = world_.now_ns();
    const auto at = Node(leader)->replica().Propose(
        kMarker, [this, attempt](absl::Status outcome, const raft::EntryId&) {
          // Certainly lost: propose again at once.
          if (!outcome.ok() && marker_proposed_ns_ == attempt) {
            marker_proposed_ns_ = -1;
          }
        });
    if (at.ok()) marker_proposed_ns_ = attempt;
  }
  world_.After(50 * kMs, [this] { MarkerTick(); });
}

void Run::OnMarkerApplied(EndpointId node) {
  marker_applied_.insert(node);
  if (marker_done_ns_ >= 0) return;
  for (EndpointId id : world_.nodes()) {
    ReplicaNode* n = Node(id);
    const bool stopped = n != nullptr && !n->replica().failed().ok();
    if (!stopped && marker_applied_.count(id) == 0) return;
  }
  marker_done_ns_ = world_.now_ns();
}

void Run::FinalChecks(RaftSimResult& result) {
  const int64_t heal = world_.options().faults_end_ns();
  result.live =
      marker_done_ns_ >= 0 && marker_done_ns_ - heal <= o_.liveness_bound_ns;
  result.liveness_ns = marker_done_ns_ >= 0 ? marker_done_ns_ - heal : -1;
  for (EndpointId id : world_.nodes()) {
    ReplicaNode* node = Node(id);
    if (node == nullptr) continue;
    const raft::ReplicaStatus status = node->replica().status();
    const raft::RaftStatus& r = status.raft;
    std::string progress;
    for (const auto& [peer, p] : r.progress) {
      absl::StrAppend(&progress, " ", peer, ":", p.match, "/", p.next, "/",
                      raft::ProgressStateName(p.state));
    }
    result.members.push_back(absl::StrCat(
        "node ", id, " ", raft::RoleName(r.role), " term=", r.term,
        " lead=", r.lead, " commit=", r.commit, " applied=", r.applied,
        " first=", r.first_index, " last=", r.last_index,
        " stalled=", status.stalled, " paused=", world_.IsPaused(id),
        " lease=", r.lease_valid, progress));
    result.snapshots_installed += status.counters.snapshots_installed;
    result.torn_tails += status.counters.torn_tail_bytes_recovered > 0;
    result.disk_stalls += status.counters.disk_stalls;
    if (!status.failed.ok()) {
      // Within the fault model nothing should stop a replica for good.
      result.violations.push_back(
          absl::StrCat("node ", id, " stopped: ", status.failed.ToString()));
      ++result.violation_count;
    }
  }
}

RaftSimResult Run::Go() {
  if (o_.trace_log != nullptr) world_.SetTraceLog(o_.trace_log);
  world_.Start();
  nemesis_->Start();
  world_.After(o_.propose_interval_ns, [this] { ProposeTick(); });
  world_.At(world_.options().faults_end_ns(), [this] { MarkerTick(); });
  world_.RunUntil(world_.options().duration_ns);
  RaftSimResult result;
  result.seed = world_.seed();
  result.options = world_.options();
  result.trace_hash = world_.trace_hash();
  result.events = world_.stats().events;
  result.violations = checker_.violations();
  result.violation_count = checker_.violation_count();
  result.proposals_accepted = accepted_;
  result.entries_applied = checker_.max_applied_index();
  result.leader_terms = checker_.leader_terms();
  result.faults = nemesis_->injected();
  FinalChecks(result);
  return result;
}

}  // namespace

std::string RaftSimResult::Summary() const {
  std::vector<std::string> fault_list;
  for (const auto& [kind, count] : faults) {
    fault_list.push_back(absl::StrCat(kind, "=", count));
  }
  std::string line = absl::StrCat(
      "seed=", seed, " nodes=", options.nodes, passed() ? " pass" : " FAIL",
      " events=", events, " leader_terms=", leader_terms,
      " accepted=", proposals_accepted, " applied=", entries_applied,
      " snapshots_installed=", snapshots_installed, " torn_tails=", torn_tails,
      " disk_stalls=", disk_stalls,
      " liveness_ms=", liveness_ns < 0 ? -1 : liveness_ns / kMs, " faults={",
      absl::StrJoin(fault_list, ","), "}");
  if (!live) absl::StrAppend(&line, " NOT LIVE");
  if (!violations.empty()) {
    absl::StrAppend(&line, " violations=", violation_count,
                    " first: ", violations.front());
  }
  return line;
}

RaftSimResult RunRaftSim(uint64_t seed, const RaftSimOptions& o) {
  sim::SimOptions base;
  base.nodes = o.nodes;
  base.clients = 0;
  base.duration_ns = o.duration_ns;
  base.liveness_phase_ns = o.liveness_phase_ns;
  base.events_max = o.events_max;
  Run run(seed, o, sim::DeriveOptions(seed, o.faults, base));
  return run.Go();
}

}  // namespace ekv::raft_sim
