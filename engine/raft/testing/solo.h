// Solo: one Raft member on its own, for tests that play the other members by
// hand: step a message in, drain what it wants sent.
#ifndef EKV_ENGINE_RAFT_TESTING_SOLO_H_
#define EKV_ENGINE_RAFT_TESTING_SOLO_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "engine/proto/raft.pb.h"
#include "engine/raft/config.h"
#include "engine/raft/raw_node.h"
#include "engine/raft/storage.h"
#include "engine/raft/testing/cluster.h"

namespace ekv::raft::testing {

// An entry of `term` at `index` with `data`.
raftpb::Entry MakeEntry(uint64_t index, uint64_t term, std::string data = "");

// A message of `type` from `from` to `to` in `term`.
raftpb::Message MakeMessage(raftpb::MessageType type, NodeId from, NodeId to,
                            uint64_t term);

class Solo {
 public:
  // Member `id` of a group of `voters`, whose persisted log holds `entries`
  // (indexes from 1) and whose hard state has `term`.
  Solo(NodeId id, std::vector<NodeId> voters,
       std::vector<raftpb::Entry> entries = {}, uint64_t term = 0,
       TestCluster::ConfigTweak tweak = {});

  RawNode& node() { return *node_; }
  const Raft& raft() const { return node_->raft(); }
  MemoryStorage& storage() { return storage_; }

  // Handles every Ready (persist, apply) and returns the messages sent.
  std::vector<raftpb::Message> Drain();
  // Steps `m` and drains.
  std::vector<raftpb::Message> Step(raftpb::Message m);
  // Ticks until the member leaves the boot lease and stays a follower:
  // election_timeout_ticks - 1 ticks (no campaign yet).
  void PassBootLease();
  // Makes the member leader of the next term, granted by the other voters.
  void BecomeLeader();

  std::vector<raftpb::Entry> applied;
  std::vector<ReadState> read_states;

 private:
  MemoryStorage storage_;
  std::unique_ptr<RawNode> node_;
  std::vector<NodeId> voters_;
};

// The messages of `type` among `messages`.
std::vector<raftpb::Message> OfType(
    const std::vector<raftpb::Message>& messages, raftpb::MessageType type);

}  // namespace ekv::raft::testing

#endif  // EKV_ENGINE_RAFT_TESTING_SOLO_H_
