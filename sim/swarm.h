// Swarm testing: each seed switches every fault kind on or off and draws the
// rates of the kinds it switched on, so a sweep explores many different mixes
// of faults instead of one average one.
//
// Faults are chosen by name: "swarm" (each kind on with probability 1/2),
// "none", "all", or a comma-separated list of kinds. Draws come from the
// seed's "swarm" stream in a fixed order, whatever the selection, so the
// rates of a kind do not change when another kind is switched.
#ifndef EKV_SIM_SWARM_H_
#define EKV_SIM_SWARM_H_

#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "sim/options.h"

namespace ekv::sim {

struct FaultSelection {
  enum class Mode { kSwarm, kNone, kAll, kList };
  Mode mode = Mode::kSwarm;
  std::set<std::string> kinds;  // for kList
  std::string ToString() const;
};

// Every fault kind, in a fixed order: net_delay, net_loss, ...
const std::vector<std::string>& FaultKinds();

// "swarm" | "none" | "all" | "kind,kind,...". Unknown kinds are an error that
// lists the valid ones.
absl::StatusOr<FaultSelection> ParseFaultSelection(absl::string_view text);

// `base` with the fault kinds of `faults` switched on and their parameters
// drawn from `seed`; kinds switched off get no fault (rate 0, switch off).
SimOptions DeriveOptions(uint64_t seed, const FaultSelection& faults,
                         const SimOptions& base = {});

// The fault kinds the options switch on, by name.
std::vector<std::string> EnabledFaultKinds(const SimOptions& options);

}  // namespace ekv::sim

#endif  // EKV_SIM_SWARM_H_
