#include "engine/kv/timing.h"

#include "absl/strings/str_cat.h"
#include "engine/base/status.h"

namespace ekv::kv {

absl::Status ValidateTiming(const TimingOptions& t) {
  EKV_RETURN_IF_ERROR(hlc::ValidateHlcOptions(t.hlc));
  EKV_RETURN_IF_ERROR(ValidateCompactionOptions(t.compaction));
  if (t.tick_interval_ms <= 0 || t.election_timeout_ticks < 3 ||
      t.lease_margin_ticks < 0 || t.request_timeout_ms <= 0 ||
      t.clock_offset_ms_max < 0 || t.clock_drift_ppm_max < 0 ||
      t.clock_drift_ppm_max >= 1'000'000) {
    return InvalidRequestError("timing: a bound is out of range");
  }
  const int64_t election_ms = t.election_timeout_ticks * t.tick_interval_ms;
  // Two members drifting apart at the bound, over one election timeout.
  const int64_t drift_ms =
      (2 * t.clock_drift_ppm_max * election_ms + 999'999) / 1'000'000;
  if (drift_ms > t.lease_margin_ticks * t.tick_interval_ms) {
    return InvalidRequestError(
        absl::StrCat("timing: lease margin (", t.lease_margin_ticks,
                     " ticks of ", t.tick_interval_ms, " ms) does not cover ",
                     drift_ms, " ms of drift over an election timeout"));
  }
  if (t.election_timeout_ticks - 1 - t.lease_margin_ticks < 1) {
    return InvalidRequestError("timing: the lease margin leaves no lease");
  }
  if (t.hlc.physical_window_ms <= t.clock_offset_ms_max) {
    return InvalidRequestError(
        "timing: hlc physical window must exceed the clock offset bound");
  }
  if (t.hlc.renewal_interval_ms < t.tick_interval_ms) {
    return InvalidRequestError(
        "timing: hlc renewal interval is shorter than a tick");
  }
  return absl::OkStatus();
}

}  // namespace ekv::kv
