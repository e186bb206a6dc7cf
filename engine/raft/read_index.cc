#include "engine/raft/read_index.h"

#include "engine/base/check.h"

namespace ekv::raft {
namespace {

// Send ticks kept for rounds not yet acknowledged by a quorum. A leader that
// gets no quorum for this many rounds loses the older send ticks, which only
// delays its lease (it anchors on a later round); check-quorum steps it down
// long before in any configuration of sensible timeouts.
constexpr size_t kUnackedRoundsMax = 1024;

}  // namespace

HeartbeatRounds::HeartbeatRounds(int max_pending_reads)
    : max_pending_reads_(static_cast<size_t>(max_pending_reads)) {}

void HeartbeatRounds::Reset() {
  current_round_ = 0;
  current_round_unsent_ = false;
  acked_round_ = 0;
  unacked_rounds_.clear();
  reads_.clear();
}

uint64_t HeartbeatRounds::StartRound(int64_t tick) {
  ++current_round_;
  current_round_unsent_ = true;
  if (unacked_rounds_.size() == kUnackedRoundsMax) unacked_rounds_.pop_front();
  unacked_rounds_.push_back(Round{current_round_, tick});
  return current_round_;
}

bool HeartbeatRounds::AddRead(uint64_t request_id, uint64_t index,
                              uint64_t round) {
  EKV_CHECK_GT(round, acked_round_) << "a read must wait for a new round";
  if (reads_.size() >= max_pending_reads_) return false;
  reads_.push_back(PendingRead{ReadState{index, request_id}, round});
  return true;
}

std::optional<int64_t> HeartbeatRounds::OnQuorumAck(
    uint64_t round, std::vector<ReadState>* out) {
  if (round <= acked_round_) return std::nullopt;
  EKV_CHECK_LE(round, current_round_) << "ack of a round never started";
  acked_round_ = round;
  while (!reads_.empty() && reads_.front().round <= round) {
    out->push_back(reads_.front().state);
    reads_.pop_front();
  }
  std::optional<int64_t> sent_tick;
  while (!unacked_rounds_.empty() && unacked_rounds_.front().round <= round) {
    if (unacked_rounds_.front().round == round) {
      sent_tick = unacked_rounds_.front().sent_tick;
    }
    unacked_rounds_.pop_front();
  }
  return sent_tick;
}

}  // namespace ekv::raft
