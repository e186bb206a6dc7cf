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
// reply. A node that does not lead answers kNotLeader with the leader's id.
#ifndef EKV_ENGINE_NODE_KV_SERVICE_H_
#define EKV_ENGINE_NODE_KV_SERVICE_H_

#include <functional>
#include <memory>

#include "engine/base/planted_bugs.h"
#include "engine/kv/active_timestamp_tracker.h"
#include "engine/kv/coordinator.h"
#include "engine/kv/fsm.h"
#include "engine/mvcc/store.h"
#include "engine/proto/kv_client.pb.h"

namespace ekv::node {

struct KvServiceOptions {
  int scan_limit_default = 100;
  int txn_ops_max = 64;
  // Defects the simulator may switch on (engine/base/planted_bugs.h): here
  // kFollowerReadTimestamp.
  const PlantedBugs* bugs = nullptr;
};

struct KvServiceStats {
  // Transactions whose pinned start timestamp was compacted away while this
  // node led the same term throughout, by a compaction proposed after the pin
  // (one proposed before it could not see it): compaction must never pass a
  // pin, so anything but 0 is an engine bug (the simulator checks it).
  uint64_t pinned_snapshots_compacted = 0;
};

class KvService {
 public:
  using Reply = std::function<void(kvpb::ClientResponse)>;

  KvService(kv::Coordinator* coordinator, const mvcc::Store* store,
            kv::ActiveTimestampTracker* tracker,
            const KvServiceOptions& options);

  // Takes the request by value: callers that are done with theirs move it
  // in, and the service shares it among its callbacks without copying.
  void Handle(kvpb::ClientRequest request, Reply reply);

  const KvServiceStats& stats() const { return stats_; }

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

  kv::Coordinator* coordinator_;
  const mvcc::Store* store_;
  kv::ActiveTimestampTracker* tracker_;
  KvServiceOptions options_;
  KvServiceStats stats_;
};

// A response for `request` carrying `status` (OK or an error with its kind
// and, for kNotLeader, the hint).
kvpb::ClientResponse ResponseFor(const kvpb::ClientRequest& request,
                                 const absl::Status& status);

}  // namespace ekv::node

#endif  // EKV_ENGINE_NODE_KV_SERVICE_H_
