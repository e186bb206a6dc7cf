#include "sim/toy_run.h"

#include <cstdlib>
#include <memory>
#include <optional>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "sim/nemesis.h"
#include "sim/toy_nodes.h"

namespace ekv::sim {
namespace {

using toy::CounterNode;
using toy::EchoClient;

// Watches the toy cluster after every event and keeps the first violation of
// each check.
class ToyChecker {
 public:
  explicit ToyChecker(World* world) : world_(world) {
    for (const char* name :
         {"durability", "integrity", "messages", "clock bound", "liveness"}) {
      results_.push_back(CheckResult{name, true, true, ""});
    }
    if (world->options().beyond_fault_model()) {
      Skip(kClock, "beyond the clock bound: errors are expected");
    }
  }

  void AfterEvent() {
    const EndpointId id = world_->current_endpoint();
    if (id == 0) return;
    CheckClock(id);
    Watched& watched = watched_[id];
    if (auto* node = world_->ProcessAs<CounterNode>(id)) {
      ObserveNode(id, *node, watched);
    } else if (auto* client = world_->ProcessAs<EchoClient>(id)) {
      if (client->replies() != watched.progress) {
        watched.progress = client->replies();
        watched.progress_ns = world_->now_ns();
      }
    }
  }

  void Finish(RunReport& report) {
    for (EndpointId id : world_->nodes()) {
      auto* node = world_->ProcessAs<CounterNode>(id);
      if (node != nullptr && node->bad_messages() > 0) {
        Fail(kMessages, absl::StrCat("node ", id, " got ", node->bad_messages(),
                                     " bad messages"));
      }
    }
    for (EndpointId id : world_->clients()) {
      auto* client = world_->ProcessAs<EchoClient>(id);
      if (client != nullptr && client->bad_replies() > 0) {
        Fail(kMessages, absl::StrCat("client ", id, " got ",
                                     client->bad_replies(), " bad replies"));
      }
    }
    CheckLiveness();
    report.checks = results_;
  }

 private:
  enum Index { kDurability, kIntegrity, kMessages, kClock, kLiveness };
  struct Watched {
    uint64_t boots = 0;
    uint64_t synced = 0;       // the last synced counter of the current boot
    uint64_t max_written = 0;  // the largest counter ever appended
    uint64_t progress = 0;     // ticks (nodes) or replies (clients)
    int64_t progress_ns = -1;  // when progress last moved
  };

  void Fail(Index index, std::string detail) {
    CheckResult& result = results_[index];
    if (!result.passed || !result.checked) return;
    result.passed = false;
    result.detail = absl::StrCat("at ", FormatTimeNs(world_->now_ns()), ": ",
                                 std::move(detail));
  }
  void Skip(Index index, std::string why) {
    results_[index].checked = false;
    results_[index].detail = std::move(why);
  }

  void CheckClock(EndpointId id) {
    const int64_t error = world_->clock(id).WallErrorNow();
    const int64_t bound = world_->options().clock_offset_ns_max;
    if (std::llabs(error) > bound) {
      Fail(kClock, absl::StrCat("endpoint ", id, " wall clock is off by ",
                                error, " ns, beyond ", bound));
    }
  }

  void ObserveNode(EndpointId id, const CounterNode& node, Watched& watched) {
    const uint64_t boots = world_->boots(id);
    if (boots != watched.boots) {
      if (watched.boots != 0) CheckRecovery(id, node, watched);
      watched.boots = boots;
      watched.progress = 0;
    }
    watched.synced = node.synced_counter();
    watched.max_written = std::max(watched.max_written, node.counter());
    if (node.ticks() != watched.progress) {
      watched.progress = node.ticks();
      watched.progress_ns = world_->now_ns();
    }
  }

  void CheckRecovery(EndpointId id, const CounterNode& node,
                     const Watched& watched) {
    const toy::RecoveredCounter& recovered = node.recovered();
    const SimDisk& disk = *world_->disk(id);
    const bool corruption_possible =
        disk.corruptible() &&
        (recovered.bad_records > 0 || disk.stats().corrupt_reads > 0 ||
         disk.stats().corrupt_writes > 0);
    if (recovered.value < watched.synced && !corruption_possible) {
      Fail(kDurability,
           absl::StrCat("node ", id, " recovered counter ", recovered.value,
                        " after a Sync had covered ", watched.synced));
    }
    if (recovered.value > watched.max_written) {
      Fail(kIntegrity,
           absl::StrCat("node ", id, " recovered counter ", recovered.value,
                        " but only wrote up to ", watched.max_written));
    }
  }

  void CheckLiveness() {
    const SimOptions& options = world_->options();
    if (options.liveness_phase_ns < 200 * kNanosPerMilli) {
      return Skip(kLiveness, "liveness_phase_ns is under 200 ms");
    }
    const int64_t healed = options.faults_end_ns();
    std::vector<EndpointId> endpoints = world_->nodes();
    endpoints.insert(endpoints.end(), world_->clients().begin(),
                     world_->clients().end());
    for (EndpointId id : endpoints) {
      if (watched_[id].progress_ns <= healed) {
        Fail(kLiveness, absl::StrCat("endpoint ", id,
                                     " made no progress after the heal at ",
                                     FormatTimeNs(healed)));
      }
    }
  }

  World* world_;
  std::vector<CheckResult> results_;
  std::map<EndpointId, Watched> watched_;
};

}  // namespace

RunReport RunToyCluster(uint64_t seed, const SimOptions& options,
                        std::FILE* trace_log) {
  World world(seed, options);
  world.SetTraceLog(trace_log);
  std::vector<EndpointId> nodes;
  for (int64_t i = 1; i <= options.nodes; ++i) {
    nodes.push_back(static_cast<EndpointId>(i));
  }
  for (size_t i = 0; i < nodes.size(); ++i) {
    world.AddNode(toy::CounterNodeFactory(nodes));
  }
  for (int64_t i = 0; i < options.clients; ++i) {
    world.AddClient(toy::EchoClientFactory(nodes));
  }
  ToyChecker checker(&world);
  world.SetAfterEvent([&checker] { checker.AfterEvent(); });
  // The toy protocol has no leader: the nemesis falls back to a random node.
  Nemesis nemesis(&world, [] { return std::optional<EndpointId>(); });
  world.Start();
  nemesis.Start();

  RunReport report;
  report.seed = seed;
  report.options = options;
  report.stop = world.RunUntil(options.duration_ns);
  checker.Finish(report);
  report.trace_hash = world.trace_hash();
  report.events = world.stats().events;
  report.simulated_ns = world.now_ns();
  report.faults = nemesis.injected();
  CollectWorldStats(world, report);
  return report;
}

}  // namespace ekv::sim
