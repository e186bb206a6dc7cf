// Shrink: deterministic minimisation of a failing run, in the spirit of delta
// debugging.
//
// Starting from the flags of a failing seed, it tries smaller configurations
// one knob at a time and keeps each change under which the run still fails the
// same way (at least one of the original failed checks fails again, or it
// crashes again): first an explicit fault list instead of the swarm's coin
// flips, then fewer fault events (nemesis_faults_max), fewer fault kinds, less
// simulated time, fewer clients, fewer operations per client, fewer nodes.
// Passes repeat until one changes nothing or the run budget is spent. The same
// start gives the same result: every run is seeded.
//
// The runs themselves are a callback, so the search is testable without a
// cluster; the command line runs each candidate in a child process, so a crash
// is a result, not the end of the shrink.
#ifndef EKV_SIM_SHRINK_H_
#define EKV_SIM_SHRINK_H_

#include <cstdint>
#include <functional>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

namespace ekv::sim {

// Run flags as ordered (name, value) pairs, without the leading "--".
class FlagList {
 public:
  FlagList() = default;
  explicit FlagList(std::vector<std::pair<std::string, std::string>> flags)
      : flags_(std::move(flags)) {}

  std::optional<std::string> Get(const std::string& name) const;
  void Set(const std::string& name, const std::string& value);  // replaces all
  std::vector<std::string> Argv() const;  // --name value ...
  std::string Text() const;               // for a command line

 private:
  std::vector<std::pair<std::string, std::string>> flags_;
};

struct Attempt {
  bool failed = false;
  std::set<std::string>
      failures;         // failed check names, or "crashed", "timed_out"
  uint64_t ops = 0;     // client operations the run recorded
  uint64_t faults = 0;  // fault events injected
  int64_t simulated_ns = 0;
  std::string trace_hash;
};

// What the shrinker needs to know of the starting run's derived options.
struct ShrinkStart {
  FlagList flags;
  int64_t nodes = 3;
  int64_t clients = 1;
  int64_t duration_ns = 0;
  int64_t client_ops_max = 0;               // 0: the run has no such knob
  std::vector<std::string> fault_kinds_on;  // the kinds the seed switched on
};

struct ShrinkResult {
  Attempt original;
  Attempt smallest;
  FlagList smallest_flags;
  int runs = 0;
  std::vector<std::string> steps;  // what each kept change was
};

using RunAttempt = std::function<Attempt(const FlagList&)>;

// Requires that `start.flags` fail under `run` (the first run checks it; if it
// passes, the result's original.failed is false and nothing is shrunk).
ShrinkResult Shrink(const ShrinkStart& start, const RunAttempt& run,
                    int runs_max = 200);

}  // namespace ekv::sim

#endif  // EKV_SIM_SHRINK_H_
