// Raft: the consensus protocol of one group member as a deterministic state
// machine, in the style of etcd-io/raft. No I/O, threads, clocks or
// randomness of its own: time arrives as Tick() calls, messages as Step(),
// and everything Raft wants done (persist, send, apply) waits in its outboxes
// until RawNode hands it to the application as a Ready.
//
// Features: randomized election timeouts, pre-vote, check-quorum; pipelined,
// batched, flow-controlled replication with fast backtracking; commit by the
// current-term rule after a no-op; ReadIndex and leader leases; leadership
// transfer with a timeout; one-at-a-time membership changes (voters,
// learners, promotion); snapshots sent in chunks.
//
// Membership changes take effect when their entry is applied (Advance), and
// the leader proposes a change only when the previous one is applied and it
// has applied an entry of its own term (etcd's rule), so any two
// configurations in use differ by at most one voter.
//
// Leases (leader_lease): a voter that heard from a leader within
// election_timeout_ticks (or booted less than that ago) grants no vote and
// ignores higher-term vote requests, except in a campaign started by a
// leadership transfer. So once a quorum acknowledges a heartbeat round sent at
// tick t, no other leader can be elected before t + election_timeout_ticks - 1
// on those voters' clocks; the lease ends lease_ticks() after t. It ends at
// once on step-down or term change, and a leader that starts a transfer holds
// no lease for the rest of its term.
//
// Not thread-safe. Every call runs to completion; failures of input (a
// malformed message, a proposal on a follower) are Status values, broken
// invariants are EKV_CHECK failures.
#ifndef EKV_ENGINE_RAFT_RAFT_H_
#define EKV_ENGINE_RAFT_RAFT_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "engine/base/random.h"
#include "engine/proto/raft.pb.h"
#include "engine/raft/config.h"
#include "engine/raft/raft_log.h"
#include "engine/raft/read_index.h"
#include "engine/raft/storage.h"
#include "engine/raft/tracker.h"

namespace ekv::raft {

enum class Role { kFollower, kPreCandidate, kCandidate, kLeader };
absl::string_view RoleName(Role role);

// Where a proposal landed in the log. It is applied there if and only if the
// entry applied at `index` has `term`.
struct EntryId {
  uint64_t index = 0;
  uint64_t term = 0;
};

// Counters of dropped or refused input, for status and tests.
struct RaftCounters {
  uint64_t messages_malformed = 0;  // failed validation, dropped
  uint64_t messages_ignored = 0;    // stale or irrelevant, dropped
  uint64_t snapshots_refused = 0;   // larger than max_snapshot_bytes
  // Heartbeats not sent to followers that were busy with appends.
  uint64_t heartbeats_skipped = 0;
};

class Raft {
 public:
  // `storage` outlives the Raft and holds what was persisted. The config
  // must pass Validate().
  Raft(const Config& config, const Storage* storage);

  // One tick of time.
  void Tick();
  // A message from another member. InvalidArgument (and nothing else
  // happens) when it is malformed. Taken by rvalue (it is consumed: entries
  // move into the log); the const& form copies first.
  absl::Status Step(raftpb::Message&& message);
  absl::Status Step(const raftpb::Message& message) {
    return Step(raftpb::Message(message));
  }

  // Appends an entry (leader only). NotLeader (with the leader, or the
  // transfer target, as hint), InvalidRequest (too large) or
  // ResourceExhausted (too many uncommitted bytes) otherwise.
  absl::StatusOr<EntryId> Propose(std::string data);
  // Proposes a membership change (leader only); FailedPrecondition while
  // another change is not yet applied, InvalidRequest when it does not fit
  // the membership (removing an unknown member, adding an existing voter,
  // demoting a voter, removing the last voter).
  absl::StatusOr<EntryId> ProposeConfChange(const raftpb::ConfChange& change);
  // Asks for a read index (leader only). The answer comes as a ReadState with
  // this request id once a quorum confirmed leadership after this call;
  // requests still waiting are dropped when leadership ends.
  absl::Status ReadIndex(uint64_t request_id);
  // Hands leadership to `to` (leader only): once `to` has the whole log it
  // is told to campaign at once. Abandoned after transfer_timeout_ticks.
  absl::Status TransferLeadership(NodeId to);
  // Starts an election now (as if the election timeout passed).
  void Campaign();

  // Applies an applied membership change (RawNode calls it at Advance).
  void ApplyConfChange(const raftpb::ConfChange& change);
  // Committed entries were handed to the application: they no longer count
  // against max_uncommitted_entries_bytes.
  void ReduceUncommittedBytes(absl::Span<const raftpb::Entry> entries);
  // Sends the appends that proposals since the last call have deferred, so
  // that proposals made together travel in one MSG_APP per follower.
  void FlushAppends();
  bool appends_pending() const { return appends_pending_; }

  // Whether this leader holds a valid lease now: reads may be served at the
  // commit index without a quorum round trip.
  bool LeaseValid() const { return LeaseValidAfter(0); }
  // Whether it would still hold one after `ticks` more ticks (a driver that
  // has ticks due but not yet delivered asks this; so do checkers).
  bool LeaseValidAfter(int64_t ticks) const;
  // Whether the leader has committed an entry of its own term (before that
  // its commit index may lag the group's).
  bool CommittedInCurrentTerm() const;

  // State.
  NodeId id() const { return id_; }
  uint64_t term() const { return term_; }
  NodeId vote() const { return vote_; }
  NodeId lead() const { return lead_; }
  Role role() const { return role_; }
  NodeId lead_transferee() const { return lead_transferee_; }
  int64_t tick_count() const { return tick_count_; }
  raftpb::HardState hard_state() const;
  raftpb::ConfState conf_state() const { return tracker_.conf_state(); }
  bool IsVoter() const { return tracker_.IsVoter(id_); }
  const RaftLog& log() const { return log_; }
  RaftLog& mutable_log() { return log_; }
  const ProgressTracker& tracker() const { return tracker_; }
  const RaftCounters& counters() const { return counters_; }
  const Config& config() const { return config_; }

  // Outboxes, drained by RawNode.
  std::vector<raftpb::Message>& msgs() { return msgs_; }
  const std::vector<raftpb::Message>& msgs() const { return msgs_; }
  std::vector<ReadState>& read_states() { return read_states_; }
  const std::vector<ReadState>& read_states() const { return read_states_; }
  // The heartbeats of the current round left the outbox.
  void MarkMessagesSent() { rounds_.MarkSent(); }

 private:
  enum class CampaignType { kPreElection, kElection, kTransfer };
  struct SnapshotReceive {
    uint64_t term = 0;  // of the leader sending it
    raftpb::SnapshotMetadata metadata;
    uint64_t size_bytes = 0;
    std::string data;  // received so far
    bool active = false;
  };

  // raft.cc: roles, elections, votes, ticks, step dispatch.
  void Reset(uint64_t term);
  void BecomeFollower(uint64_t term, NodeId lead);
  void BecomePreCandidate();
  void BecomeCandidate();
  void BecomeLeader();
  void ResetRandomizedElectionTimeout();
  bool Promotable() const;
  bool HasUnappliedConfChanges() const;
  bool InLease(const raftpb::Message& m) const;
  void Hup(CampaignType type);
  void StartCampaign(CampaignType type);
  void TickElection();
  void TickHeartbeat();
  bool StepTerm(const raftpb::Message& m);
  void StepLowerTerm(const raftpb::Message& m);
  void HandleVoteRequest(const raftpb::Message& m);
  void StepCandidate(raftpb::Message& m);
  void StepFollower(raftpb::Message& m);
  void Send(raftpb::Message&& m);

  // raft_leader.cc: replication, commit, heartbeats, reads, transfer.
  void StepLeader(raftpb::Message& m);
  void HandleAppendResponse(const raftpb::Message& m, Progress& pr);
  void HandleHeartbeatResponse(const raftpb::Message& m, Progress& pr);
  void HandleSnapshotResponse(const raftpb::Message& m, Progress& pr);
  // Appends an entry of this term at the end of the log, filled by `fill`
  // (type and data), and counts the leader's own copy.
  uint64_t AppendEntry(absl::FunctionRef<void(raftpb::Entry&)> fill);
  bool MaybeCommit();
  void OnCommitAdvanced(bool was_committed_in_term);
  void BroadcastAppend();
  void SendAppends(NodeId to, bool send_if_empty = false);
  bool MaybeSendAppend(NodeId to, Progress& pr, bool send_if_empty);
  bool MaybeSendSnapshotForProbe(NodeId to, Progress& pr);
  bool SendSnapshot(NodeId to, Progress& pr);
  void SendSnapshotChunks(NodeId to, Progress& pr);
  void BroadcastHeartbeat();
  // Starts a round and sends its heartbeats (but to busy followers, when
  // asked and skip_heartbeats_to_busy_followers allows).
  uint64_t SendHeartbeatRound(bool skip_busy_followers);
  // `m` (an answer to a heartbeat or an append) acknowledges its round.
  void AckHeartbeatRound(const raftpb::Message& m, Progress& pr);
  void UpdateQuorumAck();
  void ServeRead(uint64_t request_id);
  void AbortTransfer();
  void SendTimeoutNow(NodeId to);
  absl::Status CheckProposable() const;
  absl::Status CheckConfChange(const raftpb::ConfChange& change) const;

  // raft_follower.cc: a follower's handling of its leader's messages.
  void HandleAppend(raftpb::Message& m);
  void HandleHeartbeat(const raftpb::Message& m);
  void HandleSnapshotChunk(raftpb::Message& m);
  void FinishSnapshotReceive();
  bool Restore(raftpb::Snapshot snapshot);
  void SendSnapshotResponse(const raftpb::Message& m, uint64_t offset,
                            bool reject);

  const Config config_;
  const NodeId id_;
  Random random_;
  RaftLog log_;
  ProgressTracker tracker_;
  HeartbeatRounds rounds_;

  uint64_t term_ = 0;
  NodeId vote_ = kNoNode;
  NodeId lead_ = kNoNode;
  Role role_ = Role::kFollower;

  int64_t tick_count_ = 0;
  int election_elapsed_ = 0;
  int heartbeat_elapsed_ = 0;
  int randomized_election_timeout_ = 0;
  // Ticks since a leader of the current term was last heard from; starts at
  // 0 at boot so that a restarted voter honours a lease it may have granted.
  int ticks_since_leader_contact_ = 0;

  // Leader state.
  // The index of this leader's first entry (its no-op).
  uint64_t term_start_index_ = 0;
  NodeId lead_transferee_ = kNoNode;
  int transfer_elapsed_ = 0;
  uint64_t pending_conf_index_ = 0;
  uint64_t uncommitted_bytes_ = 0;
  bool appends_pending_ = false;
  std::vector<uint64_t> reads_awaiting_commit_;
  bool lease_forbidden_ = false;
  std::optional<int64_t> lease_anchor_tick_;

  // Follower state.
  SnapshotReceive snapshot_receive_;

  std::vector<raftpb::Message> msgs_;
  std::vector<ReadState> read_states_;
  RaftCounters counters_;
};

// Checks a message from the network for the invariants Raft relies on
// (well-formed type, sender, entries contiguous after `index`, chunk within
// its snapshot). OK or InvalidArgument saying what is wrong.
absl::Status ValidateMessage(const raftpb::Message& m, NodeId self);

}  // namespace ekv::raft

#endif  // EKV_ENGINE_RAFT_RAFT_H_
