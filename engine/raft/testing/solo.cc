#include "engine/raft/testing/solo.h"

#include <utility>

#include "gtest/gtest.h"

namespace ekv::raft::testing {

raftpb::Entry MakeEntry(uint64_t index, uint64_t term, std::string data) {
  raftpb::Entry entry;
  entry.set_index(index);
  entry.set_term(term);
  entry.set_data(std::move(data));
  return entry;
}

raftpb::Message MakeMessage(raftpb::MessageType type, NodeId from, NodeId to,
                            uint64_t term) {
  raftpb::Message m;
  m.set_type(type);
  m.set_from(from);
  m.set_to(to);
  m.set_term(term);
  return m;
}

namespace {

raftpb::ConfState Voters(const std::vector<NodeId>& voters) {
  raftpb::ConfState conf_state;
  for (NodeId id : voters) conf_state.add_voters(id);
  return conf_state;
}

}  // namespace

Solo::Solo(NodeId id, std::vector<NodeId> voters,
           std::vector<raftpb::Entry> entries, uint64_t term,
           TestCluster::ConfigTweak tweak)
    : storage_(Voters(voters)), voters_(std::move(voters)) {
  storage_.Append(entries);
  raftpb::HardState hard_state;
  hard_state.set_term(term);
  storage_.SetHardState(hard_state);
  Config config = TestConfig(id);
  if (tweak) tweak(config);
  node_ = std::make_unique<RawNode>(config, &storage_);
}

std::vector<raftpb::Message> Solo::Drain() {
  std::vector<raftpb::Message> sent;
  for (int i = 0; i < 1000 && node_->HasReady(); ++i) {
    Ready& rd = node_->GetReady();
    if (rd.snapshot != nullptr) storage_.ApplySnapshot(*rd.snapshot);
    storage_.Append(rd.entries);
    if (rd.hard_state.has_value()) storage_.SetHardState(*rd.hard_state);
    for (raftpb::Message& m : rd.messages) sent.push_back(std::move(m));
    for (const raftpb::Entry& e : rd.committed_entries) applied.push_back(e);
    for (const ReadState& rs : rd.read_states) read_states.push_back(rs);
    node_->Advance();
  }
  return sent;
}

std::vector<raftpb::Message> Solo::Step(raftpb::Message m) {
  EXPECT_TRUE(node_->Step(std::move(m)).ok());
  return Drain();
}

void Solo::PassBootLease() {
  for (int i = 0; i < raft().config().election_timeout_ticks; ++i) {
    node_->Tick();
  }
  // The last tick may have started a campaign; that is fine for callers that
  // want a member out of its boot lease, but drain it so they start clean.
  Drain();
}

void Solo::BecomeLeader() {
  node_->Campaign();
  Drain();
  const NodeId self = raft().id();
  if (raft().role() == Role::kPreCandidate) {
    for (NodeId id : voters_) {
      if (id == self) continue;
      Step(MakeMessage(raftpb::MSG_PRE_VOTE_RESP, id, self, raft().term() + 1));
    }
  }
  for (NodeId id : voters_) {
    if (id == self || raft().role() != Role::kCandidate) continue;
    Step(MakeMessage(raftpb::MSG_VOTE_RESP, id, self, raft().term()));
  }
  EXPECT_EQ(raft().role(), Role::kLeader);
}

std::vector<raftpb::Message> OfType(
    const std::vector<raftpb::Message>& messages, raftpb::MessageType type) {
  std::vector<raftpb::Message> out;
  for (const raftpb::Message& m : messages) {
    if (m.type() == type) out.push_back(m);
  }
  return out;
}

}  // namespace ekv::raft::testing
