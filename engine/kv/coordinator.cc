#include "engine/kv/coordinator.h"

#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "engine/base/check.h"
#include "engine/base/status.h"

namespace ekv::kv {
namespace {

DispatchResult Failed(absl::Status status) {
  DispatchResult result;
  result.status = std::move(status);
  return result;
}

absl::Status Busy(absl::string_view what) {
  return MakeError(ErrorKind::kLeaderNotFound,
                   absl::StrCat("too many pending ", what, "; retry later"));
}

}  // namespace

Coordinator::Coordinator(RaftGroup* raft, Fsm* fsm, hlc::Hlc* hlc,
                         ActiveTimestampTracker* tracker, ekv::Clock* clock,
                         const CoordinatorOptions& options)
    : raft_(raft),
      fsm_(fsm),
      hlc_(hlc),
      tracker_(tracker),
      clock_(clock),
      options_(options) {
  EKV_CHECK(raft_ && fsm_ && hlc_ && tracker_ && clock_);
  EKV_CHECK_OK(ValidateTiming(options_.timing));
}

int64_t Coordinator::Deadline() const {
  return Now() + options_.timing.request_timeout_ms * kNanosPerMilli;
}

bool Coordinator::IsLeaderAcceptingWrites() const {
  return ready_ && raft_->IsLeader() && !raft_->Transferring();
}

void Coordinator::CheckLeadership() {
  const bool leader = raft_->IsLeader();
  const uint64_t term = raft_->Term();
  if (ready_ && (!leader || term != ready_term_)) StepDown();
  // An applied entry of this term means the term's no-op, and so every entry
  // of earlier terms (every ceiling they committed), has applied.
  const bool term_begun =
      last_applied_term_ == term ||
      EKV_PLANTED_BUG(options_.bugs, kHlcWithoutCeilingWait);
  if (!ready_ && leader && term_begun) BecomeReady();
}

void Coordinator::BecomeReady() {
  ready_ = true;
  ready_term_ = raft_->Term();
  ++stats_.terms_led;
  hlc_->BeginIssuing(
      /*adopt_ceiling=*/!EKV_PLANTED_BUG(options_.bugs,
                                         kHlcWithoutCeilingWait));
  ceiling_in_flight_ = false;
  last_compaction_ns_ = Now();
  ProposeCeiling();
}

void Coordinator::StepDown() {
  ready_ = false;
  hlc_->StopIssuing();
  ceiling_in_flight_ = false;
  // Never proposed: a definite refusal.
  std::deque<Parked> parked = std::move(parked_);
  parked_.clear();
  for (Parked& p : parked) p.done(Failed(NotLeaderError(raft_->LeaderHint())));
  // Reads not yet confirmed cannot be confirmed by this term any more.
  std::map<uint64_t, Read> reads = std::move(reads_);
  reads_.clear();
  for (auto& [id, read] : reads) read.done(NotLeaderError(raft_->LeaderHint()));
}

void Coordinator::ProposeCeiling() {
  last_renewal_ns_ = Now();
  const auto id = raft_->Propose(
      HlcLeaseCommand(hlc_->NextCeilingMs()).SerializeAsString());
  if (!id.ok()) return;  // the next renewal tries again
  ceiling_in_flight_ = true;
  ++stats_.ceiling_proposals;
}

void Coordinator::MaybeCompact() {
  const int64_t interval_ns =
      options_.timing.compaction.interval_ms * kNanosPerMilli;
  if (Now() - last_compaction_ns_ < interval_ns) return;
  last_compaction_ns_ = Now();
  const uint64_t oldest_pinned =
      EKV_PLANTED_BUG(options_.bugs, kCompactionBelowPinnedRead)
          ? 0
          : tracker_->Oldest();
  const auto min_ts =
      NextCompactionTs(options_.timing.compaction, hlc_->Current(),
                       fsm_->store().compacted_ts(), oldest_pinned);
  if (!min_ts.has_value()) return;
  if (raft_->Propose(CompactCommand(*min_ts).SerializeAsString()).ok()) {
    ++stats_.compaction_proposals;
    compaction_proposed_ts_ = std::max(compaction_proposed_ts_, *min_ts);
  }
}

void Coordinator::Dispatch(OperationGroup group, DispatchCallback done) {
  CheckLeadership();
  if (!raft_->IsLeader()) {
    return done(Failed(NotLeaderError(raft_->LeaderHint())));
  }
  if (!ready_) {
    return done(Failed(MakeError(ErrorKind::kLeaderNotFound,
                                 "leader not ready: its term has not begun")));
  }
  if (absl::Status valid = ValidateGroup(group); !valid.ok()) {
    return done(Failed(std::move(valid)));
  }
  if (proposals_.size() >= options_.pending_proposals_max) {
    return done(Failed(Busy("proposals")));
  }
  ProposeGroup(std::move(group), std::move(done));
}

void Coordinator::ProposeGroup(OperationGroup group, DispatchCallback done) {
  uint64_t commit_ts = group.commit_ts;
  if (commit_ts == 0) {
    auto next = hlc_->Next();
    if (!next.ok()) {
      const bool at_ceiling =
          IsErrorKind(next.status(), ErrorKind::kHlcCeilingExpired);
      if (at_ceiling) EKV_PROBE(options_.probes, kHlcIssueRefused);
      if (!at_ceiling || parked_.size() >= options_.parked_dispatches_max) {
        return done(Failed(next.status()));
      }
      if (!ceiling_in_flight_) ProposeCeiling();
      parked_.push_back(Parked{std::move(group), Deadline(), std::move(done)});
      return;
    }
    commit_ts = *next;
  }
  if (group.is_txn && group.start_ts >= commit_ts) {
    return done(Failed(InvalidRequestError(absl::StrCat(
        "start ts ", group.start_ts, " not below commit ts ", commit_ts))));
  }
  const bool tagged = group.client_id != 0;
  auto id = raft_->Propose(EncodeGroup(group, commit_ts).SerializeAsString());
  if (!id.ok()) return done(Failed(id.status()));
  ++stats_.proposals;
  Proposal old;
  if (const auto it = proposals_.find(id->index); it != proposals_.end()) {
    // This leader's log replaced the old entry there: it never committed.
    old = std::move(it->second);
    ++stats_.proposals_lost;
  }
  proposals_[id->index] =
      Proposal{id->term, tagged, Deadline(), std::move(done)};
  if (old.done) old.done(Failed(NotLeaderError(raft_->LeaderHint())));
}

void Coordinator::RetryParked() {
  std::deque<Parked> parked = std::move(parked_);
  parked_.clear();
  for (Parked& p : parked) {
    if (!ready_) {
      p.done(Failed(NotLeaderError(raft_->LeaderHint())));
      continue;
    }
    ProposeGroup(std::move(p.group), std::move(p.done));
  }
}

void Coordinator::OnApplied(uint64_t index, uint64_t term,
                            const ApplyResult& result) {
  const bool hlc_lease = result.hlc_lease;
  last_applied_term_ = term;
  if (auto it = proposals_.find(index); it != proposals_.end()) {
    Proposal proposal = std::move(it->second);
    proposals_.erase(it);
    if (proposal.term == term) {
      DispatchResult out;
      out.status = result.status;
      out.commit_ts = result.commit_ts;
      out.index = index;
      out.deduplicated = result.deduplicated;
      out.condition_failed = result.condition_failed;
      out.outcome_recorded = proposal.tagged;
      proposal.done(out);
    } else {
      ++stats_.proposals_lost;
      proposal.done(Failed(NotLeaderError(raft_->LeaderHint())));
    }
  }
  std::vector<ReadCallback> ready_reads;
  while (!waiters_.empty() && waiters_.begin()->first <= index) {
    ready_reads.push_back(std::move(waiters_.begin()->second.done));
    waiters_.erase(waiters_.begin());
  }
  for (ReadCallback& done : ready_reads) done(absl::OkStatus());
  if (hlc_lease) ceiling_in_flight_ = false;
  CheckLeadership();
  if (hlc_lease && !parked_.empty()) RetryParked();
}

void Coordinator::OnSnapshotRestored(uint64_t index) {
  std::vector<DispatchCallback> unknown;
  while (!proposals_.empty() && proposals_.begin()->first <= index) {
    unknown.push_back(std::move(proposals_.begin()->second.done));
    proposals_.erase(proposals_.begin());
  }
  for (DispatchCallback& done : unknown) {
    done(Failed(
        TimeoutError("proposal outcome unknown: a snapshot replaced it")));
  }
  std::vector<ReadCallback> ready_reads;
  while (!waiters_.empty() && waiters_.begin()->first <= index) {
    ready_reads.push_back(std::move(waiters_.begin()->second.done));
    waiters_.erase(waiters_.begin());
  }
  for (ReadCallback& done : ready_reads) done(absl::OkStatus());
}

void Coordinator::LinearizableRead(ReadCallback done) {
  CheckLeadership();
  if (!raft_->IsLeader()) return done(NotLeaderError(raft_->LeaderHint()));
  StartReadIndex(true, std::move(done));
}

bool Coordinator::LeaseReadAllowed() const {
  // The defect trusts Raft's lease alone, which then outlives leadership.
  if (EKV_PLANTED_BUG(options_.bugs, kLeaseAfterStepDown)) {
    return raft_->LeaseValid();
  }
  // Ready: this term's no-op applied, so the commit index covers every write
  // acknowledged by any earlier leader.
  return ready_ && raft_->IsLeader() && raft_->LeaseValid();
}

void Coordinator::LeaseRead(ReadCallback done) {
  CheckLeadership();
  if (!options_.lease_reads) return LinearizableRead(std::move(done));
  const bool hit = LeaseReadAllowed();
  if (observer_ != nullptr) observer_->ObserveLeaseRead(hit);
  if (!hit) {
    ++stats_.lease_misses;
    EKV_PROBE(options_.probes, kLeaseReadFellBack);
    return LinearizableRead(std::move(done));
  }
  ++stats_.lease_hits;
  WaitForApplied(raft_->CommitIndex(), std::move(done), Deadline());
}

void Coordinator::VerifyLeader(ReadCallback done) {
  CheckLeadership();
  if (!raft_->IsLeader()) return done(NotLeaderError(raft_->LeaderHint()));
  StartReadIndex(false, std::move(done));
}

void Coordinator::StartReadIndex(bool wait_for_apply, ReadCallback done) {
  if (reads_.size() + waiters_.size() >= options_.pending_reads_max) {
    return done(Busy("reads"));
  }
  const uint64_t id = next_read_id_++;
  if (absl::Status status = raft_->ReadIndex(id); !status.ok()) {
    return done(status);
  }
  ++stats_.read_index_rounds;
  reads_[id] = Read{Deadline(), wait_for_apply, std::move(done)};
}

void Coordinator::OnReadIndex(uint64_t request_id, uint64_t index) {
  const auto it = reads_.find(request_id);
  if (it == reads_.end()) return;  // timed out or stepped down already
  Read read = std::move(it->second);
  reads_.erase(it);
  if (!read.wait_for_apply) return read.done(absl::OkStatus());
  WaitForApplied(index, std::move(read.done), read.deadline_ns);
}

void Coordinator::OnReadIndexFailed(uint64_t request_id,
                                    const absl::Status& status) {
  const auto it = reads_.find(request_id);
  if (it == reads_.end()) return;
  Read read = std::move(it->second);
  reads_.erase(it);
  read.done(status.ok() ? LeaderNotFoundError() : status);
}

void Coordinator::WaitForApplied(uint64_t index, ReadCallback done,
                                 int64_t deadline_ns) {
  if (fsm_->applied_index() >= index) return done(absl::OkStatus());
  waiters_.emplace(index, Waiter{deadline_ns, std::move(done)});
}

void Coordinator::OnTick() {
  CheckLeadership();
  if (ready_) {
    const int64_t renewal_ns =
        options_.timing.hlc.renewal_interval_ms * kNanosPerMilli;
    if (Now() - last_renewal_ns_ >= renewal_ns) ProposeCeiling();
    MaybeCompact();
  }
  ExpireRequests();
}

void Coordinator::ExpireRequests() {
  const int64_t now = Now();
  std::vector<DispatchCallback> proposals;
  for (auto it = proposals_.begin(); it != proposals_.end();) {
    if (it->second.deadline_ns > now) {
      ++it;
      continue;
    }
    proposals.push_back(std::move(it->second.done));
    it = proposals_.erase(it);
  }
  std::vector<ReadCallback> reads;
  for (auto it = reads_.begin(); it != reads_.end();) {
    if (it->second.deadline_ns > now) {
      ++it;
      continue;
    }
    reads.push_back(std::move(it->second.done));
    it = reads_.erase(it);
  }
  for (auto it = waiters_.begin(); it != waiters_.end();) {
    if (it->second.deadline_ns > now) {
      ++it;
      continue;
    }
    reads.push_back(std::move(it->second.done));
    it = waiters_.erase(it);
  }
  std::vector<DispatchCallback> parked;
  while (!parked_.empty() && parked_.front().deadline_ns <= now) {
    parked.push_back(std::move(parked_.front().done));
    parked_.pop_front();
  }
  stats_.timeouts += proposals.size() + reads.size() + parked.size();
  for (auto& done : proposals) {
    done(Failed(TimeoutError("proposal outcome unknown")));
  }
  for (auto& done : reads) done(TimeoutError("read not confirmed in time"));
  for (auto& done : parked) {
    done(Failed(MakeError(ErrorKind::kHlcCeilingExpired,
                          "no HLC ceiling renewal applied in time")));
  }
}

}  // namespace ekv::kv
