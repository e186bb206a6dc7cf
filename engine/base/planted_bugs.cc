#include "engine/base/planted_bugs.h"

#include <array>

#include "absl/strings/str_cat.h"
#include "engine/base/check.h"

namespace ekv {
namespace {

constexpr std::array<PlantedBugInfo, kPlantedBugCount> kBugs = {{
    {PlantedBug::kLeaseAfterStepDown, "lease-after-step-down",
     "a deposed leader keeps serving lease reads (lease not invalidated on "
     "step-down)"},
    {PlantedBug::kLeaseTooLong, "lease-too-long",
     "the read lease is sized by the randomized election timeout's upper end "
     "(2x), not its minimum less the clock-error margin"},
    {PlantedBug::kCommitFromOlderTerm, "commit-old-term",
     "the leader commits entries of an older term by counting replicas"},
    {PlantedBug::kVoteWithoutLogCheck, "vote-no-log-check",
     "a vote is granted without checking that the candidate's log is up to "
     "date"},
    {PlantedBug::kHlcWithoutCeilingWait, "hlc-no-ceiling-wait",
     "a new leader issues HLC timestamps before applying the committed "
     "ceiling"},
    {PlantedBug::kFollowerReadTimestamp, "follower-read-ts",
     "a read timestamp is taken from a follower's local last commit, not the "
     "leader's"},
    {PlantedBug::kTxnReadSetNotValidated, "txn-no-read-validation",
     "a transaction's read set is not validated at commit (write skew, G2)"},
    {PlantedBug::kWalAckBeforeSync, "wal-ack-before-sync",
     "WAL entries are acknowledged to the leader before they are synced"},
    {PlantedBug::kReadIndexBeforeTermCommit, "readindex-before-term-commit",
     "ReadIndex is served before the new leader committed an entry of its "
     "term"},
    {PlantedBug::kRetryAppliedTwice, "retry-applied-twice",
     "a retried ambiguous commit is applied a second time (no deduplication)"},
    {PlantedBug::kSnapshotDropsLaterEntries, "snapshot-drops-entries",
     "installing a snapshot drops the follower's log entries after the "
     "snapshot index"},
    {PlantedBug::kCompactionBelowPinnedRead, "compact-below-pin",
     "compaction drops versions that a pinned read timestamp still needs"},
}};

}  // namespace

const PlantedBugInfo& GetPlantedBugInfo(PlantedBug bug) {
  const auto index = static_cast<size_t>(bug);
  EKV_CHECK_LT(index, kPlantedBugCount);
  EKV_CHECK(kBugs[index].bug == bug) << "kBugs is out of enum order";
  return kBugs[index];
}

std::optional<PlantedBug> PlantedBugByName(absl::string_view name) {
  for (const PlantedBugInfo& info : kBugs) {
    if (info.name == name) return info.bug;
  }
  return std::nullopt;
}

std::string PlantedBugs::Names() const {
  std::string names;
  for (const PlantedBugInfo& info : kBugs) {
    if (has(info.bug))
      absl::StrAppend(&names, names.empty() ? "" : ",", info.name);
  }
  return names.empty() ? "none" : names;
}

}  // namespace ekv
