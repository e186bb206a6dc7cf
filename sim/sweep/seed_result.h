// SeedResult: what a sweep records of one seed, as one JSON line of
// results.jsonl.
//
//   {"seed":17,"verdict":"failed","failed_checks":["linearizability"],
//    "trace_hash":"9d0fed58e2614f80","events":19163,"simulated_ns":20000000000,
//    "wall_us":8123,"faults":225,"ops":410,"beyond_fault_model":false,"determinism":"ok",
//    "probes":{"leader_change":3,...},"how":"","stderr_tail":"",
//    "replay":"./ekv sim replay --seed 17 --workload register"}
//
// verdict is passed | failed (a check failed) | crashed (the run died: an
// assertion, a signal) | timed_out (the worker was killed). Numbers are
// integers only, so the strict JSON reader of checkers/json.h reads every line
// back; `ekv-sim merge` does.
#ifndef EKV_SIM_SWEEP_SEED_RESULT_H_
#define EKV_SIM_SWEEP_SEED_RESULT_H_

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace ekv::sweep {

enum class Verdict { kPassed, kFailed, kCrashed, kTimedOut };

absl::string_view VerdictName(Verdict verdict);

struct SeedResult {
  uint64_t seed = 0;
  Verdict verdict = Verdict::kPassed;
  std::vector<std::string> failed_checks;  // names of the checks that failed
  std::string trace_hash;                  // 16 hex digits; empty if it crashed
  uint64_t events = 0;
  uint64_t simulated_ns = 0;
  uint64_t wall_us = 0;
  uint64_t faults = 0;  // fault events injected
  uint64_t ops = 0;     // client operations recorded
  bool beyond_fault_model = false;
  std::string determinism = "not_run";     // not_run | ok | failed
  std::map<std::string, uint64_t> probes;  // coverage probe hits by name
  std::string how;          // how a crashed or timed-out run ended
  std::string stderr_tail;  // its last words
  std::string replay;       // the command that replays the seed

  bool ok() const { return verdict == Verdict::kPassed; }
};

std::string ToJsonLine(const SeedResult& result);

// Reads one line written by ToJsonLine; errors name `source` (file:line).
absl::StatusOr<SeedResult> ParseSeedResult(absl::string_view line,
                                           absl::string_view source);

}  // namespace ekv::sweep

#endif  // EKV_SIM_SWEEP_SEED_RESULT_H_
