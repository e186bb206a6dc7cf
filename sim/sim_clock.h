// A node's simulated clocks: a monotonic clock and a wall clock computed from
// virtual time, with a per-node rate error (drift, in parts per million), a
// wall-clock error (offset) and jumps of that error.
//
// Model, for a node whose local virtual time is t (nanoseconds since the run
// began):
//   monotonic(t) = mono_origin + t + t * drift_ppm / 1e6
//   wall(t)      = epoch + t + error(t)
//   error(t)     = clamp(offset + (t - offset_set_at) * drift_ppm / 1e6,
//                        -offset_ns_max, +offset_ns_max)
// The clamp stands for the clock discipline (NTP) that keeps a real wall clock
// within a bound of true time; the bound is clock_offset_ns_max in safety-mode
// runs, and larger when a run is marked beyond the clock bound. The monotonic
// clock never jumps and never decreases; the wall clock jumps when the nemesis
// sets a new offset. All arithmetic is integer, so every platform agrees.
#ifndef EKV_SIM_SIM_CLOCK_H_
#define EKV_SIM_SIM_CLOCK_H_

#include <cstdint>

#include "engine/base/clock.h"
#include "sim/scheduler.h"

namespace ekv::sim {

struct ClockParams {
  int64_t epoch_ns = 0;        // true wall time at virtual time 0
  int64_t mono_origin_ns = 0;  // the monotonic reading at virtual time 0
  int64_t drift_ppm = 0;       // rate error; |drift_ppm| < 1'000'000
  int64_t offset_ns = 0;       // wall-clock error at virtual time 0
  int64_t offset_ns_max = 0;   // the clamp on the wall-clock error
};

class SimClock final : public Clock {
 public:
  SimClock(LocalTime time, const ClockParams& params);

  int64_t MonotonicNanos() override { return MonotonicAt(time_.now_ns()); }
  int64_t WallNanos() override { return WallAt(time_.now_ns()); }

  int64_t MonotonicAt(int64_t t_ns) const;
  int64_t WallAt(int64_t t_ns) const;
  // wall(t) - (epoch + t): how far this node's wall clock is from true time.
  int64_t WallErrorAt(int64_t t_ns) const;
  int64_t WallErrorNow() const { return WallErrorAt(time_.now_ns()); }

  // Makes the wall-clock error `offset_ns` from now on (clamped): a jump.
  void JumpWall(int64_t offset_ns);

  // The least virtual delay after local time `t_ns` by which this clock's
  // monotonic reading has advanced by at least `mono_delay_ns` (>= 0).
  int64_t VirtualDelay(int64_t t_ns, int64_t mono_delay_ns) const;

  const ClockParams& params() const { return params_; }

 private:
  LocalTime time_;
  ClockParams params_;
  int64_t offset_set_at_ns_ = 0;
};

}  // namespace ekv::sim

#endif  // EKV_SIM_SIM_CLOCK_H_
