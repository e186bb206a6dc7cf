#include "sim/sim_clock.h"

#include <algorithm>

#include "engine/base/check.h"

namespace ekv::sim {
namespace {

constexpr int64_t kMillion = 1'000'000;

// floor(span * ppm / 1e6) without overflow.
int64_t Scale(int64_t span_ns, int64_t ppm) {
  // Nearly always the product fits in 64 bits, where dividing by a constant
  // is a multiplication; 128-bit division is a library call (hot: clocks are
  // read at every event).
  int64_t narrow;
  if (!__builtin_mul_overflow(span_ns, ppm, &narrow)) {
    int64_t quotient = narrow / kMillion;
    if (narrow % kMillion != 0 && narrow < 0) --quotient;
    return quotient;
  }
  const __int128 product = static_cast<__int128>(span_ns) * ppm;
  __int128 quotient = product / kMillion;
  if (product % kMillion != 0 && product < 0) --quotient;
  return static_cast<int64_t>(quotient);
}

}  // namespace

SimClock::SimClock(LocalTime time, const ClockParams& params)
    : time_(time), params_(params) {
  EKV_CHECK_LT(params.drift_ppm, kMillion);
  EKV_CHECK_GT(params.drift_ppm, -kMillion);
  EKV_CHECK_GE(params.offset_ns_max, 0);
}

int64_t SimClock::MonotonicAt(int64_t t_ns) const {
  return params_.mono_origin_ns + t_ns + Scale(t_ns, params_.drift_ppm);
}

int64_t SimClock::WallErrorAt(int64_t t_ns) const {
  const int64_t error =
      params_.offset_ns + Scale(t_ns - offset_set_at_ns_, params_.drift_ppm);
  return std::clamp(error, -params_.offset_ns_max, params_.offset_ns_max);
}

int64_t SimClock::WallAt(int64_t t_ns) const {
  return params_.epoch_ns + t_ns + WallErrorAt(t_ns);
}

void SimClock::JumpWall(int64_t offset_ns) {
  params_.offset_ns =
      std::clamp(offset_ns, -params_.offset_ns_max, params_.offset_ns_max);
  offset_set_at_ns_ = time_.now_ns();
}

int64_t SimClock::VirtualDelay(int64_t t_ns, int64_t mono_delay_ns) const {
  EKV_CHECK_GE(mono_delay_ns, 0);
  const int64_t start = MonotonicAt(t_ns);
  // The inverse of the rate, then a step or two up to absorb rounding.
  int64_t delay =
      static_cast<int64_t>(static_cast<__int128>(mono_delay_ns) * kMillion /
                           (kMillion + params_.drift_ppm));
  while (delay > 0 && MonotonicAt(t_ns + delay - 1) - start >= mono_delay_ns) {
    --delay;
  }
  while (MonotonicAt(t_ns + delay) - start < mono_delay_ns) ++delay;
  return delay;
}

}  // namespace ekv::sim
