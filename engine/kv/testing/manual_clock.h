// A clock that moves only when a test moves it.
#ifndef EKV_ENGINE_KV_TESTING_MANUAL_CLOCK_H_
#define EKV_ENGINE_KV_TESTING_MANUAL_CLOCK_H_

#include <cstdint>

#include "engine/base/clock.h"

namespace ekv::kv::testing {

class ManualClock final : public Clock {
 public:
  int64_t MonotonicNanos() override { return mono_ns; }
  int64_t WallNanos() override { return wall_ns; }
  void AdvanceMs(int64_t ms) {
    mono_ns += ms * kNanosPerMilli;
    wall_ns += ms * kNanosPerMilli;
  }
  int64_t mono_ns = 0;
  int64_t wall_ns = int64_t{1'700'000'000'000} * kNanosPerMilli;
};

}  // namespace ekv::kv::testing

#endif  // EKV_ENGINE_KV_TESTING_MANUAL_CLOCK_H_
