#include "sim/bug_exposure.h"

#include <array>

#include "absl/strings/str_split.h"
#include "engine/base/check.h"

namespace ekv::sim {
namespace {

constexpr std::array<BugExposure, kPlantedBugCount> kExposures = {{
    {PlantedBug::kLeaseAfterStepDown,
     "--workload register --faults leader_transfer,partition_leader,net_delay",
     200,
     "a leadership transfer lets the new leader win and take writes before "
     "the old leader's lease would have run out"},
    {PlantedBug::kLeaseTooLong, "--workload register", 200,
     "a lease that outlives the election timeout lets the old leader read "
     "while a new one writes"},
    {PlantedBug::kCommitFromOlderTerm,
     "--workload register --nodes 5 --faults "
     "process_crash,partition_leader,buggify,net_loss --buggify_site_rate 1 "
     "--buggify_fire_rate 0.5",
     200,
     "Raft's Figure 8: new leaders catch followers up one entry per message "
     "(BUGGIFY), so an old entry reaches a quorum before the leader's own; "
     "raft_invariants' commit rule sees the leader commit it"},
    {PlantedBug::kVoteWithoutLogCheck, "--workload register", 200,
     "a candidate with a short log wins and overwrites committed entries"},
    {PlantedBug::kHlcWithoutCeilingWait,
     "--workload register --faults "
     "clock_jump,clock_offset,leader_transfer,disk_latency "
     "--disk_latency_ns_max 20000000 --clock_beyond_bound true",
     200,
     "the ceiling only matters when clocks disagree by more than a leader "
     "change takes: beyond the clock bound, leadership transfers, and slow "
     "disks that hold back the new leader's first commit while plain writes "
     "(no read barrier) get timestamps"},
    {PlantedBug::kFollowerReadTimestamp, "--workload register", 200,
     "any follower that lags serves a stale read"},
    {PlantedBug::kTxnReadSetNotValidated, "--workload list-append", 200,
     "concurrent read-append transactions on a few keys: write skew"},
    {PlantedBug::kWalAckBeforeSync, "--workload register", 200,
     "crashes that lose unsynced writes a quorum was counted on"},
    {PlantedBug::kReadIndexBeforeTermCommit,
     "--workload register --faults partition_leader,disk_latency "
     "--disk_latency_ns_max 20000000 --nemesis_interval_ns_mean 200000000 "
     "--kv_lease_reads false",
     200,
     "a new leader that does not yet know the last commit serves a read: "
     "slow disks delay its no-op's commit past a heartbeat round, and "
     "ReadIndex (no leases) serves the read in between"},
    {PlantedBug::kRetryAppliedTwice, "--workload list-append", 200,
     "client retries after timeouts: the element appears twice"},
    {PlantedBug::kSnapshotDropsLaterEntries,
     "--workload register --faults buggify,net_delay --buggify_site_rate 1 "
     "--buggify_fire_rate 0.3 --kv_snapshot_interval_entries 8",
     200,
     "snapshots sent to probing followers that hold later entries "
     "(BUGGIFY); raft_invariants sees a committed entry leave a log"},
    {PlantedBug::kCompactionBelowPinnedRead, "--workload bank", 200,
     "reads that hold a snapshot longer than the retention"},
}};

}  // namespace

const BugExposure& GetBugExposure(PlantedBug bug) {
  const auto index = static_cast<size_t>(bug);
  EKV_CHECK_LT(index, kPlantedBugCount);
  EKV_CHECK(kExposures[index].bug == bug) << "kExposures is out of enum order";
  return kExposures[index];
}

std::vector<std::string> ExposingFlags(const PlantedBugs& bugs) {
  std::vector<std::string> flags;
  for (const BugExposure& exposure : kExposures) {
    if (!bugs.has(exposure.bug)) continue;
    for (absl::string_view flag :
         absl::StrSplit(exposure.flags, ' ', absl::SkipEmpty())) {
      flags.emplace_back(flag);
    }
  }
  return flags;
}

}  // namespace ekv::sim
