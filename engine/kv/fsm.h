// The KV state machine: applies committed Raft entries to the MVCC store.
//
// Every replica applies the same entries in the same order and reaches the
// same state and the same outcome for each entry (all decisions are made
// here, at apply time: conflict checks, lock checks, deduplication). An entry
// is one serialized kvpb::Command (engine/proto/kv.proto), or empty (a Raft
// no-op). Commands:
// - Request: a non-transactional group, a one-phase transaction, or a phase
//   of a two-phase one (engine/txn/txn_apply.h). The commit timestamp of a
//   non-transactional group or one-phase transaction must lie above every
//   commit timestamp applied before it: HLC timestamps are issued in log
//   order, so one that is not is refused (kWriteConflict) and counted as an
//   HLC regression (stats().hlc_regressions, which must stay 0).
// - HlcLease: advances the HLC's Raft-agreed ceiling (engine/hlc/hlc.h).
// - Compact: compacts the store (clamped to its last commit timestamp).
// Applied commit timestamps are observed into the HLC.
//
// Guards (conditional writes, e.g. compare-and-set) are checked here, on the
// latest committed state, so their outcome is recorded like any other.
//
// Deduplication: a command tagged (client_id, seq) applies at most once. A
// tag seen before returns the recorded outcome (deduplicated = true); an
// older seq is refused. The table keeps the latest seq of at most
// dedup_clients_max clients, evicting the one idle for the most entries; it
// is part of the replicated state (snapshot and state hash).
//
// Bad input (an entry that does not parse, a malformed request) is an error
// outcome for that entry, never a crash. Not thread-safe.
#ifndef EKV_ENGINE_KV_FSM_H_
#define EKV_ENGINE_KV_FSM_H_

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "engine/base/planted_bugs.h"
#include "engine/hlc/hlc.h"
#include "engine/mvcc/store.h"
#include "google/protobuf/arena.h"

namespace ekv::kvpb {
class Command;
class Request;
}  // namespace ekv::kvpb

namespace ekv::kv {

struct FsmOptions {
  size_t dedup_clients_max = 4096;
  // Defects the simulator may switch on (engine/base/planted_bugs.h): here
  // kTxnReadSetNotValidated and kRetryAppliedTwice. nullptr in the server.
  const PlantedBugs* bugs = nullptr;
  // Coverage probes (engine/base/probes.h); nullptr counts nothing.
  ProbeCounters* probes = nullptr;
};

struct ApplyResult {
  absl::Status status;
  uint64_t commit_ts = 0;
  bool deduplicated = false;
  // OK, but a guard did not hold: nothing was written.
  bool condition_failed = false;
  // The entry was an HLC lease (the coordinator waits for these).
  bool hlc_lease = false;
};

struct FsmStats {
  uint64_t entries = 0;
  uint64_t requests_ok = 0;
  uint64_t requests_failed = 0;
  uint64_t hlc_leases = 0;
  uint64_t compactions = 0;
  uint64_t deduplicated = 0;
  uint64_t malformed = 0;
  uint64_t hlc_regressions = 0;
};

class Fsm {
 public:
  // `store` and `hlc` are not owned and outlive the FSM.
  Fsm(mvcc::Store* store, hlc::Hlc* hlc, const FsmOptions& options);
  Fsm(const Fsm&) = delete;
  Fsm& operator=(const Fsm&) = delete;

  // Applies the entry at `index` (> applied_index()).
  ApplyResult Apply(uint64_t index, absl::string_view data);

  uint64_t applied_index() const { return applied_index_; }

  // The recorded outcome of (client_id, seq) if that operation has applied.
  std::optional<ApplyResult> AppliedOutcome(uint64_t client_id,
                                            uint64_t seq) const;

  // The whole replicated state (store included), checksummed. Restore of a
  // bad snapshot changes nothing and returns kCorruption.
  std::string Snapshot() const;
  absl::Status Restore(absl::string_view snapshot);
  // XXH64 of the replicated state except the applied index: equal on
  // replicas that applied the same entries.
  uint64_t StateHash() const;

  const FsmStats& stats() const { return stats_; }
  const mvcc::Store& store() const { return *store_; }

 private:
  struct Outcome {
    uint64_t seq = 0;
    uint64_t index = 0;
    uint8_t kind = 0;  // ErrorKind; 0: OK
    std::string message;
    uint64_t commit_ts = 0;
    bool condition_failed = false;
  };

  ApplyResult ApplyCommand(const kvpb::Command& command);
  ApplyResult ApplyRequest(const kvpb::Request& request);
  ApplyResult ApplyRaw(const kvpb::Request& request);
  ApplyResult ApplyTxn(const kvpb::Request& request);
  ApplyResult ApplyCompact(uint64_t min_ts);
  absl::Status CheckFreshCommitTs(uint64_t commit_ts);
  // OK and true when every guard holds.
  absl::StatusOr<bool> GuardsHold(const kvpb::Request& request,
                                  uint64_t commit_ts) const;
  void Record(uint64_t client_id, uint64_t seq, uint64_t index,
              const ApplyResult& result);
  static ApplyResult Replay(const Outcome& outcome);
  std::string EncodeMeta() const;

  mvcc::Store* store_;
  hlc::Hlc* hlc_;
  FsmOptions options_;
  // Replicated state beside the store.
  uint64_t applied_index_ = 0;
  uint64_t ceiling_ms_ = 0;
  uint64_t max_commit_ts_ = 0;           // of every raw / one-phase entry seen
  std::map<uint64_t, Outcome> clients_;  // client_id -> latest outcome
  std::map<uint64_t, uint64_t> client_by_index_;  // index -> client_id
  FsmStats stats_;
  // Each entry's Command is parsed on this arena, reset before the next:
  // parsing allocates from its first block and nothing is freed piece by
  // piece. Nothing in it outlives one Apply.
  std::unique_ptr<char[]> arena_block_;
  std::unique_ptr<google::protobuf::Arena> arena_;
};

}  // namespace ekv::kv

#endif  // EKV_ENGINE_KV_FSM_H_
