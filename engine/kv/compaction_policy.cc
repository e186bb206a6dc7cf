#include "engine/kv/compaction_policy.h"

#include <algorithm>

#include "engine/base/status.h"
#include "engine/hlc/hlc.h"

namespace ekv::kv {

absl::Status ValidateCompactionOptions(const CompactionOptions& options) {
  if (options.interval_ms <= 0 || options.retention_window_ms <= 0) {
    return InvalidRequestError(
        "compaction interval_ms and retention_window_ms must be positive");
  }
  return absl::OkStatus();
}

std::optional<uint64_t> NextCompactionTs(const CompactionOptions& options,
                                         uint64_t now_ts, uint64_t compacted_ts,
                                         uint64_t oldest_pinned) {
  const uint64_t now_ms = hlc::PhysicalMs(now_ts);
  const auto retention_ms = static_cast<uint64_t>(options.retention_window_ms);
  if (now_ms <= retention_ms) return std::nullopt;
  uint64_t min_ts = hlc::Pack(now_ms - retention_ms, 0);
  if (oldest_pinned != 0) min_ts = std::min(min_ts, oldest_pinned);
  if (min_ts <= compacted_ts) return std::nullopt;
  return min_ts;
}

}  // namespace ekv::kv
