// Config: the options of one Raft member. Every bound is a named option with
// its unit in its name; Validate() says which one is wrong.
//
// Time inside Raft is counted in ticks only (the driver calls Tick() at a
// fixed interval of its monotonic clock, and catches up missed ticks after a
// pause so that the count follows the monotonic clock).
#ifndef EKV_ENGINE_RAFT_CONFIG_H_
#define EKV_ENGINE_RAFT_CONFIG_H_

#include <cstdint>

#include "absl/status/status.h"
#include "engine/base/buggify.h"
#include "engine/base/planted_bugs.h"

namespace ekv::raft {

using NodeId = uint64_t;
inline constexpr NodeId kNoNode = 0;

struct Config {
  // This member's id; non-zero.
  NodeId id = kNoNode;

  // A follower that hears nothing from a leader for a random number of ticks
  // in [election_timeout_ticks, 2 * election_timeout_ticks) campaigns. A
  // leader steps down (check_quorum) when a quorum was not heard from within
  // election_timeout_ticks.
  int election_timeout_ticks = 10;
  int heartbeat_interval_ticks = 1;
  // When the commit index advances, the leader at once sends every follower
  // an append (empty if need be) that carries it. Off, the new commit index
  // rides on the next append or heartbeat (at most heartbeat_interval_ticks
  // later): followers apply later, and a write costs the group two messages
  // per follower instead of four (raft-rs calls this skip_bcast_commit).
  // Safety does not depend on it: a follower learns only commit indexes the
  // leader already reached.
  bool broadcast_commit = true;
  // Appends carry the leader's heartbeat round and their answers acknowledge
  // it, as a heartbeat's would. With this on, a follower that was sent an
  // append in the last round and acknowledged that round gets no heartbeat in
  // the next one: the appends it is being sent acknowledge the new round. A
  // follower that goes quiet gets heartbeats again one round later.
  bool skip_heartbeats_to_busy_followers = false;

  // Pre-vote: a member first asks whether it could win, without raising its
  // term, so a partitioned member does not disrupt the group when it returns.
  bool pre_vote = true;
  // Check-quorum: a leader steps down without recent contact with a quorum,
  // and a member that heard from a leader within election_timeout_ticks (or
  // booted less than that ago) ignores (pre-)vote requests.
  bool check_quorum = true;

  // Leader leases (requires check_quorum). A lease anchored at the tick a
  // heartbeat round was sent lasts lease_ticks() ticks once a quorum has
  // acknowledged that round. The margin absorbs clock drift between members
  // (their tick rates) and must be chosen from the deployment's bound.
  bool leader_lease = true;
  int lease_clock_error_margin_ticks = 1;

  // A leadership transfer that has not completed within this many ticks is
  // abandoned.
  int transfer_timeout_ticks = 10;

  // Flow control of log replication.
  uint64_t max_append_bytes_per_msg = 1 << 20;  // entries of one MSG_APP
  int max_inflight_msgs = 256;  // unacknowledged MSG_APPs per follower
  uint64_t max_inflight_bytes = 16 << 20;  // their entries' bytes
  uint64_t max_entry_bytes = 4 << 20;      // larger proposals are rejected
  // The leader rejects proposals while its uncommitted entries exceed this.
  uint64_t max_uncommitted_entries_bytes = 64 << 20;
  // Committed entries handed to the application by one Ready (at least one).
  uint64_t max_committed_bytes_per_ready = 16 << 20;

  // Snapshot transfer in chunks.
  uint64_t max_snapshot_chunk_bytes = 1 << 20;
  int max_inflight_snapshot_chunks = 4;
  uint64_t max_snapshot_bytes = uint64_t{1} << 32;  // larger ones are refused

  // ReadIndex requests waiting for their heartbeat round; more are rejected.
  int max_pending_read_index_requests = 4096;

  // The last index the application has applied (restart: its snapshot's
  // index, unless its state is durable beyond that).
  uint64_t applied_index = 0;

  // Seeds the randomized election timeout (derive it from the run's seed).
  uint64_t random_seed = 0;

  // Known defects the simulator can switch on to prove its checkers
  // (engine/base/planted_bugs.h); nullptr (always, outside the simulator)
  // runs the correct protocol.
  const PlantedBugs* bugs = nullptr;
  // Rare paths forced on in simulation (engine/base/buggify.h); nullptr
  // outside it.
  Buggify* buggify = nullptr;

  // Lease length in ticks: the election timeout, minus one tick of
  // quantization (a tick counter can lag the clock by up to one tick), minus
  // the clock-error margin.
  int lease_ticks() const {
    return election_timeout_ticks - 1 - lease_clock_error_margin_ticks;
  }
};

// OK, or InvalidArgument naming the option that is out of range.
absl::Status Validate(const Config& config);

}  // namespace ekv::raft

#endif  // EKV_ENGINE_RAFT_CONFIG_H_
