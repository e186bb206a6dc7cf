// Replica: one member of one Raft group, bound to the world through an Env.
// It drives a RawNode: ticks from a Timers timer, persists every Ready to the
// write-ahead log on env.disk (one durable write per Ready, before any message
// leaves — DESIGN.md "The way of one write"), sends through env.transport,
// applies committed entries to the application's StateMachine, installs and
// takes snapshots, compacts the log, and recovers all of it in Start().
//
// Life cycle. Construct, then Start() once (it recovers from the disk, or
// bootstraps a new group from config.initial_members, or waits to be added
// by a leader when there are none). Feed it every payload tagged
// PayloadTag::kRaft (engine/proto/envelope.h) with HandlePayload(). Call
// the client operations below from the same event loop. A crash destroys the
// object without warning; a restart builds a new one on the same disk.
//
// Time. The Replica counts ticks against env.clock's monotonic time: every
// call first delivers the ticks that have come due (a node that was paused
// catches up at once), so the lease it reports is measured in the node's
// real monotonic time, never in ticks that were not delivered.
//
// Disk trouble. A Ready that cannot be made durable (disk full, syncs
// failing) is held and retried every disk_retry_interval_ticks; meanwhile the
// Replica sends nothing, drops incoming Raft messages, refuses proposals and
// reads (kIoError / kDiskFull), and reports no lease. Corruption found at
// Start(), or a snapshot the state machine cannot restore, stops the Replica
// for good: failed() says why, and every call returns that error.
//
// Outcomes. Propose returns where the entry landed (index, term) or a
// rejection (kNotLeader with a leader hint, kLeaderNotFound, ...). The
// optional callback then reports the outcome exactly once: OK with the
// state machine's result when that entry was applied; kNotLeader when a
// different entry was applied at that index (the proposal is certainly
// lost); kTimeout ("outcome unknown") when a snapshot covered the index
// before it was applied here; the Replica's error when it fails. Until the
// log reaches that index the outcome is unknown (a leader that lost office
// may never see the index filled if nothing more is proposed), so callers
// bound their wait with a timeout of their own, as clients do. Callbacks
// run in an event of their own (a zero-delay timer), never inside a call to
// the Replica, so they may call it freely.
//
// Not thread-safe.
#ifndef EKV_ENGINE_RAFT_REPLICA_H_
#define EKV_ENGINE_RAFT_REPLICA_H_

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "engine/base/env.h"
#include "engine/proto/raft.pb.h"
#include "engine/raft/config.h"
#include "engine/raft/raw_node.h"
#include "engine/raft/storage.h"
#include "engine/raft/wal/wal.h"
#include "network/transport.h"

namespace ekv::raft {

// The application's replicated state.
class StateMachine {
 public:
  virtual ~StateMachine() = default;
  // Applies one committed entry. Every entry of the log comes here once per
  // boot, in index order: application data (ENTRY_NORMAL with data), the
  // empty no-op a new leader appends (ENTRY_NORMAL, no data), and
  // membership changes (ENTRY_CONF_CHANGE; Raft has already handled them).
  // Must be deterministic: every replica applies the same entries and must
  // reach the same state and the same results. The returned status is the
  // outcome reported to the proposer (e.g. a write conflict), not an error
  // of the Replica.
  virtual absl::Status Apply(const raftpb::Entry& entry) = 0;
  // The state as of the last applied entry.
  virtual std::string TakeSnapshot() = 0;
  // Replaces the state with a snapshot's. An error stops the Replica.
  virtual absl::Status Restore(absl::string_view data) = 0;
};

// What tests and checkers can watch. Called synchronously; must not call
// back into the Replica.
class ReplicaObserver {
 public:
  virtual ~ReplicaObserver() = default;
  // Entries that are now durable in this member's log (they may replace
  // entries from their first index on).
  virtual void OnPersisted(EndpointId /*node*/,
                           absl::Span<const raftpb::Entry> /*entries*/) {}
  // An entry was applied to the state machine.
  virtual void OnApplied(EndpointId /*node*/, const raftpb::Entry& /*entry*/) {}
  // A snapshot was restored into the state machine.
  virtual void OnRestored(EndpointId /*node*/,
                          const raftpb::SnapshotMetadata& /*meta*/) {}
};

struct ReplicaConfig {
  uint64_t group_id = 1;
  // The voters of a new group. Members started with the same list on empty
  // disks bootstrap the group; an empty list means: join an existing group
  // when its leader adds this member.
  std::vector<EndpointId> initial_members;
  // Raft's options; id is set to the Replica's endpoint, and random_seed
  // (when 0) is drawn from env.random.
  Config raft;
  // One tick of Raft time.
  int64_t tick_interval_ns = 10'000'000;
  // After a pause, at most this many missed ticks are delivered (the rest
  // are skipped; any more would change nothing a timeout has not already).
  // At least 2 * raft.election_timeout_ticks, so that a lease and every
  // election timer run out across any pause.
  int max_catch_up_ticks = 100;
  // A snapshot is taken when this many entries were applied since the last.
  uint64_t snapshot_interval_entries = 10'000;
  // Entries kept before a snapshot's index, so a follower slightly behind
  // catches up from the log rather than from a snapshot.
  uint64_t snapshot_catch_up_entries = 1'000;
  // Proposals and reads awaiting their outcome; more are refused.
  int max_pending_proposals = 10'000;
  int max_pending_reads = 10'000;
  // How often a Ready the disk refused is tried again.
  int disk_retry_interval_ticks = 5;
  // When true the Replica arms no tick timer of its own: its owner calls
  // Tick() when NextTickDelayNs() says, from a timer it shares with its own
  // periodic work (one event per tick instead of two).
  bool ticks_from_owner = false;
  // Prefix of this member's files on env.disk (default "raft-g<group>-").
  std::string file_prefix;
};

struct ReplicaCounters {
  uint64_t payloads_malformed = 0;  // did not parse, or wrong group/sender
  uint64_t messages_dropped_while_stalled = 0;
  uint64_t readies = 0;
  uint64_t disk_stalls = 0;  // Readies the disk refused at first
  uint64_t snapshots_taken = 0;
  uint64_t snapshots_installed = 0;
  uint64_t torn_tail_bytes_recovered = 0;
  uint64_t ticks_skipped = 0;  // beyond max_catch_up_ticks
};

struct ReplicaStatus {
  RaftStatus raft;
  uint64_t snapshot_index = 0;
  bool started = false;
  bool stalled = false;
  absl::Status failed;
  ReplicaCounters counters;
  wal::WalStats wal;
  size_t pending_proposals = 0;
  size_t pending_reads = 0;
};

class Replica {
 public:
  using ProposeCallback =
      std::function<void(absl::Status outcome, const EntryId& at)>;
  using ReadCallback = std::function<void(absl::StatusOr<uint64_t> index)>;

  // `state_machine` and everything in `env` outlive the Replica.
  Replica(const Env& env, EndpointId self, ReplicaConfig config,
          StateMachine* state_machine);
  ~Replica();
  Replica(const Replica&) = delete;
  Replica& operator=(const Replica&) = delete;

  // Recovers (or bootstraps) and starts ticking. Corruption stops the
  // Replica (see failed()); a transient disk error is retried on a timer.
  absl::Status Start();

  // With ticks_from_owner: delivers the ticks that have come due (and, every
  // disk_retry_interval_ticks, retries a Ready the disk refused). Calling it
  // early or late only moves when ticks arrive, never how many there are.
  void Tick();
  // How long until the next tick is due on env.clock's monotonic time.
  int64_t NextTickDelayNs() const;

  // A payload from the transport tagged PayloadTag::kRaft. Bad input is
  // counted and dropped.
  void HandlePayload(EndpointId from, absl::string_view payload);

  // Appends `data` (leader only); see "Outcomes" above.
  absl::StatusOr<EntryId> Propose(std::string data,
                                  ProposeCallback done = nullptr);
  // Proposes a membership change (leader only; one at a time).
  absl::StatusOr<EntryId> ProposeConfChange(const raftpb::ConfChange& change,
                                            ProposeCallback done = nullptr);
  // A linearizable read point (leader only; an error otherwise, and `done`
  // is not called). `done` later gets an index once a quorum confirmed this
  // leader after the call and the state machine has applied that index, or
  // an error (kNotLeader when leadership was lost meanwhile).
  absl::Status ReadIndex(ReadCallback done);
  // The same through the lease: with a valid lease, `done` gets the commit
  // index (once applied) without a round trip; without one, an error comes
  // back (kNotLeader on a follower, FailedPrecondition on a leader without a
  // lease) and the caller falls back to ReadIndex.
  absl::Status LeaseRead(ReadCallback done);
  // Whether this member is leader with a valid lease right now.
  bool LeaseValid();
  // What LeaseValid() would answer at this member's monotonic time
  // `mono_ns`, computed without delivering any tick (for checkers).
  bool LeaseValidAt(int64_t mono_ns) const;
  // `done` runs once the state machine has applied `index` (OK), or when
  // the Replica fails (its error).
  void WaitForApplied(uint64_t index, std::function<void(absl::Status)> done);
  absl::Status TransferLeadership(EndpointId to);

  EndpointId id() const { return self_; }
  uint64_t group_id() const { return config_.group_id; }
  EndpointId leader() const;
  bool is_leader() const;
  uint64_t term() const;
  uint64_t commit_index() const;
  uint64_t applied_index() const;
  const absl::Status& failed() const { return failed_; }
  ReplicaStatus status() const;
  // The protocol state, for checkers (nullptr before Start succeeds).
  const RawNode* raw_node() const { return node_.get(); }

  void set_observer(ReplicaObserver* observer) { observer_ = observer; }

 private:
  struct PendingProposal {
    uint64_t term;
    ProposeCallback done;
  };
  struct PendingRead {
    uint64_t term;
    ReadCallback done;
  };
  using Completion = std::function<void()>;

  absl::Status Recover();
  absl::Status Bootstrap();
  void ArmTickTimer();
  void OnTickTimer();
  // Counts a leader's lease running out (a coverage probe).
  void ObserveLease();
  void CatchUpTicks();
  void Drive();
  bool Persist(Ready& rd);
  bool Finish(Ready& rd);
  void SendMessages(std::vector<raftpb::Message>& messages);
  void ApplyCommitted(absl::Span<const raftpb::Entry> entries);
  bool InstallSnapshot(const raftpb::Snapshot& snapshot);
  void ConfirmReads(const std::vector<ReadState>& states);
  void FailUnconfirmedReads();
  void ServeApplied();
  void MaybeTakeSnapshot();
  void Fail(absl::Status status);
  absl::Status Unavailable() const;
  absl::StatusOr<EntryId> Track(absl::StatusOr<EntryId> at,
                                ProposeCallback done);
  void Complete(Completion completion);
  void FlushCompletions();

  Env env_;
  const EndpointId self_;
  ReplicaConfig config_;
  StateMachine* state_machine_;
  ReplicaObserver* observer_ = nullptr;

  std::unique_ptr<MemoryStorage> storage_;
  std::unique_ptr<wal::Wal> wal_;
  std::unique_ptr<RawNode> node_;
  bool started_ = false;
  absl::Status failed_;
  // A Ready the disk refused, held (inside the RawNode) until it can be
  // persisted.
  Ready* held_ = nullptr;
  bool snapshot_saved_ = false;  // of the held Ready
  bool driving_ = false;
  bool lease_was_valid_ = false;

  int64_t start_mono_ns_ = 0;
  int64_t ticks_delivered_ = 0;
  TimerId tick_timer_ = kNoTimer;
  TimerId retry_timer_ = kNoTimer;
  // With ticks_from_owner, while a Ready is held: when to try the disk again.
  int64_t disk_retry_due_mono_ns_ = 0;
  TimerId flush_timer_ = kNoTimer;

  std::map<uint64_t, PendingProposal> proposals_;  // by index
  uint64_t next_read_id_ = 1;
  std::map<uint64_t, PendingRead> reads_unconfirmed_;      // by request id
  std::multimap<uint64_t, ReadCallback> reads_confirmed_;  // by index
  std::multimap<uint64_t, std::function<void(absl::Status)>> apply_waiters_;
  std::vector<Completion> completions_;
  ReplicaCounters counters_;
  // Each received message is decoded into this one: a cleared protobuf keeps
  // its allocated entries for the next parse instead of freeing and
  // allocating them again for every message.
  raftpb::Message inbound_;
};

}  // namespace ekv::raft

#endif  // EKV_ENGINE_RAFT_REPLICA_H_
