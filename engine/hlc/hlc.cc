#include "engine/hlc/hlc.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "engine/base/check.h"
#include "engine/base/status.h"

namespace ekv::hlc {

absl::Status ValidateHlcOptions(const HlcOptions& options) {
  if (options.renewal_interval_ms <= 0) {
    return InvalidRequestError("hlc renewal_interval_ms must be positive");
  }
  if (options.physical_window_ms < 2 * options.renewal_interval_ms) {
    return InvalidRequestError(
        absl::StrCat("hlc physical_window_ms (", options.physical_window_ms,
                     ") must be at least twice renewal_interval_ms (",
                     options.renewal_interval_ms, ")"));
  }
  return absl::OkStatus();
}

Hlc::Hlc(Clock* clock, const HlcOptions& options)
    : clock_(clock), options_(options) {
  EKV_CHECK(clock_ != nullptr);
  EKV_CHECK_OK(ValidateHlcOptions(options_));
}

uint64_t Hlc::WallMs() const {
  const int64_t wall_ms = clock_->WallNanos() / kNanosPerMilli;
  return std::min<uint64_t>(std::max<int64_t>(wall_ms, 0), kPhysicalMsMax);
}

void Hlc::ApplyCeiling(uint64_t ceiling_ms) {
  ceiling_ms_ = std::max(ceiling_ms_, std::min(ceiling_ms, kPhysicalMsMax));
}

void Hlc::Observe(uint64_t ts) { last_ = std::max(last_, ts); }

void Hlc::BeginIssuing(bool adopt_ceiling) {
  // Every timestamp of an earlier leader lies below the applied ceiling.
  if (adopt_ceiling) last_ = std::max(last_, Pack(ceiling_ms_, 0));
  issuing_ = true;
}

absl::StatusOr<uint64_t> Hlc::Next() {
  if (!issuing_) {
    return MakeError(ErrorKind::kLeaderNotFound,
                     "hlc: not issuing timestamps (not a ready leader)");
  }
  const uint64_t wall_ms = WallMs();
  uint64_t physical = std::max(wall_ms, PhysicalMs(last_));
  uint64_t logical = 0;
  if (physical == PhysicalMs(last_)) {
    logical = Logical(last_) + 1;
    if (logical > kLogicalMask) {
      ++physical;
      logical = 0;
    }
  }
  if (physical >= ceiling_ms_)
    return HlcCeilingExpiredError(wall_ms, ceiling_ms_);
  const uint64_t next = Pack(physical, logical);
  EKV_CHECK_GT(next, last_);
  last_ = next;
  return next;
}

uint64_t Hlc::NextCeilingMs() const {
  const uint64_t base = std::max(WallMs(), PhysicalMs(last_) + 1);
  return std::min(base + options_.physical_window_ms, kPhysicalMsMax);
}

}  // namespace ekv::hlc
