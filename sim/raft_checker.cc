#include "sim/raft_checker.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "engine/base/check.h"
#include "xxhash.h"

namespace ekv::sim {
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
  return state_hash_of_ ? state_hash_of_(node) : 0;
}

const RaftChecker::Applied* RaftChecker::AppliedAt(uint64_t index) const {
  if (index == 0 || index > applied_.size()) return nullptr;
  return &applied_[index - 1];
}

uint64_t RaftChecker::hash_at(uint64_t index) const {
  const Applied* applied = AppliedAt(index);
  return applied == nullptr ? 0 : applied->state_hash;
}

void RaftChecker::OnPersisted(EndpointId node,
                              absl::Span<const raftpb::Entry> entries) {
  const raft::Replica* replica = CachedReplica(node);
  if (replica == nullptr || replica->raw_node() == nullptr) return;
  const raft::RaftLog& log = replica->raw_node()->raft().log();
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
  const raft::Replica* replica = CachedReplica(node);
  const uint64_t term = replica == nullptr ? 0 : replica->term();
  const Applied applied{entry.term(), DataHash(entry), StateHash(node), term};
  EKV_CHECK_GT(entry.index(), 0u);
  if (entry.index() > applied_.size()) applied_.resize(entry.index());
  Applied& seen = applied_[entry.index() - 1];
  if (seen.term == 0) {
    seen = applied;
  } else {
    if (seen.term != applied.term || seen.data_hash != applied.data_hash) {
      Violation(absl::StrCat("state machine safety: node ", node,
                             " applied another entry at index ",
                             entry.index()));
    } else if (state_hash_of_ && seen.state_hash != applied.state_hash) {
      Violation(absl::StrCat("state machine safety: node ", node,
                             " reached another state at index ", entry.index(),
                             " (its earlier entries differ)"));
    }
    seen.commit_term_max = std::min(seen.commit_term_max, term);
  }
  if (on_applied) on_applied(node, entry);
}

void RaftChecker::OnRestored(EndpointId node,
                             const raftpb::SnapshotMetadata& meta) {
  const Applied* applied = AppliedAt(meta.index());
  // Taken from a state nobody reported.
  if (applied == nullptr || applied->term == 0) return;
  if (applied->term != meta.term() ||
      (state_hash_of_ && applied->state_hash != StateHash(node))) {
    Violation(absl::StrCat("state machine safety: node ", node,
                           " restored a snapshot at ", meta.index(),
                           " whose state differs from what was applied"));
  }
}

void RaftChecker::AfterEvent() {
  // Only a node's own event changes Raft state (who leads, what is committed,
  // who holds a lease); clients' and the world's events cannot.
  const EndpointId id = world_->current_endpoint();
  if (id == 0 || !world_->IsNode(id)) return;
  RefreshReplicas();
  const raft::Replica* replica = replicas_[id];  // the event's node's
  if (StateMayHaveChanged(id, replica) && replica != nullptr &&
      replica->raw_node() != nullptr) {
    CheckLeader(id, replica->raw_node()->raft());
  }
  // A lease runs out with time, not with events, so this one always runs.
  CheckLeases();
  CheckOwnLog(id, replica);
}

void RaftChecker::RefreshReplicas() {
  if (replicas_seen_ == world_->process_changes()) return;
  replicas_seen_ = world_->process_changes();
  replicas_.clear();
  live_.clear();
  for (EndpointId node : world_->nodes()) {
    if (replicas_.size() <= node) replicas_.resize(node + 1, nullptr);
    const raft::Replica* replica = replica_of_(node);
    replicas_[node] = replica;
    if (replica != nullptr) live_.push_back({node, replica});
  }
}

const raft::Replica* RaftChecker::CachedReplica(EndpointId node) {
  RefreshReplicas();
  return node < replicas_.size() ? replicas_[node] : nullptr;
}

bool RaftChecker::StateMayHaveChanged(EndpointId node,
                                      const raft::Replica* replica) {
  if (seen_.size() <= node) seen_.resize(node + 1);
  Seen& seen = seen_[node];
  const uint64_t boot = world_->boots(node);
  const uint64_t readies = replica == nullptr || replica->raw_node() == nullptr
                               ? 0
                               : replica->raw_node()->readies_issued();
  // A new process starts its count from 0; its first event always counts.
  if (seen.boot == boot && seen.readies == readies && readies != 0) {
    return false;
  }
  if (seen.boot != boot) seen = Seen{};
  seen.boot = boot;
  seen.readies = readies;
  ++states_seen_;
  return true;
}

// The highest (index, term) the node's log holds that is committed: its own
// commit index, or a live member's that its log matches there.
std::pair<uint64_t, uint64_t> RaftChecker::HeldCommitted(
    EndpointId node, const raft::RaftLog& log) const {
  std::pair<uint64_t, uint64_t> held{log.committed(),
                                     log.TermOrZero(log.committed())};
  for (const auto& [other, replica] : live_) {
    if (other == node || replica->raw_node() == nullptr) continue;
    const raft::RaftLog& other_log = replica->raw_node()->raft().log();
    const uint64_t index = std::min(other_log.committed(), log.LastIndex());
    if (index <= held.first) continue;
    const uint64_t term = log.TermOrZero(index);
    if (term != 0 && term == other_log.TermOrZero(index)) held = {index, term};
  }
  return held;
}

void RaftChecker::CheckOwnLog(EndpointId node, const raft::Replica* replica) {
  if (log_views_.size() <= node) log_views_.resize(node + 1);
  LogView& view = log_views_[node];
  if (replica == nullptr || replica->raw_node() == nullptr) {
    view = LogView();
    return;
  }
  const uint64_t boot = world_->boots(node);
  // Nobody's state moved since the view was taken: the checks below would
  // find what they found then, and the view would come out the same.
  if (view.boot == boot && view.states_seen == states_seen_) return;
  const raft::Raft& raft = replica->raw_node()->raft();
  const raft::RaftLog& log = raft.log();
  if (view.boot == boot) {
    if (raft.role() == raft::Role::kLeader &&
        log.committed() > view.committed &&
        log.TermOrZero(log.committed()) != raft.term()) {
      Violation(absl::StrCat(
          "commit rule: leader ", node, " of term ", raft.term(),
          " committed index ", log.committed(), " of term ",
          log.TermOrZero(log.committed()),
          " (older terms' entries commit only under one of the leader's)"));
    }
    if (view.held_index + 1 >= log.FirstIndex() &&
        log.TermOrZero(view.held_index) != view.held_term) {
      Violation(
          absl::StrCat("committed entry lost: node ", node,
                       " dropped the entry at ", view.held_index, " (term ",
                       view.held_term, ") from its log; its log now ends at ",
                       log.LastIndex(), ", first index ", log.FirstIndex()));
    }
  }
  const auto [held_index, held_term] = HeldCommitted(node, log);
  view = LogView{boot, log.committed(), held_index, held_term, states_seen_};
}

void RaftChecker::CheckLeader(EndpointId node, const raft::Raft& raft) {
  Seen& seen = seen_[node];
  if (raft.role() != raft::Role::kLeader) {
    seen.led = false;
    return;
  }
  if (seen.led && seen.term == raft.term()) return;  // checked on taking office
  seen.led = true;
  seen.term = raft.term();
  auto [it, inserted] = leader_of_term_.emplace(raft.term(), node);
  if (it->second != node) {
    Violation(absl::StrCat("election safety: nodes ", it->second, " and ", node,
                           " both lead term ", raft.term()));
  }
  if (completeness_checked_.insert({node, raft.term()}).second) {
    CheckLeaderCompleteness(node, raft);
  }
}

void RaftChecker::CheckLeaderCompleteness(EndpointId node,
                                          const raft::Raft& raft) {
  const raft::RaftLog& log = raft.log();
  for (uint64_t index = std::max<uint64_t>(log.FirstIndex(), 1);
       index <= applied_.size(); ++index) {
    const Applied& applied = applied_[index - 1];
    if (applied.term == 0 || applied.commit_term_max >= raft.term()) continue;
    if (log.TermOrZero(index) != applied.term) {
      Violation(absl::StrCat("leader completeness: node ", node, " leads term ",
                             raft.term(), " without the entry committed at ",
                             index, " (term ", applied.term, ")"));
      return;
    }
  }
}

void RaftChecker::CheckLeases() {
  // A violation needs a member leading a later term with a commit in it; the
  // cheap test of who leads comes first, and a holder's lease (its clock
  // read) is computed only when some such leader exists.
  uint64_t contender_term_max = 0;
  for (const auto& [other, p] : live_) {
    if (p->raw_node() == nullptr) continue;
    const raft::Raft& raft = p->raw_node()->raft();
    if (raft.role() == raft::Role::kLeader && raft.CommittedInCurrentTerm()) {
      contender_term_max = std::max(contender_term_max, raft.term());
    }
  }
  if (contender_term_max == 0) return;
  const int64_t now = world_->now_ns();
  for (const auto& [holder, holder_replica] : live_) {
    const raft::Replica& replica = *holder_replica;
    if (replica.term() >= contender_term_max ||
        !replica.LeaseValidAt(world_->clock(holder).MonotonicAt(now))) {
      continue;
    }
    for (const auto& [other, p] : live_) {
      if (other == holder || p->raw_node() == nullptr) continue;
      const raft::Raft& raft = p->raw_node()->raft();
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

}  // namespace ekv::sim
