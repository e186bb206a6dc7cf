#include "tests/raft_checker.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "engine/raft/testing/replica_node.h"
#include "xxhash.h"

namespace ekv::raft_sim {
namespace {

// Violations kept verbatim; later ones are only counted.
constexpr size_t kViolationsKept = 20;

uint64_t DataHash(const raftpb::Entry& entry) {
  const uint64_t type = static_cast<uint64_t>(entry.type());
  return XXH64(entry.data().data(), entry.data().size(), type);
}

}  // namespace

void RaftChecker::Violation(std::string what) {
  // The first violation is the one worth reading; stop the run there.
  world_->RequestStop();
  ++violation_count_;
  if (violations_.size() < kViolationsKept) {
    violations_.push_back(
        absl::StrCat("t=", world_->now_ns(), "ns: ", std::move(what)));
  }
}

uint64_t RaftChecker::StateHash(EndpointId node) const {
  auto* process = world_->ProcessAs<raft::testing::ReplicaNode>(node);
  return process == nullptr ? 0 : process->state().hash();
}

uint64_t RaftChecker::hash_at(uint64_t index) const {
  auto it = applied_.find(index);
  return it == applied_.end() ? 0 : it->second.state_hash;
}

void RaftChecker::OnPersisted(EndpointId node,
                              absl::Span<const raftpb::Entry> entries) {
  auto* process = world_->ProcessAs<raft::testing::ReplicaNode>(node);
  if (process == nullptr || process->replica().raw_node() == nullptr) return;
  const raft::RaftLog& log = process->replica().raw_node()->raft().log();
  uint64_t previous_term = log.TermOrZero(entries.front().index() - 1);
  for (const raftpb::Entry& entry : entries) {
    const auto key = std::make_pair(entry.index(), entry.term());
    const auto value = std::make_pair(previous_term, DataHash(entry));
    auto [it, inserted] = entries_.emplace(key, value);
    if (!inserted && it->second != value) {
      Violation(absl::StrCat("log matching: node ", node, " persisted another ",
                             "entry at (", entry.index(), ", ", entry.term(),
                             ") or a different one before it"));
    }
    previous_term = entry.term();
  }
}

void RaftChecker::OnApplied(EndpointId node, const raftpb::Entry& entry) {
  auto* process = world_->ProcessAs<raft::testing::ReplicaNode>(node);
  const uint64_t term = process == nullptr ? 0 : process->replica().term();
  const Applied applied{entry.term(), DataHash(entry), StateHash(node), term};
  auto [it, inserted] = applied_.emplace(entry.index(), applied);
  if (!inserted) {
    if (it->second.term != applied.term ||
        it->second.data_hash != applied.data_hash) {
      Violation(absl::StrCat("state machine safety: node ", node,
                             " applied another entry at index ",
                             entry.index()));
    } else if (it->second.state_hash != applied.state_hash) {
      Violation(absl::StrCat("state machine safety: node ", node,
                             " reached another state at index ", entry.index(),
                             " (its earlier entries differ)"));
    }
    it->second.commit_term_max = std::min(it->second.commit_term_max, term);
  }
  if (on_applied) on_applied(node, entry);
}

void RaftChecker::OnRestored(EndpointId node,
                             const raftpb::SnapshotMetadata& meta) {
  auto it = applied_.find(meta.index());
  if (it == applied_.end()) return;  // taken from a state nobody reported
  if (it->second.term != meta.term() ||
      it->second.state_hash != StateHash(node)) {
    Violation(absl::StrCat("state machine safety: node ", node,
                           " restored a snapshot at ", meta.index(),
                           " whose state differs from what was applied"));
  }
}

void RaftChecker::AfterEvent() {
  CheckLeaders();
  CheckLeases();
}

void RaftChecker::CheckLeaders() {
  for (EndpointId node : world_->nodes()) {
    auto* process = world_->ProcessAs<raft::testing::ReplicaNode>(node);
    if (process == nullptr || process->replica().raw_node() == nullptr)
      continue;
    const raft::Raft& raft = process->replica().raw_node()->raft();
    if (raft.role() != raft::Role::kLeader) continue;
    auto [it, inserted] = leader_of_term_.emplace(raft.term(), node);
    if (it->second != node) {
      Violation(absl::StrCat("election safety: nodes ", it->second, " and ",
                             node, " both lead term ", raft.term()));
    }
    if (completeness_checked_.insert({node, raft.term()}).second) {
      CheckLeaderCompleteness(node, raft);
    }
  }
}

void RaftChecker::CheckLeaderCompleteness(EndpointId node,
                                          const raft::Raft& raft) {
  const raft::RaftLog& log = raft.log();
  for (const auto& [index, applied] : applied_) {
    if (applied.commit_term_max >= raft.term() || index < log.FirstIndex()) {
      continue;
    }
    if (log.TermOrZero(index) != applied.term) {
      Violation(absl::StrCat("leader completeness: node ", node, " leads term ",
                             raft.term(), " without the entry committed at ",
                             index, " (term ", applied.term, ")"));
      return;
    }
  }
}

void RaftChecker::CheckLeases() {
  const int64_t now = world_->now_ns();
  for (EndpointId holder : world_->nodes()) {
    auto* process = world_->ProcessAs<raft::testing::ReplicaNode>(holder);
    if (process == nullptr) continue;
    const raft::Replica& replica = process->replica();
    if (!replica.LeaseValidAt(world_->clock(holder).MonotonicAt(now))) {
      continue;
    }
    for (EndpointId other : world_->nodes()) {
      auto* p = world_->ProcessAs<raft::testing::ReplicaNode>(other);
      if (p == nullptr || other == holder || p->replica().raw_node() == nullptr)
        continue;
      const raft::Raft& raft = p->replica().raw_node()->raft();
      if (raft.role() == raft::Role::kLeader && raft.term() > replica.term() &&
          raft.CommittedInCurrentTerm()) {
        Violation(absl::StrCat("lease safety: node ", holder,
                               " holds a lease in term ", replica.term(),
                               " while node ", other, " leads term ",
                               raft.term(), " with a commit in it"));
      }
    }
  }
}

}  // namespace ekv::raft_sim
