// Where the leader's background compactor may compact to.
//
// Compaction is proposed through the Raft log (a Compact command) so every
// replica drops the same versions at the same log position: replica states
// stay byte-identical, and every replica rejects the same stale reads and
// transactions. The point is the HLC time `retention_window_ms` before now,
// never above the oldest pinned read timestamp (ActiveTimestampTracker), and
// only proposed when it moves the current point forward.
#ifndef EKV_ENGINE_KV_COMPACTION_POLICY_H_
#define EKV_ENGINE_KV_COMPACTION_POLICY_H_

#include <cstdint>
#include <optional>

#include "absl/status/status.h"

namespace ekv::kv {

struct CompactionOptions {
  // How often the leader considers compacting.
  int64_t interval_ms = 5'000;
  // Versions younger than this stay readable (reads and transactions older
  // than it fail with kCompacted). Pins protect operations in flight on the
  // leader; a retention above the request timeout also spares those caught
  // by a leader change.
  int64_t retention_window_ms = 60'000;
};

absl::Status ValidateCompactionOptions(const CompactionOptions& options);

// now_ts: the leader's current HLC timestamp. compacted_ts: the store's
// current compaction point. oldest_pinned: ActiveTimestampTracker::Oldest().
std::optional<uint64_t> NextCompactionTs(const CompactionOptions& options,
                                         uint64_t now_ts, uint64_t compacted_ts,
                                         uint64_t oldest_pinned);

}  // namespace ekv::kv

#endif  // EKV_ENGINE_KV_COMPACTION_POLICY_H_
