// Planted bugs: known defects of systems of this design, compiled into the
// engine behind a run-time switch that only the simulator turns on (`ekv-sim
// run --bug NAME`). They prove the harness: a sweep must catch each one within
// a stated seed budget. The real server never builds a PlantedBugs, so every
// check below is false there.
//
//   if (EKV_PLANTED_BUG(env_.bugs, kCommitFromOlderTerm)) { /* the wrong rule
//   */ }
#ifndef EKV_ENGINE_BASE_PLANTED_BUGS_H_
#define EKV_ENGINE_BASE_PLANTED_BUGS_H_

#include <bitset>
#include <cstdint>
#include <optional>
#include <string>

#include "absl/strings/string_view.h"

namespace ekv {

enum class PlantedBug : uint8_t {
  kLeaseAfterStepDown,     // lease reads served after leadership was lost
  kLeaseTooLong,           // lease not shortened by the clock-error margin
  kCommitFromOlderTerm,    // commit counted from entries of an older term
  kVoteWithoutLogCheck,    // vote granted without the up-to-date log check
  kHlcWithoutCeilingWait,  // new leader issues timestamps before the committed
                           // ceiling
  kFollowerReadTimestamp,  // read timestamp from a follower's local last commit
  kTxnReadSetNotValidated,  // commit ignores the read set (write skew, G2)
  kWalAckBeforeSync,        // WAL entries acknowledged before they are synced
  kReadIndexBeforeTermCommit,  // ReadIndex served before the leader committed
                               // in its term
  kRetryAppliedTwice,          // a retried ambiguous commit is applied again
  kSnapshotDropsLaterEntries,  // snapshot install drops log entries after its
                               // index
  kCompactionBelowPinnedRead,  // compaction ignores pinned read timestamps
  kCount,
};

inline constexpr size_t kPlantedBugCount =
    static_cast<size_t>(PlantedBug::kCount);

struct PlantedBugInfo {
  PlantedBug bug;
  absl::string_view name;     // the --bug flag's value
  absl::string_view summary;  // one line for `ekv-sim bugs`
};

const PlantedBugInfo& GetPlantedBugInfo(PlantedBug bug);
std::optional<PlantedBug> PlantedBugByName(absl::string_view name);

class PlantedBugs {
 public:
  PlantedBugs() = default;
  explicit PlantedBugs(PlantedBug bug) { Enable(bug); }
  void Enable(PlantedBug bug) { on_.set(static_cast<size_t>(bug)); }
  bool has(PlantedBug bug) const { return on_.test(static_cast<size_t>(bug)); }
  bool any() const { return on_.any(); }
  // The names of the bugs that are on, comma-separated; "none" when none.
  std::string Names() const;

 private:
  std::bitset<kPlantedBugCount> on_;
};

}  // namespace ekv

#define EKV_PLANTED_BUG(bugs, bug) \
  ((bugs) != nullptr && (bugs)->has(::ekv::PlantedBug::bug))

#endif  // EKV_ENGINE_BASE_PLANTED_BUGS_H_
