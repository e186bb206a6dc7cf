// Progress: what a leader knows of one follower's log, and how it sends to it.
//
//   kProbe      the leader does not know where the logs match: it sends one
//               MSG_APP and waits for the answer (or the next heartbeat
//               response) before sending another.
//   kReplicate  the logs match up to `match`: the leader streams MSG_APPs
//               optimistically (pipelining), bounded by the inflight window.
//   kSnapshot   the follower needs entries the leader compacted: the leader
//               streams a snapshot in chunks and sends no MSG_APP until the
//               follower reports it installed the snapshot.
#ifndef EKV_ENGINE_RAFT_PROGRESS_H_
#define EKV_ENGINE_RAFT_PROGRESS_H_

#include <cstdint>
#include <memory>
#include <optional>

#include "absl/strings/string_view.h"
#include "engine/proto/raft.pb.h"
#include "engine/raft/inflights.h"

namespace ekv::raft {

enum class ProgressState { kProbe, kReplicate, kSnapshot };
absl::string_view ProgressStateName(ProgressState state);

// The leader's side of a chunked snapshot transfer to one follower.
struct SnapshotSend {
  std::shared_ptr<const raftpb::Snapshot> snapshot;
  uint64_t next_offset = 0;   // of the next chunk to send
  uint64_t acked_offset = 0;  // bytes the follower confirmed
  bool last_chunk_sent = false;
  // Heartbeat responses since the follower last acknowledged a chunk; after
  // two, chunks were lost and the leader resends from acked_offset.
  int heartbeats_without_ack = 0;
  // Set when the leader went back to this offset on a rejection; further
  // rejections asking for it come from chunks sent before and are ignored
  // until an acknowledgement arrives.
  std::optional<uint64_t> rewound_to;
};

class Progress {
 public:
  Progress(uint64_t next, int max_inflight_msgs, uint64_t max_inflight_bytes,
           bool is_learner);

  ProgressState state() const { return state_; }
  uint64_t match() const { return match_; }
  uint64_t next() const { return next_; }
  uint64_t pending_snapshot() const { return pending_snapshot_; }
  const Inflights& inflights() const { return inflights_; }

  void BecomeProbe();
  void BecomeReplicate();
  void BecomeSnapshot(std::shared_ptr<const raftpb::Snapshot> snapshot);

  // The follower acknowledged entries up to `index`. Returns whether match
  // moved.
  bool MaybeUpdate(uint64_t index);
  // The follower rejected the MSG_APP at `rejected`; `match_hint` is the
  // leader's best guess of where the logs match. Returns false for a stale
  // rejection (one that tells nothing new), and for one that cannot move
  // next (the follower lost entries it had acknowledged): the probe then waits
  // for a heartbeat response.
  bool MaybeDecrTo(uint64_t rejected, uint64_t match_hint);
  // A MSG_APP with `count` entries (last index `last_index`, `bytes` bytes)
  // was sent.
  void SentEntries(uint64_t last_index, uint64_t count, uint64_t bytes);
  // A heartbeat response arrived: a probing leader may send again, and a
  // full window frees one slot, so that lost appends are found out.
  void OnHeartbeatResponse();

  // Whether the leader must not send MSG_APP now.
  bool IsPaused() const;

  bool is_learner = false;
  // Heard from since the last check-quorum round.
  bool recent_active = true;
  // The highest commit index sent to the follower.
  uint64_t sent_commit = 0;
  // The highest heartbeat round the follower acknowledged.
  uint64_t heartbeat_round_acked = 0;
  // The heartbeat round carried by the last MSG_APP sent to the follower.
  uint64_t append_round = 0;
  SnapshotSend snapshot_send;

 private:
  void ResetState(ProgressState state);

  ProgressState state_ = ProgressState::kProbe;
  uint64_t match_ = 0;
  uint64_t next_;
  uint64_t pending_snapshot_ = 0;
  // kProbe: a MSG_APP is out and unanswered.
  bool probe_sent_ = false;
  Inflights inflights_;
};

}  // namespace ekv::raft

#endif  // EKV_ENGINE_RAFT_PROGRESS_H_
