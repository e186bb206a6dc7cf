#include "engine/raft/testing/cluster.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"

namespace ekv::raft::testing {
namespace {

// Test snapshots carry the applied normal entries as (index, data) pairs.
std::string EncodeApplied(const std::map<uint64_t, raftpb::Entry>& applied) {
  raftpb::Message holder;  // a repeated Entry field, reused as a container
  for (const auto& [index, entry] : applied) *holder.add_entries() = entry;
  return holder.SerializeAsString();
}

std::map<uint64_t, raftpb::Entry> DecodeApplied(const std::string& data) {
  raftpb::Message holder;
  EXPECT_TRUE(holder.ParseFromString(data));
  std::map<uint64_t, raftpb::Entry> applied;
  for (const raftpb::Entry& entry : holder.entries()) {
    applied[entry.index()] = entry;
  }
  return applied;
}

}  // namespace

Config TestConfig(NodeId id, uint64_t seed) {
  Config config;
  config.id = id;
  config.election_timeout_ticks = 10;
  config.heartbeat_interval_ticks = 1;
  config.transfer_timeout_ticks = 10;
  config.random_seed = seed * 1000 + id;
  return config;
}

TestCluster::TestCluster(std::vector<NodeId> voters, ConfigTweak tweak,
                         std::vector<NodeId> learners)
    : tweak_(std::move(tweak)) {
  raftpb::ConfState conf_state;
  for (NodeId id : voters) conf_state.add_voters(id);
  for (NodeId id : learners) conf_state.add_learners(id);
  bootstrap_conf_state_ = conf_state;
  std::vector<NodeId> all = voters;
  all.insert(all.end(), learners.begin(), learners.end());
  for (NodeId id : all) {
    TestMember& m = members_[id];
    m.storage = std::make_unique<MemoryStorage>(conf_state);
    Config config = TestConfig(id, seed_);
    if (tweak_) tweak_(config);
    m.node = std::make_unique<RawNode>(config, m.storage.get());
  }
}

void TestCluster::AddEmptyMember(NodeId id) {
  TestMember& m = members_[id];
  m.storage = std::make_unique<MemoryStorage>(bootstrap_conf_state_);
  Config config = TestConfig(id, seed_);
  if (tweak_) tweak_(config);
  m.node = std::make_unique<RawNode>(config, m.storage.get());
}

std::vector<NodeId> TestCluster::ids() const {
  std::vector<NodeId> ids;
  for (const auto& [id, m] : members_) ids.push_back(id);
  return ids;
}

void TestCluster::HandleReady(NodeId id, TestMember& m) {
  // Bounded: each Ready makes progress; a member with more than this many
  // in a row is stuck in a loop.
  for (int i = 0; i < 10000 && m.node->HasReady(); ++i) {
    Ready& rd = m.node->GetReady();
    if (rd.snapshot != nullptr && !m.storage->ApplySnapshot(*rd.snapshot)) {
      Violation(absl::StrCat("member ", id, " got an older snapshot"));
    }
    m.storage->Append(rd.entries);
    if (rd.hard_state.has_value()) m.storage->SetHardState(*rd.hard_state);
    for (raftpb::Message& msg : rd.messages) {
      sent_.push_back(msg);
      queue_.push_back(std::move(msg));
    }
    if (rd.snapshot != nullptr) {
      m.applied = DecodeApplied(rd.snapshot->data());
      m.snapshot_index = rd.snapshot->metadata().index();
    }
    for (const raftpb::Entry& entry : rd.committed_entries) {
      auto [it, inserted] = applied_at_.emplace(
          entry.index(),
          AppliedEntry{entry.term(), entry.data(), m.node->raft().term()});
      // The entry was committed in a term no later than any applier's.
      it->second.commit_term_max =
          std::min(it->second.commit_term_max, m.node->raft().term());
      if (it->second.term != entry.term() || it->second.data != entry.data()) {
        Violation(absl::StrCat("state machine safety: member ", id,
                               " applied a different entry at index ",
                               entry.index()));
      }
      if (entry.type() == raftpb::ENTRY_NORMAL && !entry.data().empty()) {
        m.applied[entry.index()] = entry;
      }
    }
    for (const ReadState& rs : rd.read_states) m.read_states.push_back(rs);
    m.node->Advance();
    CheckInvariants(id);
  }
}

void TestCluster::CheckInvariants(NodeId id) {
  const Raft& r = raft(id);
  if (r.role() == Role::kLeader) {
    auto [it, inserted] = leader_of_term_.emplace(r.term(), id);
    if (it->second != id) {
      Violation(absl::StrCat("election safety: ", it->second, " and ", id,
                             " lead term ", r.term()));
    }
    // Leader completeness: every entry committed in an earlier term is in
    // its log.
    for (const auto& [index, applied] : applied_at_) {
      if (index < r.log().FirstIndex() || applied.commit_term_max >= r.term()) {
        continue;
      }
      if (r.log().TermOrZero(index) != applied.term) {
        Violation(absl::StrCat("leader completeness: leader ", id, " of term ",
                               r.term(), " lacks the committed entry at ",
                               index));
      }
    }
  }
  // Log matching: an (index, term) names one entry everywhere.
  const RaftLog& log = r.log();
  std::vector<raftpb::Entry> entries;
  if (log.LastIndex() >= log.FirstIndex()) {
    log.Entries(log.FirstIndex(), log.LastIndex() + 1, UINT64_MAX, &entries);
  }
  for (const raftpb::Entry& entry : entries) {
    auto [it, inserted] = entry_at_.emplace(
        std::make_pair(entry.index(), entry.term()),
        std::make_pair(log.TermOrZero(entry.index() - 1), entry.data()));
    if (it->second.first != log.TermOrZero(entry.index() - 1) ||
        it->second.second != entry.data()) {
      Violation(absl::StrCat("log matching: member ", id,
                             " has another entry at (", entry.index(), ", ",
                             entry.term(), ") or before it"));
    }
  }
}

bool TestCluster::Dropped(const raftpb::Message& m) const {
  if (cuts_.count({m.from(), m.to()}) > 0) return true;
  return filter_ && filter_(m);
}

void TestCluster::Deliver(raftpb::Message msg) {
  auto it = members_.find(msg.to());
  if (it == members_.end() || it->second.crashed || Dropped(msg)) return;
  (void)it->second.node->Step(std::move(msg));
}

bool TestCluster::StepRound() {
  sent_.clear();
  bool moved = false;
  for (auto& [id, m] : members_) {
    if (m.crashed) continue;
    if (m.node->HasReady()) moved = true;
    HandleReady(id, m);
  }
  std::deque<raftpb::Message> batch;
  batch.swap(queue_);
  if (!batch.empty()) moved = true;
  for (raftpb::Message& msg : batch) Deliver(std::move(msg));
  return moved;
}

void TestCluster::Stabilize(int max_rounds) {
  for (int round = 0; round < max_rounds; ++round) {
    if (!StepRound()) return;
  }
  Violation(
      absl::StrCat("cluster did not stabilize in ", max_rounds, " rounds"));
}

std::vector<raftpb::Message> TestCluster::TakeQueued() {
  for (auto& [id, m] : members_) {
    if (!m.crashed) HandleReady(id, m);
  }
  std::vector<raftpb::Message> taken(queue_.begin(), queue_.end());
  queue_.clear();
  return taken;
}

void TestCluster::Tick(NodeId id, int ticks) {
  for (int i = 0; i < ticks; ++i) {
    if (!members_.at(id).crashed) node(id).Tick();
  }
}

void TestCluster::TickAll(int ticks) {
  for (int i = 0; i < ticks; ++i) {
    for (auto& [id, m] : members_) {
      if (!m.crashed) m.node->Tick();
    }
  }
}

NodeId TestCluster::Leader() const {
  NodeId leader = kNoNode;
  uint64_t term = 0;
  for (const auto& [id, m] : members_) {
    if (m.crashed) continue;
    const Raft& r = m.node->raft();
    if (r.role() == Role::kLeader && r.term() >= term) {
      leader = id;
      term = r.term();
    }
  }
  return leader;
}

void TestCluster::ElectLeader(NodeId id, int max_ticks) {
  for (int t = 0; t < max_ticks; ++t) {
    Stabilize();
    const NodeId leader = Leader();
    if (leader == id) return;
    if (leader != kNoNode && raft(leader).CommittedInCurrentTerm()) {
      // Someone else won: hand leadership over, as an operator would.
      EXPECT_TRUE(node(leader).TransferLeadership(id).ok());
      Stabilize();
      if (Leader() == id) return;
    }
    TickAll();
  }
  Violation(absl::StrCat("member ", id, " did not become leader"));
}

void TestCluster::Campaign(NodeId id) {
  node(id).Campaign();
  Stabilize();
}

absl::StatusOr<EntryId> TestCluster::Propose(NodeId id, std::string data) {
  return node(id).Propose(std::move(data));
}

void TestCluster::Cut(NodeId a, NodeId b) {
  cuts_.insert({a, b});
  cuts_.insert({b, a});
}

void TestCluster::Isolate(NodeId id) {
  for (const auto& [other, m] : members_) {
    if (other != id) Cut(id, other);
  }
}

void TestCluster::Heal() {
  cuts_.clear();
  filter_ = nullptr;
}

void TestCluster::Crash(NodeId id) {
  TestMember& m = members_.at(id);
  m.crashed = true;
  m.node.reset();
}

void TestCluster::Restart(NodeId id) {
  TestMember& m = members_.at(id);
  const auto snapshot = m.storage->Snapshot();
  m.applied = (*snapshot)->data().empty() ? std::map<uint64_t, raftpb::Entry>()
                                          : DecodeApplied((*snapshot)->data());
  m.snapshot_index = (*snapshot)->metadata().index();
  Config config = TestConfig(id, seed_ + 17);
  if (tweak_) tweak_(config);
  config.applied_index = m.snapshot_index;
  m.node = std::make_unique<RawNode>(config, m.storage.get());
  m.crashed = false;
}

void TestCluster::SnapshotAndCompact(NodeId id, uint64_t compact_to) {
  TestMember& m = members_.at(id);
  const uint64_t applied = m.node->raft().log().applied();
  absl::Status status = m.storage->CreateSnapshot(
      applied, m.node->raft().conf_state(), EncodeApplied(m.applied));
  if (status.ok()) status = m.storage->Compact(std::min(compact_to, applied));
  if (!status.ok()) Violation(absl::StrCat("snapshot: ", status.ToString()));
}

TestCluster::~TestCluster() {
  if (!expect_no_violations_on_destruction_) return;
  for (const std::string& v : violations_) ADD_FAILURE() << v;
}

void TestCluster::Violation(std::string what) {
  violations_.push_back(std::move(what));
}

std::vector<std::string> TestCluster::TakeViolations() {
  std::vector<std::string> taken = std::move(violations_);
  violations_.clear();
  return taken;
}

std::vector<std::string> TestCluster::AppliedData(NodeId id) const {
  std::vector<std::string> data;
  for (const auto& [index, entry] : members_.at(id).applied) {
    data.push_back(entry.data());
  }
  return data;
}

}  // namespace ekv::raft::testing
