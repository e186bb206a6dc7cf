// KvService: serves the client protocol (engine/proto/kv_client.proto) on one
// node, over its coordinator and store. Every request gets exactly one reply,
// through the callback, possibly later (after Raft) and possibly inside the
// call (refusals).
//
// - get / scan: a lease read (ReadIndex when the lease is not held), then the
//   store read at its LastCommitTS (or at the request's read_ts, which must
//   not lie above it). Transaction-internal keys are never returned; a key
//   held by a prepared transaction answers kTxnLocked.
// - put / delete: a non-transactional group tagged (client_id, seq).
// - cas: a guarded write (engine/kv/operation.h), decided by the FSM, so a
//   failed comparison is recorded like a success and a delayed duplicate of
//   the request can never apply later.
// - txn: reads at the start timestamp, then a one-phase transaction with
//   every read key in the read set (serializable); APPENDs are resolved by
//   the FSM at apply time; an op kind this node does not know answers
//   kNotImplemented. Read-only transactions
//   commit nothing. A deduplicated reply (the transaction had committed in an
//   earlier attempt) carries no reads: they are not known any more.
// The timestamp the reads were made at is pinned for the compactor until the
// reply, and with hold_snapshot_ms for that long after the reads (a held
// snapshot, snapshot_holds.h): capped by snapshot_hold_ms_max (above it:
// kInvalidRequest) and snapshot_holds_max live holds (beyond:
// kResourceExhausted, before anything is read or written). Holds expire by
// the node's clock (checked on every request and OnTick) and are dropped when
// the node stops leading their term. A read or transaction at an explicit
// timestamp below the compaction point answers kCompacted; when a live hold
// of this leader's term guarded it, that is counted as an engine bug
// (KvServiceStats). A node that does not lead answers kNotLeader with the
// leader's id.
#ifndef EKV_ENGINE_NODE_KV_SERVICE_H_
#define EKV_ENGINE_NODE_KV_SERVICE_H_

#include <functional>
#include <memory>

#include "engine/base/clock.h"
#include "engine/base/planted_bugs.h"
#include "engine/kv/active_timestamp_tracker.h"
#include "engine/kv/coordinator.h"
#include "engine/kv/fsm.h"
#include "engine/mvcc/store.h"
#include "engine/node/snapshot_holds.h"
#include "engine/proto/kv_client.pb.h"

namespace ekv::node {

struct KvServiceOptions {
  int scan_limit_default = 100;
  int txn_ops_max = 64;
  // Held snapshots (TxnRequest.hold_snapshot_ms): the longest hold one
  // request may ask for, and how many may live on this node at once.
  int64_t snapshot_hold_ms_max = 10'000;
  size_t snapshot_holds_max = 1024;
  // Defects the simulator may switch on (engine/base/planted_bugs.h): here
  // kFollowerReadTimestamp.
  const PlantedBugs* bugs = nullptr;
};

struct KvServiceStats {
  // Transactions whose pinned start timestamp was compacted away while this
  // node led the same term throughout, by a compaction proposed after the pin
  // (one proposed before it could not see it): compaction must never pass a
  // pin, so anything but 0 is an engine bug (the simulator checks it). The
  // pin is the request's own while it is in flight, or a live snapshot hold
  // at or below its timestamp, taken in this term.
  uint64_t pinned_snapshots_compacted = 0;
  uint64_t snapshot_holds_taken = 0;
  uint64_t snapshot_holds_refused = 0;  // the node's hold limit was reached
};

class KvService {
 public:
  // By rvalue: a by-value signature would move the response once more
  // inside std::function.
  using Reply = std::function<void(kvpb::ClientResponse&&)>;

  // Pointers are not owned and outlive the service; `clock` is the node's
  // (hold expiry).
  KvService(kv::Coordinator* coordinator, const mvcc::Store* store,
            kv::ActiveTimestampTracker* tracker, Clock* clock,
            const KvServiceOptions& options);

  // Takes the request by value: callers that are done with theirs move it
  // in, and the service shares it among its callbacks without copying.
  void Handle(kvpb::ClientRequest request, Reply reply);
  // The same for a request already shared (DecodeSharedClientRequest).
  void Handle(std::shared_ptr<const kvpb::ClientRequest> request, Reply reply);
  // The node's periodic tick, before the coordinator's (so the compactor
  // sees no expired hold): expires and drops holds.
  void OnTick() { MaintainHolds(); }

  const KvServiceStats& stats() const { return stats_; }
  size_t snapshot_holds() const { return holds_.size(); }

 private:
  // A request shared by the callbacks that serve it.
  using Request = std::shared_ptr<const kvpb::ClientRequest>;

  void Get(Request shared, Reply reply);
  void Scan(Request shared, Reply reply);
  void Write(Request shared, kv::OperationGroup group, Reply reply);
  void Cas(Request shared, Reply reply);
  void Txn(Request shared, Reply reply);
  // Confirms this node may serve a read, then calls `then` with the read
  // timestamp (the request's, or the store's last commit).
  void ReadBarrier(Request shared, uint64_t read_ts, Reply reply,
                   std::function<void(uint64_t, Reply)> then);
  // Expires holds by the clock; drops them all unless leading their term.
  void MaintainHolds();
  // A read at `ts` found it compacted: counts it when a hold guarded it.
  void NoteCompactedRead(uint64_t ts);

  kv::Coordinator* coordinator_;
  const mvcc::Store* store_;
  kv::ActiveTimestampTracker* tracker_;
  Clock* clock_;
  KvServiceOptions options_;
  SnapshotHolds holds_;
  KvServiceStats stats_;
};

// A response for `request` carrying `status` (OK or an error with its kind
// and, for kNotLeader, the hint).
kvpb::ClientResponse ResponseFor(const kvpb::ClientRequest& request,
                                 const absl::Status& status);

}  // namespace ekv::node

#endif  // EKV_ENGINE_NODE_KV_SERVICE_H_
