// The options of one simulated run: every bound, rate and switch, each with
// its unit in its name.
//
// A run's options come from its seed (swarm testing, sim/swarm.h), then from
// command-line overrides; all of them are printed at the start of the run, as
// readable lines and as one JSON line, so a run can be replayed from what it
// printed. Adding an option: add the field with its default, then one line in
// VisitOptions; printing, parsing and the CLI pick it up from there.
#ifndef EKV_SIM_OPTIONS_H_
#define EKV_SIM_OPTIONS_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "disk/sim_disk.h"
#include "network/sim_network.h"

namespace ekv::sim {

struct SimOptions {
  // The cluster and the run's bounds.
  int64_t nodes = 3;
  int64_t clients = 5;
  // Each client issues at most this many operations (shrinking lowers it).
  int64_t client_ops_max = 1'000'000;
  int64_t duration_ns = 20 * 1'000'000'000LL;       // simulated time of the run
  int64_t liveness_phase_ns = 5 * 1'000'000'000LL;  // healed tail of the run
  int64_t events_max = 50'000'000;  // the run stops after this many events
  int64_t epoch_ns = 1'704'067'200LL * 1'000'000'000LL;  // 2024-01-01 UTC

  // Network (network/sim_network.h).
  int64_t net_delay_ns_min = 100'000;
  int64_t net_delay_ns_mean = 400'000;
  double net_loss_rate = 0;
  double net_duplicate_rate = 0;
  int64_t net_path_capacity_messages = 4096;

  // Disk (disk/sim_disk.h).
  int64_t disk_capacity_bytes = int64_t{1} << 30;
  int64_t disk_latency_ns_max = 0;
  double disk_corrupt_write_rate = 0;
  double disk_corrupt_read_rate = 0;
  double disk_sync_fail_rate = 0;
  double disk_torn_write_rate = 0;
  // Corruption may hit every node, so no quorum need keep a record intact.
  bool disk_corruption_beyond_quorum = false;

  // Clocks (sim/sim_clock.h). clock_offset_ns_max is the deployment's bound on
  // |wall clock - true time| that the engine's lease margin reads; safety-mode
  // runs stay within it.
  int64_t clock_offset_ns_max = 10'000'000;
  int64_t clock_offset_ns_initial_max = 0;  // initial offsets, within +-this
  int64_t clock_drift_ppm_max = 0;          // rate error of each node
  bool clock_beyond_bound = false;  // offsets may exceed clock_offset_ns_max
  int64_t clock_beyond_offset_ns_max = 1'000'000'000;  // ... up to this

  // Nemesis (sim/nemesis.h): how often a fault starts, how long it lasts, and
  // which kinds it may start.
  int64_t nemesis_interval_ns_mean = 500'000'000;
  int64_t nemesis_fault_ns_max = 2'000'000'000;
  // The nemesis starts at most this many faults (shrinking lowers it).
  int64_t nemesis_faults_max = 1'000'000;
  bool nemesis_partition_halves = false;
  bool nemesis_partition_isolate = false;
  bool nemesis_partition_leader = false;
  bool nemesis_partition_bridge = false;
  bool nemesis_partition_oneway = false;
  bool nemesis_clog = false;
  bool nemesis_crash = false;
  bool nemesis_pause = false;
  bool nemesis_clock_jump = false;
  bool nemesis_disk_full = false;
  // The power fails during a node's disk append: the append tears.
  bool nemesis_crash_in_write = false;
  // The leader is asked to hand its leadership to another node (where the
  // run's harness can ask it: KV runs; the toy cluster has no leader).
  bool nemesis_transfer_leader = false;

  // BUGGIFY (engine/base/buggify.h); 0 turns it off.
  double buggify_site_rate = 0;  // a site is on for the run with this chance
  double buggify_fire_rate = 0;  // an enabled site fires with this chance

  // The KV engine's configuration in a KV run (sim/kv_run.h), varied per seed
  // like the faults, so sweeps cover more of the engine's modes.
  bool kv_lease_reads = true;  // else ReadIndex only
  // Raft's broadcast_commit (engine/raft/config.h): else commit indexes
  // reach followers with the next append or heartbeat.
  bool kv_broadcast_commit = false;
  // Raft's skip_heartbeats_to_busy_followers (engine/raft/config.h).
  bool kv_skip_busy_heartbeats = true;
  int64_t kv_snapshot_interval_entries = 200;  // log entries between snapshots
  int64_t kv_compaction_interval_ns = 1'000'000'000;
  int64_t kv_compaction_retention_ns = 3'000'000'000;  // MVCC history kept

  NetworkOptions network() const;
  DiskOptions disk() const;
  int64_t faults_end_ns() const { return duration_ns - liveness_phase_ns; }
  bool beyond_fault_model() const;
  // Why the run is outside the fault model (empty when it is inside).
  std::vector<std::string> beyond_fault_model_reasons() const;
};

// Calls visitor(name, field) for every option, in a fixed order. Fields are
// int64_t, double or bool.
template <typename Options, typename Visitor>
void VisitOptions(Options& o, Visitor&& v) {
  v("nodes", o.nodes);
  v("clients", o.clients);
  v("client_ops_max", o.client_ops_max);
  v("duration_ns", o.duration_ns);
  v("liveness_phase_ns", o.liveness_phase_ns);
  v("events_max", o.events_max);
  v("epoch_ns", o.epoch_ns);
  v("net_delay_ns_min", o.net_delay_ns_min);
  v("net_delay_ns_mean", o.net_delay_ns_mean);
  v("net_loss_rate", o.net_loss_rate);
  v("net_duplicate_rate", o.net_duplicate_rate);
  v("net_path_capacity_messages", o.net_path_capacity_messages);
  v("disk_capacity_bytes", o.disk_capacity_bytes);
  v("disk_latency_ns_max", o.disk_latency_ns_max);
  v("disk_corrupt_write_rate", o.disk_corrupt_write_rate);
  v("disk_corrupt_read_rate", o.disk_corrupt_read_rate);
  v("disk_sync_fail_rate", o.disk_sync_fail_rate);
  v("disk_torn_write_rate", o.disk_torn_write_rate);
  v("disk_corruption_beyond_quorum", o.disk_corruption_beyond_quorum);
  v("clock_offset_ns_max", o.clock_offset_ns_max);
  v("clock_offset_ns_initial_max", o.clock_offset_ns_initial_max);
  v("clock_drift_ppm_max", o.clock_drift_ppm_max);
  v("clock_beyond_bound", o.clock_beyond_bound);
  v("clock_beyond_offset_ns_max", o.clock_beyond_offset_ns_max);
  v("nemesis_interval_ns_mean", o.nemesis_interval_ns_mean);
  v("nemesis_fault_ns_max", o.nemesis_fault_ns_max);
  v("nemesis_faults_max", o.nemesis_faults_max);
  v("nemesis_partition_halves", o.nemesis_partition_halves);
  v("nemesis_partition_isolate", o.nemesis_partition_isolate);
  v("nemesis_partition_leader", o.nemesis_partition_leader);
  v("nemesis_partition_bridge", o.nemesis_partition_bridge);
  v("nemesis_partition_oneway", o.nemesis_partition_oneway);
  v("nemesis_clog", o.nemesis_clog);
  v("nemesis_crash", o.nemesis_crash);
  v("nemesis_pause", o.nemesis_pause);
  v("nemesis_clock_jump", o.nemesis_clock_jump);
  v("nemesis_disk_full", o.nemesis_disk_full);
  v("nemesis_crash_in_write", o.nemesis_crash_in_write);
  v("nemesis_transfer_leader", o.nemesis_transfer_leader);
  v("buggify_site_rate", o.buggify_site_rate);
  v("buggify_fire_rate", o.buggify_fire_rate);
  v("kv_lease_reads", o.kv_lease_reads);
  v("kv_broadcast_commit", o.kv_broadcast_commit);
  v("kv_skip_busy_heartbeats", o.kv_skip_busy_heartbeats);
  v("kv_snapshot_interval_entries", o.kv_snapshot_interval_entries);
  v("kv_compaction_interval_ns", o.kv_compaction_interval_ns);
  v("kv_compaction_retention_ns", o.kv_compaction_retention_ns);
}

// Checks bounds and consistency (rates in [0, 1], nodes >= 1, ...).
absl::Status ValidateOptions(const SimOptions& options);

// Sets option `name` from text. Integers accept a unit suffix where the name
// has one: "_ns" options take 250ms, 2s, 10us, 5ns; "_bytes" options take
// 4k, 64m, 1g. Booleans take true/false/1/0. Unknown names and bad values
// are errors that name the option.
absl::Status SetOption(SimOptions& options, absl::string_view name,
                       absl::string_view value);
bool IsOptionName(absl::string_view name);
std::vector<std::string> OptionNames();

// "name = value" lines, in VisitOptions order.
std::vector<std::string> OptionLines(const SimOptions& options);
// One JSON object, the run seed first: {"seed":1,"nodes":3,...}
std::string OptionsJson(uint64_t seed, const SimOptions& options);

}  // namespace ekv::sim

#endif  // EKV_SIM_OPTIONS_H_
