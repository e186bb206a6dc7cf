// The hybrid logical clock that issues every commit timestamp.
//
// Layout: high 48 bits wall-clock milliseconds since the Unix epoch, low 16
// bits a logical counter. The counter restarts at 0 when the millisecond
// advances; when it would overflow, the millisecond is bumped by one.
//
// Raft-agreed ceiling (the safety of timestamps across leaders):
// - The leader proposes, every renewal interval, an HLC lease entry with
//   ceiling = max(wall, last issued) + window. Every replica applies it
//   (ApplyCeiling), so every replica knows the latest committed ceiling.
// - A leader issues only timestamps whose physical part is below the ceiling
//   it has applied: when the wall clock (or the counter) reaches the ceiling
//   without a renewal, Next() fails closed with kHlcCeilingExpired.
// - A new leader starts issuing (BeginIssuing) only after it has applied its
//   own term's no-op, hence every ceiling committed before, and its physical
//   part starts at that ceiling. Every timestamp an earlier leader issued lay
//   below a ceiling committed before that no-op, so the new leader's are all
//   larger, whatever the clocks of the two nodes say.
// - Applied commit timestamps are observed (Observe), so no timestamp issued
//   here is ever at or below one already committed.
// Issuing needs the Raft round trip of a ceiling after each leader change:
// BeginIssuing leaves Next() failing until the leader's first ceiling applies.
//
// Time comes only from the ekv::Clock given at construction. Not thread-safe.
#ifndef EKV_ENGINE_HLC_HLC_H_
#define EKV_ENGINE_HLC_HLC_H_

#include <cstdint>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "engine/base/clock.h"

namespace ekv::hlc {

inline constexpr int kLogicalBits = 16;
inline constexpr uint64_t kLogicalMask = (uint64_t{1} << kLogicalBits) - 1;
inline constexpr uint64_t kPhysicalMsMax = (uint64_t{1} << 48) - 1;

constexpr uint64_t Pack(uint64_t physical_ms, uint64_t logical) {
  return (physical_ms << kLogicalBits) | (logical & kLogicalMask);
}
constexpr uint64_t PhysicalMs(uint64_t ts) { return ts >> kLogicalBits; }
constexpr uint64_t Logical(uint64_t ts) { return ts & kLogicalMask; }

struct HlcOptions {
  // How far ahead of now the leader's proposed ceiling lies.
  int64_t physical_window_ms = 3000;
  // How often the leader proposes a new ceiling.
  int64_t renewal_interval_ms = 1000;
};

// A renewal must be able to be lost once (or be slow to commit) and the next
// still land before the window runs out: window >= 2 * renewal interval.
absl::Status ValidateHlcOptions(const HlcOptions& options);

class Hlc {
 public:
  Hlc(Clock* clock, const HlcOptions& options);
  Hlc(const Hlc&) = delete;
  Hlc& operator=(const Hlc&) = delete;

  // Raft-agreed state, applied by every replica's FSM in log order. Both only
  // ever move forward; smaller values are ignored.
  void ApplyCeiling(uint64_t ceiling_ms);
  void Observe(uint64_t ts);

  // Leadership. BeginIssuing: this node leads and has applied its term's
  // no-op; timestamps from now on are above the ceiling applied so far.
  // StopIssuing: it no longer leads (or is not sure it does).
  // adopt_ceiling = false is a planted defect (the simulator's
  // kHlcWithoutCeilingWait): it skips the floor.
  void BeginIssuing(bool adopt_ceiling = true);
  void StopIssuing() { issuing_ = false; }
  bool issuing() const { return issuing_; }

  // The next timestamp, strictly above every one issued or observed here.
  // Fails with kLeaderNotFound when not issuing, and with kHlcCeilingExpired
  // when its physical part would reach the applied ceiling.
  absl::StatusOr<uint64_t> Next();

  // The ceiling the leader should propose now.
  uint64_t NextCeilingMs() const;

  uint64_t ceiling_ms() const { return ceiling_ms_; }
  // The last timestamp issued or observed (0 when none).
  uint64_t Current() const { return last_; }
  uint64_t WallMs() const;
  const HlcOptions& options() const { return options_; }

 private:
  Clock* clock_;
  HlcOptions options_;
  uint64_t last_ = 0;
  uint64_t ceiling_ms_ = 0;
  bool issuing_ = false;
};

}  // namespace ekv::hlc

#endif  // EKV_ENGINE_HLC_HLC_H_
