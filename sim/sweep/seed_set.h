// Which seeds a sweep runs: a range `A..B` (both included), optionally one
// shard `K/N` of it, so a sweep can be spread over machines by an existing
// scheduler: shard K (0 <= K < N) takes the seeds A+K, A+K+N, A+K+2N, ...
// (Kubernetes' JOB_COMPLETION_INDEX and Slurm's SLURM_ARRAY_TASK_ID with
// --array=0-(N-1) give K directly).
#ifndef EKV_SIM_SWEEP_SEED_SET_H_
#define EKV_SIM_SWEEP_SEED_SET_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace ekv::sweep {

struct SeedRange {
  uint64_t first = 0;
  uint64_t last = 0;  // included
};

struct Shard {
  uint64_t index = 0;  // K, 0-based
  uint64_t count = 1;  // N
};

// "A..B" with A <= B, or a single "A". At most `seeds_max` seeds.
absl::StatusOr<SeedRange> ParseSeedRange(absl::string_view text,
                                         uint64_t seeds_max = 100'000'000);

// "K/N" with 0 <= K < N.
absl::StatusOr<Shard> ParseShard(absl::string_view text);

// The seeds of `shard` in `range`, ascending.
std::vector<uint64_t> SeedsOfShard(const SeedRange& range, const Shard& shard);

std::string FormatSeedRange(const SeedRange& range);
std::string FormatShard(const Shard& shard);

}  // namespace ekv::sweep

#endif  // EKV_SIM_SWEEP_SEED_SET_H_
