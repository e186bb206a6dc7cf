// The time bounds of a KV node and the relations between them that safety
// and liveness rest on, checked by ValidateTiming at construction.
//
// Safety:
// - Commit timestamps across leaders do not depend on the clocks: a new
//   leader starts above the last committed HLC ceiling (engine/hlc/hlc.h), so
//   clock offset (up to clock_offset_ms_max, the simulator's safety-mode
//   bound) only shifts how far timestamps may run ahead of a node's wall
//   clock: at most one window per leader change plus the offset.
// - Lease reads rest on the monotonic clocks' rates: the Raft lease lasts
//   lease_ticks = election_timeout_ticks - 1 - lease_margin_ticks, and during
//   an election timeout two members' tick counts may differ by
//   2 * clock_drift_ppm_max / 1e6 of it. ValidateTiming requires the margin to
//   cover that drift.
// Liveness:
// - hlc_physical_window_ms >= 2 * hlc_renewal_interval_ms: one renewal may be
//   lost or slow and the next still lands before issuing stops.
// - The window exceeds the clock offset bound, so a leader whose wall clock
//   jumps forward by up to the bound is stopped for at most one renewal.
// - The compaction retention need not exceed the request timeout: the leader
//   never compacts above a pinned snapshot, so its in-flight transactions keep
//   theirs. (One in flight across a leader change may then fail kCompacted, a
//   definite failure; a retention above the request timeout makes that rare.)
#ifndef EKV_ENGINE_KV_TIMING_H_
#define EKV_ENGINE_KV_TIMING_H_

#include <cstdint>

#include "absl/status/status.h"
#include "engine/hlc/hlc.h"
#include "engine/kv/compaction_policy.h"

namespace ekv::kv {

struct TimingOptions {
  hlc::HlcOptions hlc;
  CompactionOptions compaction;
  // Raft's clock: one tick every tick_interval_ms of the monotonic clock.
  int64_t tick_interval_ms = 100;
  int election_timeout_ticks = 10;
  int lease_margin_ticks = 1;
  // The deployment's clock bounds (the simulator's safety-mode bounds).
  int64_t clock_offset_ms_max = 10;
  int64_t clock_drift_ppm_max = 1000;
  // A client operation not answered within this is answered kTimeout.
  int64_t request_timeout_ms = 5'000;
};

absl::Status ValidateTiming(const TimingOptions& timing);

}  // namespace ekv::kv

#endif  // EKV_ENGINE_KV_TIMING_H_
