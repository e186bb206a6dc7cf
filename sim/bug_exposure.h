// How the simulator exposes each planted bug (engine/base/planted_bugs.h):
// the run flags under which a sweep catches it, and the seed budget it must
// be caught within (tests/planted_bugs_test.cc holds every bug to it).
//
// `ekv-sim run --bug NAME` applies the bug's flags before the command line's
// own, so a flag given on the command line wins: `--bug NAME --faults swarm`
// runs the bug under the plain swarm. Every bug's flags name a workload.
#ifndef EKV_SIM_BUG_EXPOSURE_H_
#define EKV_SIM_BUG_EXPOSURE_H_

#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "engine/base/planted_bugs.h"

namespace ekv::sim {

struct BugExposure {
  PlantedBug bug;
  // Space-separated run flags, e.g. "--workload register --faults swarm".
  absl::string_view flags;
  // Seeds 1..seed_budget must include a failing one.
  int seed_budget;
  // Why these flags: the schedule that lets the defect show.
  absl::string_view why;
};

const BugExposure& GetBugExposure(PlantedBug bug);

// The flags of every bug that `bugs` switches on, in the enum's order.
std::vector<std::string> ExposingFlags(const PlantedBugs& bugs);

}  // namespace ekv::sim

#endif  // EKV_SIM_BUG_EXPOSURE_H_
