#include "engine/node/snapshot_holds.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "engine/base/check.h"
#include "engine/base/status.h"

namespace ekv::node {

SnapshotHolds::SnapshotHolds(kv::ActiveTimestampTracker* tracker,
                             size_t holds_max)
    : tracker_(tracker), holds_max_(holds_max) {
  EKV_CHECK(tracker_ != nullptr);
}

absl::Status SnapshotHolds::Add(uint64_t ts, int64_t expire_ns, uint64_t term,
                                bool guards) {
  if (holds_.size() >= holds_max_) {
    return MakeError(ErrorKind::kResourceExhausted,
                     absl::StrCat("too many held snapshots (", holds_max_,
                                  "); retry later or hold for less time"));
  }
  holds_.emplace(expire_ns, Hold{ts, term, guards, tracker_->Pin(ts)});
  return absl::OkStatus();
}

void SnapshotHolds::Expire(int64_t now_ns) {
  holds_.erase(holds_.begin(), holds_.upper_bound(now_ns));
}

void SnapshotHolds::DropOutside(uint64_t term) {
  for (auto it = holds_.begin(); it != holds_.end();) {
    it =
        it->second.term == term && term != 0 ? std::next(it) : holds_.erase(it);
  }
}

bool SnapshotHolds::Guards(uint64_t ts, uint64_t term) const {
  for (const auto& [expire_ns, hold] : holds_) {
    if (hold.guards && hold.term == term && hold.ts <= ts) return true;
  }
  return false;
}

}  // namespace ekv::node
