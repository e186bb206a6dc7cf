#include "sim/swarm.h"

#include <cmath>
#include <map>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "engine/base/random.h"

namespace ekv::sim {
namespace {

// Log-uniform in [lo, hi]: rates spread over orders of magnitude.
double LogUniform(Random& random, double lo, double hi) {
  return lo * std::exp(random.UnitDouble() * std::log(hi / lo));
}

int64_t LogUniformNs(Random& random, int64_t lo, int64_t hi) {
  return static_cast<int64_t>(
      LogUniform(random, static_cast<double>(lo), static_cast<double>(hi)));
}

}  // namespace

const std::vector<std::string>& FaultKinds() {
  static const std::vector<std::string>* const kinds =
      new std::vector<std::string>{
          "net_delay",          "net_loss",          "net_duplicate",
          "net_clog",           "partition_halves",  "partition_isolate",
          "partition_leader",   "partition_bridge",  "partition_oneway",
          "process_crash",      "process_pause",     "disk_torn",
          "disk_corrupt_write", "disk_corrupt_read", "disk_sync_fail",
          "disk_full",          "disk_latency",      "clock_drift",
          "clock_offset",       "clock_jump",        "buggify",
          "leader_transfer",
      };
  return *kinds;
}

std::string FaultSelection::ToString() const {
  switch (mode) {
    case Mode::kSwarm:
      return "swarm";
    case Mode::kNone:
      return "none";
    case Mode::kAll:
      return "all";
    case Mode::kList:
      return absl::StrJoin(kinds, ",");
  }
  return "?";
}

absl::StatusOr<FaultSelection> ParseFaultSelection(absl::string_view text) {
  FaultSelection out;
  if (text == "swarm") return out;
  if (text == "none" || text.empty()) {
    out.mode = FaultSelection::Mode::kNone;
    return out;
  }
  if (text == "all") {
    out.mode = FaultSelection::Mode::kAll;
    return out;
  }
  out.mode = FaultSelection::Mode::kList;
  const std::set<std::string> valid(FaultKinds().begin(), FaultKinds().end());
  for (absl::string_view kind : absl::StrSplit(text, ',')) {
    if (valid.count(std::string(kind)) == 0) {
      return absl::InvalidArgumentError(
          absl::StrCat("unknown fault kind '", kind,
                       "'; use swarm, none, all or a list of: ",
                       absl::StrJoin(FaultKinds(), ",")));
    }
    out.kinds.insert(std::string(kind));
  }
  return out;
}

// The engine's configuration varies per seed too, from a stream of its own,
// so it does not move the fault draws.
void DeriveEngineConfig(uint64_t seed, SimOptions& o) {
  Random random = Random::ForStream(seed, "engine_config");
  o.kv_lease_reads = !random.OneIn(4);
  // Sometimes small: snapshots and their installation on lagging followers.
  o.kv_snapshot_interval_entries = random.OneIn(3)
                                       ? random.UniformRange(8, 64)
                                       : random.UniformRange(100, 1000);
  // Sometimes shorter than an operation can take: pins must then protect
  // in-flight reads from compaction.
  o.kv_compaction_retention_ns =
      random.OneIn(3) ? LogUniformNs(random, 20'000'000, 500'000'000)
                      : LogUniformNs(random, 1'000'000'000, 5'000'000'000);
  o.kv_compaction_interval_ns =
      std::max<int64_t>(10'000'000, o.kv_compaction_retention_ns / 3);
  // Mostly the cheaper mode; sometimes followers learn commits at once.
  o.kv_broadcast_commit = random.OneIn(4);
  o.kv_skip_busy_heartbeats = !random.OneIn(4);
}

SimOptions DeriveOptions(uint64_t seed, const FaultSelection& faults,
                         const SimOptions& base) {
  Random random = Random::ForStream(seed, "swarm");
  std::map<std::string, bool> on;
  for (const std::string& kind : FaultKinds()) {
    const bool coin = random.OneIn(2);
    switch (faults.mode) {
      case FaultSelection::Mode::kSwarm:
        on[kind] = coin;
        break;
      case FaultSelection::Mode::kNone:
        on[kind] = false;
        break;
      case FaultSelection::Mode::kAll:
        on[kind] = true;
        break;
      case FaultSelection::Mode::kList:
        on[kind] = faults.kinds.count(kind) > 0;
        break;
    }
  }
  SimOptions o = base;
  // Every draw happens whatever is on, so each kind's values depend only on
  // the seed.
  const int64_t delay_mean = LogUniformNs(random, 200'000, 20'000'000);
  const double loss = LogUniform(random, 1e-3, 0.1);
  const double duplicate = LogUniform(random, 1e-3, 0.05);
  const double torn = 0.2 + 0.8 * random.UnitDouble();
  const double corrupt_write = LogUniform(random, 1e-4, 1e-2);
  const double corrupt_read = LogUniform(random, 1e-4, 1e-2);
  const double sync_fail = LogUniform(random, 1e-3, 5e-2);
  const int64_t latency = LogUniformNs(random, 10'000, 5'000'000);
  const int64_t drift = random.UniformRange(1, 200);
  const double offset_share = 0.1 + 0.9 * random.UnitDouble();
  const double site_rate = 0.1 + 0.4 * random.UnitDouble();
  const double fire_rate = LogUniform(random, 0.01, 0.25);
  const int64_t interval = LogUniformNs(random, 50'000'000, 1'000'000'000);
  const int64_t fault_max = LogUniformNs(random, 100'000'000, 3'000'000'000);

  if (on["net_delay"]) o.net_delay_ns_mean = delay_mean;
  o.net_loss_rate = on["net_loss"] ? loss : 0;
  o.net_duplicate_rate = on["net_duplicate"] ? duplicate : 0;
  o.nemesis_clog = on["net_clog"];
  o.nemesis_partition_halves = on["partition_halves"];
  o.nemesis_partition_isolate = on["partition_isolate"];
  o.nemesis_partition_leader = on["partition_leader"];
  o.nemesis_partition_bridge = on["partition_bridge"];
  o.nemesis_partition_oneway = on["partition_oneway"];
  o.nemesis_crash = on["process_crash"];
  o.nemesis_pause = on["process_pause"];
  o.disk_torn_write_rate = on["disk_torn"] ? torn : 0;
  o.disk_corrupt_write_rate = on["disk_corrupt_write"] ? corrupt_write : 0;
  o.disk_corrupt_read_rate = on["disk_corrupt_read"] ? corrupt_read : 0;
  o.disk_sync_fail_rate = on["disk_sync_fail"] ? sync_fail : 0;
  o.nemesis_disk_full = on["disk_full"];
  // Torn writes: unsynced appends torn at crashes, and power cuts in the
  // middle of an append, which tear the WAL's tail.
  o.nemesis_crash_in_write = on["disk_torn"];
  o.nemesis_transfer_leader = on["leader_transfer"];
  o.disk_latency_ns_max = on["disk_latency"] ? latency : 0;
  o.clock_drift_ppm_max = on["clock_drift"] ? drift : 0;
  o.clock_offset_ns_initial_max =
      on["clock_offset"]
          ? static_cast<int64_t>(offset_share *
                                 static_cast<double>(o.clock_offset_ns_max))
          : 0;
  o.nemesis_clock_jump = on["clock_jump"];
  o.buggify_site_rate = on["buggify"] ? site_rate : 0;
  o.buggify_fire_rate = on["buggify"] ? fire_rate : 0;
  DeriveEngineConfig(seed, o);
  o.nemesis_interval_ns_mean = interval;
  o.nemesis_fault_ns_max = fault_max;
  return o;
}

std::vector<std::string> EnabledFaultKinds(const SimOptions& o) {
  const bool on[] = {
      o.net_delay_ns_mean != SimOptions{}.net_delay_ns_mean,
      o.net_loss_rate > 0,
      o.net_duplicate_rate > 0,
      o.nemesis_clog,
      o.nemesis_partition_halves,
      o.nemesis_partition_isolate,
      o.nemesis_partition_leader,
      o.nemesis_partition_bridge,
      o.nemesis_partition_oneway,
      o.nemesis_crash,
      o.nemesis_pause,
      o.disk_torn_write_rate > 0 || o.nemesis_crash_in_write,
      o.disk_corrupt_write_rate > 0,
      o.disk_corrupt_read_rate > 0,
      o.disk_sync_fail_rate > 0,
      o.nemesis_disk_full,
      o.disk_latency_ns_max > 0,
      o.clock_drift_ppm_max > 0,
      o.clock_offset_ns_initial_max > 0,
      o.nemesis_clock_jump,
      o.buggify_site_rate > 0 && o.buggify_fire_rate > 0,
      o.nemesis_transfer_leader,
  };
  std::vector<std::string> out;
  for (size_t i = 0; i < FaultKinds().size(); ++i) {
    if (on[i]) out.push_back(FaultKinds()[i]);
  }
  return out;
}

}  // namespace ekv::sim
