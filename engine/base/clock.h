// Time and timers, the engine's only way to learn the time or to wait.
//
// The simulator implements these with virtual time (per-node offset, drift and
// jumps); the server with CLOCK_MONOTONIC, CLOCK_REALTIME and timerfd. Engine
// code must never read a clock any other way (DESIGN.md, determinism rule 5).
//
// Callbacks run on the node's own event loop, one at a time, never from inside
// StartTimer. A crashed node's timers are gone: a restarted node starts with
// none.
#ifndef EKV_ENGINE_BASE_CLOCK_H_
#define EKV_ENGINE_BASE_CLOCK_H_

#include <cstdint>
#include <functional>

namespace ekv {

inline constexpr int64_t kNanosPerMicro = 1'000;
inline constexpr int64_t kNanosPerMilli = 1'000'000;
inline constexpr int64_t kNanosPerSecond = 1'000'000'000;

class Clock {
 public:
  virtual ~Clock() = default;

  // Nanoseconds since an unspecified origin. Never decreases; may run a little
  // fast or slow (drift), but never jumps.
  virtual int64_t MonotonicNanos() = 0;

  // Nanoseconds since the Unix epoch by this node's wall clock. May jump either
  // way and differ from other nodes' by up to the deployment's clock-error
  // bound.
  virtual int64_t WallNanos() = 0;
};

using TimerId = uint64_t;
inline constexpr TimerId kNoTimer = 0;

class Timers {
 public:
  virtual ~Timers() = default;

  // Runs `callback` once, after `delay_nanos` (>= 0) have passed on this node's
  // monotonic clock. Returns an id that is never kNoTimer and never reused.
  virtual TimerId StartTimer(int64_t delay_nanos,
                             std::function<void()> callback) = 0;

  // Cancels a timer that has not fired. Cancelling a fired, cancelled or
  // unknown timer does nothing.
  virtual void CancelTimer(TimerId id) = 0;
};

}  // namespace ekv

#endif  // EKV_ENGINE_BASE_CLOCK_H_
