// HeartbeatRounds: the leader's numbered heartbeat broadcasts, which confirm
// its leadership for ReadIndex requests and anchor its lease.
//
// Each broadcast starts a round (1, 2, ... within one leadership term) and
// records the tick at which it was sent. Followers echo the round, and so do
// their answers to appends, which carry the current round too; once a quorum
// has acknowledged round r, every read queued for a round <= r is safe to
// serve at the commit index it recorded, and the leader's lease runs from r's
// send tick. A read joins a round only if the round's messages have not been
// sent yet, so every acknowledgement it relies on was sent after the read
// arrived.
#ifndef EKV_ENGINE_RAFT_READ_INDEX_H_
#define EKV_ENGINE_RAFT_READ_INDEX_H_

#include <cstdint>
#include <deque>
#include <optional>
#include <vector>

namespace ekv::raft {

// A read that may be served once the application has applied `index`.
struct ReadState {
  uint64_t index = 0;
  uint64_t request_id = 0;
};

class HeartbeatRounds {
 public:
  explicit HeartbeatRounds(int max_pending_reads);

  // Forgets every round and read (a new leadership term or a step-down).
  void Reset();

  // Starts round current_round() + 1, sent at `tick`, and returns it.
  uint64_t StartRound(int64_t tick);
  uint64_t current_round() const { return current_round_; }
  // Whether a new read may join the current round: its heartbeats are still
  // waiting to be sent and no quorum has acknowledged it yet.
  bool CanJoinCurrentRound() const {
    return current_round_unsent_ && current_round_ > acked_round_;
  }
  void MarkSent() { current_round_unsent_ = false; }

  // Queues a read of `index`, confirmed by `round`. False when full.
  bool AddRead(uint64_t request_id, uint64_t index, uint64_t round);
  size_t pending_reads() const { return reads_.size(); }

  // A quorum acknowledged rounds up to `round`: appends the reads it
  // confirms to `out` and returns the send tick of `round` when known.
  std::optional<int64_t> OnQuorumAck(uint64_t round,
                                     std::vector<ReadState>* out);

 private:
  struct Round {
    uint64_t round;
    int64_t sent_tick;
  };
  struct PendingRead {
    ReadState state;
    uint64_t round;
  };

  const size_t max_pending_reads_;
  uint64_t current_round_ = 0;
  bool current_round_unsent_ = false;
  uint64_t acked_round_ = 0;
  std::deque<Round> unacked_rounds_;  // bounded: oldest dropped first
  std::deque<PendingRead> reads_;
};

}  // namespace ekv::raft

#endif  // EKV_ENGINE_RAFT_READ_INDEX_H_
