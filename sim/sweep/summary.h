// SweepSummary: what a person (and a tool) needs at the end of a sweep: how
// many seeds passed, failed, crashed or timed out; speed; which coverage probes
// the seeds reached (a probe no seed hit is flagged: the sweep never drove a
// cluster there); and every failure with the command that replays it. `ekv-sim
// sweep` and `ekv-sim merge` share it.
#ifndef EKV_SIM_SWEEP_SUMMARY_H_
#define EKV_SIM_SWEEP_SUMMARY_H_

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "sim/sweep/seed_result.h"

namespace ekv::sweep {

class SweepSummary {
 public:
  // Records one seed's result. A seed seen twice keeps its first result and
  // counts as a duplicate (a merge of overlapping shards); a second result with
  // a different trace hash is a determinism failure between the two runs.
  void Add(const SeedResult& result);

  uint64_t seeds() const { return results_.size(); }
  uint64_t failures()
      const;  // seeds that did not pass, plus hash disagreements
  uint64_t duplicates() const { return duplicates_; }
  const std::map<uint64_t, SeedResult>& results() const { return results_; }

  // Readable lines: counts, speed (when wall_seconds > 0), probes, failures.
  std::vector<std::string> Lines(double wall_seconds, int jobs) const;

  // One JSON line with the counts and per-probe seed counts.
  std::string Json(double wall_seconds) const;

 private:
  struct ProbeTally {
    uint64_t seeds = 0;
    uint64_t hits = 0;
  };
  std::map<std::string, ProbeTally> ProbeTallies() const;

  std::map<uint64_t, SeedResult> results_;  // by seed: output is in seed order
  uint64_t duplicates_ = 0;
  std::vector<std::string> hash_disagreements_;
};

}  // namespace ekv::sweep

#endif  // EKV_SIM_SWEEP_SUMMARY_H_
