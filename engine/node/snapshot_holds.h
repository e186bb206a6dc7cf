// SnapshotHolds: read timestamps a leader keeps pinned for the compactor
// across requests, so that a client may read one snapshot in several
// requests (TxnRequest.hold_snapshot_ms; cf. protected timestamps).
//
// Each hold pins its timestamp in the ActiveTimestampTracker until it expires
// (by the node's monotonic clock: Expire) or is dropped. Holds are
// leader-local and die with the term they were taken in (DropOutside): a
// new leader knows nothing of them. At most holds_max live at once; Add
// refuses more. A hold "guards" when no compaction proposed before it could
// pass its timestamp; only such a hold makes a compacted read an engine bug.
// Single-threaded (the node's event loop).
#ifndef EKV_ENGINE_NODE_SNAPSHOT_HOLDS_H_
#define EKV_ENGINE_NODE_SNAPSHOT_HOLDS_H_

#include <cstddef>
#include <cstdint>
#include <map>

#include "absl/status/status.h"
#include "engine/kv/active_timestamp_tracker.h"

namespace ekv::node {

class SnapshotHolds {
 public:
  // `tracker` is not owned and outlives the holds.
  SnapshotHolds(kv::ActiveTimestampTracker* tracker, size_t holds_max);
  SnapshotHolds(const SnapshotHolds&) = delete;
  SnapshotHolds& operator=(const SnapshotHolds&) = delete;

  // Pins `ts` until `expire_ns`, for `term`. kResourceExhausted when
  // holds_max holds are live (nothing is pinned then).
  absl::Status Add(uint64_t ts, int64_t expire_ns, uint64_t term, bool guards);
  // Releases every hold whose expiry is at or before `now_ns`.
  void Expire(int64_t now_ns);
  // Releases every hold not taken in `term` (all of them for term 0: the
  // node does not lead).
  void DropOutside(uint64_t term);
  // Whether a live guarding hold of `term` pins a timestamp at or below `ts`:
  // then no compaction proposed while it lived may pass `ts`.
  bool Guards(uint64_t ts, uint64_t term) const;

  size_t size() const { return holds_.size(); }
  size_t holds_max() const { return holds_max_; }

 private:
  struct Hold {
    uint64_t ts = 0;
    uint64_t term = 0;
    bool guards = false;
    kv::ActiveTimestampTracker::Token pin;
  };

  kv::ActiveTimestampTracker* tracker_;
  size_t holds_max_;
  std::multimap<int64_t, Hold> holds_;  // by expiry, then insertion order
};

}  // namespace ekv::node

#endif  // EKV_ENGINE_NODE_SNAPSHOT_HOLDS_H_
