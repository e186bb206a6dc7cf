// Seeded pseudo-random numbers with named streams (DESIGN.md, determinism rule
// 1).
//
// A run has one u64 seed. Each consumer draws from its own stream, whose seed
// is XXH64(stream name, run seed): adding draws to one stream never shifts
// another, so a change in the network's use of randomness does not reshuffle
// the disk's faults. The generator is xoshiro256** seeded through splitmix64:
// fast, 256 bits of state, and identical on every platform. Not for
// cryptography. Not thread-safe: one owner each.
#ifndef EKV_ENGINE_BASE_RANDOM_H_
#define EKV_ENGINE_BASE_RANDOM_H_

#include <cstdint>
#include <limits>
#include <utility>
#include <vector>

#include "absl/strings/string_view.h"

namespace ekv {

// The seed of stream `name` in a run of seed `run_seed`.
uint64_t StreamSeed(uint64_t run_seed, absl::string_view name);

class Random {
 public:
  using result_type = uint64_t;

  explicit Random(uint64_t seed);

  // The stream `name` of run `run_seed`.
  static Random ForStream(uint64_t run_seed, absl::string_view name) {
    return Random(StreamSeed(run_seed, name));
  }

  // A child stream named `name` under this stream's seed; does not draw from
  // this one.
  Random Fork(absl::string_view name) const { return ForStream(seed_, name); }

  uint64_t seed() const { return seed_; }

  uint64_t Next64();

  // Uniform in [0, n); n must be positive. Unbiased (Lemire's
  // multiply-and-reject).
  uint64_t Uniform(uint64_t n);

  // Uniform in [lo, hi], both ends included; lo <= hi.
  int64_t UniformRange(int64_t lo, int64_t hi);

  // Uniform in [0, 1) with 53 random bits.
  double UnitDouble();

  // True with probability p (p <= 0: never; p >= 1: always).
  bool Bernoulli(double p);

  // True with probability 1/n; n must be positive.
  bool OneIn(uint64_t n) { return Uniform(n) == 0; }

  // Exponentially distributed with the given mean (> 0).
  double Exponential(double mean);

  // Fisher-Yates, with this generator's draws only (std::shuffle's use of draws
  // is library-specific, so results could differ between standard libraries).
  template <typename T>
  void Shuffle(std::vector<T>& items) {
    for (size_t i = items.size(); i > 1; --i) {
      std::swap(items[i - 1], items[Uniform(i)]);
    }
  }

  // UniformRandomBitGenerator, for code that needs one.
  static constexpr uint64_t min() { return 0; }
  static constexpr uint64_t max() {
    return std::numeric_limits<uint64_t>::max();
  }
  uint64_t operator()() { return Next64(); }

 private:
  uint64_t seed_;
  uint64_t state_[4];
};

}  // namespace ekv

#endif  // EKV_ENGINE_BASE_RANDOM_H_
