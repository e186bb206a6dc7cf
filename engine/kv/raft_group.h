// RaftGroup: what the coordinator needs from its Raft group member. The node
// implements it over the Raft replica (engine/raft/replica.h); tests use a
// fake. The coordinator learns of outcomes through its On* calls, which the
// node makes after the FSM applied an entry, when a ReadIndex completes, and
// when the member's role or leader changes.
#ifndef EKV_ENGINE_KV_RAFT_GROUP_H_
#define EKV_ENGINE_KV_RAFT_GROUP_H_

#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace ekv::kv {

struct ProposalId {
  uint64_t index = 0;
  uint64_t term = 0;
};

class RaftGroup {
 public:
  virtual ~RaftGroup() = default;

  // Appends `data` to the leader's log. kNotLeader (with a hint) when this
  // member does not lead; other errors when Raft refuses it (too large, too
  // many uncommitted bytes).
  virtual absl::StatusOr<ProposalId> Propose(std::string data) = 0;
  // Starts a ReadIndex round; its index arrives via Coordinator::OnReadIndex.
  virtual absl::Status ReadIndex(uint64_t request_id) = 0;

  virtual bool IsLeader() const = 0;
  // The leader this member knows of, or -1.
  virtual int64_t LeaderHint() const = 0;
  virtual uint64_t Term() const = 0;
  virtual uint64_t CommitIndex() const = 0;
  // True while this member holds a leader lease (no other leader can exist).
  virtual bool LeaseValid() const = 0;
  // True while a leadership transfer away from this member is under way.
  virtual bool Transferring() const = 0;
};

}  // namespace ekv::kv

#endif  // EKV_ENGINE_KV_RAFT_GROUP_H_
