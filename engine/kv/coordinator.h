// The coordinator of one Raft group: commits operation groups through Raft
// with HLC timestamps, confirms reads, and runs the leader's background work.
//
// Writes: Dispatch(group, done) refuses at once where this member does not
// lead (kNotLeader with a hint) or leads but is not ready (kLeaderNotFound:
// its term's no-op and first HLC ceiling have not applied yet); otherwise it
// takes the commit timestamp from the HLC (unless the group pins one),
// proposes the group and answers when the entry at the proposal's index
// applies: with the FSM's outcome when that entry is the proposal, with
// kNotLeader (definite: it can never commit) when another entry took the
// index, and with kTimeout (outcome unknown) when neither happens within the
// request timeout. A dispatch that finds the HLC at its ceiling waits for the
// pending ceiling renewal (bounded) instead of failing.
//
// Reads: LinearizableRead runs a ReadIndex round and waits until the FSM has
// applied up to its index; LeaseRead skips the round while the leader holds
// its Raft lease (reading up to the commit index) and falls back to
// ReadIndex otherwise, telling the LeaseReadObserver which happened. Both
// answer OK when reading the store at its LastCommitTS() is linearizable.
// VerifyLeader confirms leadership with a ReadIndex round.
//
// Leader duties (OnTick): become ready once an entry of the current term has
// applied (BeginIssuing, then propose a ceiling at once), renew the HLC
// ceiling every renewal interval, propose compaction every compaction
// interval, and time out requests. Losing leadership stops issuing at once.
//
// The node calls OnApplied for every applied entry (after the FSM), and
// OnReadIndex, OnTick; callbacks run inside those calls. Single-threaded.
#ifndef EKV_ENGINE_KV_COORDINATOR_H_
#define EKV_ENGINE_KV_COORDINATOR_H_

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <string>

#include "absl/status/status.h"
#include "engine/base/clock.h"
#include "engine/base/planted_bugs.h"
#include "engine/hlc/hlc.h"
#include "engine/kv/active_timestamp_tracker.h"
#include "engine/kv/fsm.h"
#include "engine/kv/operation.h"
#include "engine/kv/raft_group.h"
#include "engine/kv/timing.h"

namespace ekv::kv {

struct CoordinatorOptions {
  TimingOptions timing;
  size_t pending_proposals_max = 4096;
  size_t pending_reads_max = 4096;
  // Dispatches parked while the HLC waits for a ceiling renewal.
  size_t parked_dispatches_max = 1024;
  bool lease_reads = true;
  // Defects the simulator may switch on (engine/base/planted_bugs.h): here
  // kHlcWithoutCeilingWait and kCompactionBelowPinnedRead.
  const PlantedBugs* bugs = nullptr;
  // Coverage probes (engine/base/probes.h); nullptr counts nothing.
  ProbeCounters* probes = nullptr;
};

struct DispatchResult {
  absl::Status status;
  uint64_t commit_ts = 0;
  uint64_t index = 0;
  bool deduplicated = false;
  bool condition_failed = false;
  // The FSM decided this outcome and recorded it for the group's client tag:
  // no other attempt of the same operation can change it.
  bool outcome_recorded = false;
};

using DispatchCallback = std::function<void(const DispatchResult&)>;
using ReadCallback = std::function<void(const absl::Status&)>;

class LeaseReadObserver {
 public:
  virtual ~LeaseReadObserver() = default;
  // hit: served under the lease; miss: fell back to ReadIndex.
  virtual void ObserveLeaseRead(bool hit) = 0;
};

struct CoordinatorStats {
  uint64_t proposals = 0;
  uint64_t proposals_lost = 0;
  uint64_t timeouts = 0;
  uint64_t lease_hits = 0;
  uint64_t lease_misses = 0;
  uint64_t read_index_rounds = 0;
  uint64_t ceiling_proposals = 0;
  uint64_t compaction_proposals = 0;
  uint64_t terms_led = 0;
};

class Coordinator {
 public:
  // Pointers are not owned and outlive the coordinator.
  Coordinator(RaftGroup* raft, Fsm* fsm, hlc::Hlc* hlc,
              ActiveTimestampTracker* tracker, Clock* clock,
              const CoordinatorOptions& options);
  Coordinator(const Coordinator&) = delete;
  Coordinator& operator=(const Coordinator&) = delete;

  void Dispatch(OperationGroup group, DispatchCallback done);
  void LinearizableRead(ReadCallback done);
  void LeaseRead(ReadCallback done);
  void VerifyLeader(ReadCallback done);

  bool IsLeader() const { return raft_->IsLeader(); }
  uint64_t Term() const { return raft_->Term(); }
  // Whether a lease read may be served here now, without a ReadIndex round.
  bool LeaseReadAllowed() const;
  // Leads, is ready, and is not handing leadership over.
  bool IsLeaderAcceptingWrites() const;
  int64_t RaftLeader() const { return raft_->LeaderHint(); }
  // The HLC the coordinator issues from (elastickv's Clock()).
  hlc::Hlc& hlc() { return *hlc_; }
  void SetLeaseReadObserver(LeaseReadObserver* observer) {
    observer_ = observer;
  }

  // Events, from the node.
  void OnApplied(uint64_t index, uint64_t term, const ApplyResult& result);
  // A snapshot replaced the state up to `index`: proposals at or below it
  // can no longer be matched to their entries.
  void OnSnapshotRestored(uint64_t index);
  void OnReadIndex(uint64_t request_id, uint64_t index);
  // The ReadIndex round `request_id` could not confirm leadership.
  void OnReadIndexFailed(uint64_t request_id, const absl::Status& status);
  void OnTick();

  const CoordinatorStats& stats() const { return stats_; }
  size_t pending() const { return proposals_.size() + reads_.size(); }
  // The highest compaction point this coordinator has proposed (0: none). A
  // snapshot below it may be compacted away by a compaction already in the
  // log, whatever is pinned from now on.
  uint64_t compaction_proposed_ts() const { return compaction_proposed_ts_; }

 private:
  struct Proposal {
    uint64_t term = 0;
    bool tagged = false;
    int64_t deadline_ns = 0;
    DispatchCallback done;
  };
  struct Read {
    int64_t deadline_ns = 0;
    bool wait_for_apply = true;  // false: VerifyLeader
    ReadCallback done;
  };
  struct Parked {
    OperationGroup group;
    int64_t deadline_ns = 0;
    DispatchCallback done;
  };
  struct Waiter {  // a read waiting for the FSM to apply up to an index
    int64_t deadline_ns = 0;
    ReadCallback done;
  };

  int64_t Now() const { return clock_->MonotonicNanos(); }
  int64_t Deadline() const;
  void CheckLeadership();
  void BecomeReady();
  void StepDown();
  void ProposeCeiling();
  void MaybeCompact();
  void StartReadIndex(bool wait_for_apply, ReadCallback done);
  void WaitForApplied(uint64_t index, ReadCallback done, int64_t deadline_ns);
  void ProposeGroup(OperationGroup group, DispatchCallback done);
  void RetryParked();
  void ExpireRequests();

  RaftGroup* raft_;
  Fsm* fsm_;
  hlc::Hlc* hlc_;
  ActiveTimestampTracker* tracker_;
  ekv::Clock* clock_;
  CoordinatorOptions options_;
  LeaseReadObserver* observer_ = nullptr;

  bool ready_ = false;
  uint64_t ready_term_ = 0;
  uint64_t last_applied_term_ = 0;
  bool ceiling_in_flight_ = false;
  int64_t last_renewal_ns_ = 0;
  int64_t last_compaction_ns_ = 0;
  uint64_t compaction_proposed_ts_ = 0;
  uint64_t next_read_id_ = 1;

  std::map<uint64_t, Proposal> proposals_;   // by log index
  std::map<uint64_t, Read> reads_;           // by ReadIndex request id
  std::multimap<uint64_t, Waiter> waiters_;  // by index to reach
  std::deque<Parked> parked_;
  CoordinatorStats stats_;
};

}  // namespace ekv::kv

#endif  // EKV_ENGINE_KV_COORDINATOR_H_
