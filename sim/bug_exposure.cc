#include "sim/bug_exposure.h"

#include <array>

#include "absl/strings/str_split.h"
#include "engine/base/check.h"

namespace ekv::sim {
namespace {

constexpr std::array<BugExposure, kPlantedBugCount> kExposures = {{
    {PlantedBug::kLeaseAfterStepDown, "--workload register", 200,
     "a deposed leader must still think its lease valid while a new leader "
     "takes writes: partitions of the leader under the swarm"},
    {PlantedBug::kLeaseTooLong, "--workload register", 200,
     "a lease that outlives the election timeout lets the old leader read "
     "while a new one writes"},
    {PlantedBug::kCommitFromOlderTerm, "--workload register", 200,
     "Raft's Figure 8: leaders that crash between replicating an old entry "
     "and their own"},
    {PlantedBug::kVoteWithoutLogCheck, "--workload register", 200,
     "a candidate with a short log wins and overwrites committed entries"},
    {PlantedBug::kHlcWithoutCeilingWait,
     "--workload register --faults "
     "clock_jump,clock_offset,process_crash,partition_leader,disk_latency "
     "--clock_beyond_bound true",
     200,
     "the ceiling only matters when clocks disagree by more than an "
     "election takes: beyond the clock bound, with restarts that forget the "
     "HLC, and plain writes that do not wait for a read barrier"},
    {PlantedBug::kFollowerReadTimestamp, "--workload register", 200,
     "any follower that lags serves a stale read"},
    {PlantedBug::kTxnReadSetNotValidated, "--workload list-append", 200,
     "concurrent read-append transactions on a few keys: write skew"},
    {PlantedBug::kWalAckBeforeSync, "--workload register", 200,
     "crashes that lose unsynced writes a quorum was counted on"},
    {PlantedBug::kReadIndexBeforeTermCommit, "--workload register", 200,
     "a new leader that does not yet know the last commit serves a read"},
    {PlantedBug::kRetryAppliedTwice, "--workload list-append", 200,
     "client retries after timeouts: the element appears twice"},
    {PlantedBug::kSnapshotDropsLaterEntries, "--workload register", 200,
     "snapshots sent to followers that hold later entries"},
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
