#include "engine/raft/replica.h"

#include <algorithm>
#include <limits>
#include <utility>

#include "absl/strings/str_cat.h"
#include "engine/base/check.h"
#include "engine/base/status.h"
#include "engine/proto/envelope.h"
#include "engine/raft/group_message_codec.h"

namespace ekv::raft {
namespace {

// Readies handled in one Drive before it yields to the event loop (the tick
// timer resumes); each is progress, so this only bounds one event's length.
constexpr int kReadiesPerDriveMax = 1000;

absl::Status LeaderError(const RawNode& node) {
  const NodeId lead = node.raft().lead();
  if (lead == kNoNode) return LeaderNotFoundError();
  return NotLeaderError(static_cast<int64_t>(lead));
}

}  // namespace

Replica::Replica(const Env& env, EndpointId self, ReplicaConfig config,
                 StateMachine* state_machine)
    : env_(env),
      self_(self),
      config_(std::move(config)),
      state_machine_(state_machine) {
  config_.raft.id = self;
  if (config_.raft.random_seed == 0) {
    config_.raft.random_seed =
        env_.random != nullptr ? env_.random->Next64() : self;
  }
  if (config_.raft.bugs == nullptr) config_.raft.bugs = env_.bugs;
  if (config_.raft.buggify == nullptr) config_.raft.buggify = env_.buggify;
  if (config_.file_prefix.empty()) {
    config_.file_prefix = absl::StrCat("raft-g", config_.group_id, "-");
  }
  std::sort(config_.initial_members.begin(), config_.initial_members.end());
  config_.initial_members.erase(std::unique(config_.initial_members.begin(),
                                            config_.initial_members.end()),
                                config_.initial_members.end());
}

Replica::~Replica() {
  for (TimerId timer : {tick_timer_, retry_timer_, flush_timer_}) {
    if (timer != kNoTimer) env_.timers->CancelTimer(timer);
  }
}

// ------------------------------------------------------------- starting --

absl::Status Replica::Start() {
  EKV_CHECK(!started_) << "Replica started twice";
  retry_timer_ = kNoTimer;
  const absl::Status recovered = Recover();
  if (!recovered.ok()) {
    if (IsErrorKind(recovered, ErrorKind::kCorruption) ||
        absl::IsInvalidArgument(recovered)) {
      Fail(recovered);
    } else {
      // A disk that refused for now (full, failing syncs): try again.
      retry_timer_ = env_.timers->StartTimer(
          config_.disk_retry_interval_ticks * config_.tick_interval_ns,
          [this] { (void)Start(); });
    }
    return recovered;
  }
  started_ = true;
  start_mono_ns_ = env_.clock->MonotonicNanos();
  ArmTickTimer();
  Drive();
  return absl::OkStatus();
}

absl::Status Replica::Recover() {
  if (absl::Status valid = Validate(config_.raft); !valid.ok()) return valid;
  if (config_.max_catch_up_ticks < 2 * config_.raft.election_timeout_ticks ||
      config_.tick_interval_ns <= 0 || config_.disk_retry_interval_ticks <= 0) {
    return absl::InvalidArgumentError(
        "replica config: tick_interval_ns and disk_retry_interval_ticks must "
        "be positive, max_catch_up_ticks at least 2 * "
        "election_timeout_ticks");
  }
  wal::Recovered recovered;
  EKV_ASSIGN_OR_RETURN(
      wal_, wal::Wal::Open(env_.disk, config_.file_prefix, &recovered));
  if (recovered.torn_tail_bytes > 0) {
    counters_.torn_tail_bytes_recovered += recovered.torn_tail_bytes;
    EKV_PROBE(env_.probes, kWalTornTailRecovered);
  }
  if (recovered.damaged_reads > 0)
    EKV_PROBE(env_.probes, kCorruptRecordDetected);
  storage_ = std::make_unique<MemoryStorage>();
  if (!recovered.existed) {
    if (!config_.initial_members.empty()) EKV_RETURN_IF_ERROR(Bootstrap());
  } else {
    const uint64_t snapshot_index = recovered.snapshot.metadata().index();
    if (snapshot_index > 0) {
      EKV_RETURN_IF_ERROR(state_machine_->Restore(recovered.snapshot.data()));
      if (observer_ != nullptr) {
        observer_->OnRestored(self_, recovered.snapshot.metadata());
      }
      storage_->ApplySnapshot(recovered.snapshot);
    }
    storage_->Append(recovered.entries);
    if (recovered.hard_state.commit() > storage_->LastIndex()) {
      return CorruptionError(
          absl::StrCat("raft log of group ", config_.group_id,
                       ": commit index ", recovered.hard_state.commit(),
                       " beyond the last entry ", storage_->LastIndex()));
    }
    storage_->SetHardState(recovered.hard_state);
  }
  Config raft_config = config_.raft;
  raft_config.applied_index = storage_->snapshot_metadata().index();
  node_ = std::make_unique<RawNode>(raft_config, storage_.get());
  return absl::OkStatus();
}

absl::Status Replica::Bootstrap() {
  const std::vector<EndpointId>& members = config_.initial_members;
  if (std::find(members.begin(), members.end(), self_) == members.end()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "raft: member ", self_, " is not among the initial members"));
  }
  // The membership is the log's first entries (committed, term 1), the same
  // on every founding member, so a member added later learns it from the log
  // like everything else.
  raftpb::WalBatch batch;
  uint64_t index = 0;
  for (EndpointId member : members) {
    raftpb::ConfChange change;
    change.set_type(raftpb::CONF_CHANGE_ADD_VOTER);
    change.set_node_id(member);
    raftpb::Entry* entry = batch.add_entries();
    entry->set_term(1);
    entry->set_index(++index);
    entry->set_type(raftpb::ENTRY_CONF_CHANGE);
    entry->set_data(change.SerializeAsString());
  }
  batch.mutable_hard_state()->set_term(1);
  batch.mutable_hard_state()->set_commit(index);
  EKV_RETURN_IF_ERROR(wal_->Write(batch));
  const std::vector<raftpb::Entry> entries(batch.entries().begin(),
                                           batch.entries().end());
  storage_->Append(entries);
  storage_->SetHardState(batch.hard_state());
  return absl::OkStatus();
}

// ---------------------------------------------------------------- time --

int64_t Replica::NextTickDelayNs() const {
  // Not ticking (starting, stopped, or waiting for its disk): one tick.
  if (!started_ || !failed_.ok() || held_ != nullptr) {
    return config_.tick_interval_ns;
  }
  const int64_t next_due =
      start_mono_ns_ + (ticks_delivered_ + 1) * config_.tick_interval_ns;
  return std::max<int64_t>(0, next_due - env_.clock->MonotonicNanos());
}

void Replica::ArmTickTimer() {
  if (config_.ticks_from_owner) return;
  const int64_t delay = held_ == nullptr ? NextTickDelayNs()
                                         : config_.disk_retry_interval_ticks *
                                               config_.tick_interval_ns;
  tick_timer_ = env_.timers->StartTimer(delay, [this] {
    tick_timer_ = kNoTimer;
    OnTickTimer();
  });
}

void Replica::OnTickTimer() {
  if (!failed_.ok()) return;
  CatchUpTicks();
  // Also retries a held Ready; while one is held, ticks wait (they are
  // caught up once it is through) and the timer only retries the disk.
  Drive();
  ObserveLease();
  ArmTickTimer();
}

void Replica::Tick() {
  EKV_CHECK(config_.ticks_from_owner) << "the Replica ticks itself";
  if (!started_ || !failed_.ok()) return;
  const int64_t now = env_.clock->MonotonicNanos();
  // The same pace as a Replica's own timer: a held Ready is retried on the
  // first tick after it was refused, then every disk_retry_interval_ticks.
  if (held_ != nullptr && now < disk_retry_due_mono_ns_) return;
  CatchUpTicks();
  Drive();
  ObserveLease();
  if (held_ != nullptr) {
    disk_retry_due_mono_ns_ =
        now + config_.disk_retry_interval_ticks * config_.tick_interval_ns;
  }
}

void Replica::ObserveLease() {
  const bool valid = started_ && failed_.ok() && LeaseValid();
  if (lease_was_valid_ && !valid && is_leader()) {
    EKV_PROBE(env_.probes, kLeaseExpired);
  }
  lease_was_valid_ = valid;
}

void Replica::CatchUpTicks() {
  if (!started_ || !failed_.ok() || held_ != nullptr) return;
  const int64_t elapsed = env_.clock->MonotonicNanos() - start_mono_ns_;
  // Most calls (every message) fall before the next tick: no division then.
  if (elapsed < (ticks_delivered_ + 1) * config_.tick_interval_ns) return;
  const int64_t due = elapsed / config_.tick_interval_ns;
  int64_t missing = due - ticks_delivered_;  // at least 1, by the test above
  if (missing > config_.max_catch_up_ticks) {
    counters_.ticks_skipped += missing - config_.max_catch_up_ticks;
    missing = config_.max_catch_up_ticks;
  }
  ticks_delivered_ = due;
  for (int64_t i = 0; i < missing; ++i) node_->Tick();
}

// ------------------------------------------------------- the Ready loop --

void Replica::Drive() {
  if (driving_ || !started_ || !failed_.ok()) return;
  driving_ = true;
  for (int i = 0; i < kReadiesPerDriveMax; ++i) {
    if (held_ == nullptr && !node_->HasReady()) break;
    Ready& rd = held_ != nullptr ? *held_ : node_->GetReady();
    if (!Persist(rd)) {
      if (held_ == nullptr) ++counters_.disk_stalls;
      held_ = &rd;
      break;
    }
    held_ = nullptr;
    snapshot_saved_ = false;
    if (!Finish(rd)) break;
  }
  driving_ = false;
}

bool Replica::Persist(Ready& rd) {
  if (EKV_PLANTED_BUG(config_.raft.bugs, kWalAckBeforeSync)) {
    SendMessages(rd.messages);  // the defect: acknowledged before durable
  }
  // Written with entries or a snapshot: the new hard state, or else the
  // stored one (copied only then: most Readies need neither).
  std::optional<raftpb::HardState> stored;
  const auto hard_state = [&]() -> const raftpb::HardState& {
    if (rd.hard_state.has_value()) return *rd.hard_state;
    if (!stored.has_value()) stored = storage_->hard_state();
    return *stored;
  };
  if (rd.snapshot != nullptr && !snapshot_saved_) {
    if (!wal_->SaveSnapshot(*rd.snapshot, hard_state(), {}).ok()) return false;
    snapshot_saved_ = true;
    storage_->ApplySnapshot(*rd.snapshot);
  }
  // A commit index alone need not be durable (it is learned again), so only
  // entries and term or vote changes cost a write.
  if (!rd.entries.empty() || (rd.hard_state.has_value() && rd.must_sync)) {
    const uint64_t damaged_before = wal_->stats().damaged_read_backs;
    const bool written = wal_->Write(rd.entries, hard_state()).ok();
    if (wal_->stats().damaged_read_backs > damaged_before) {
      EKV_PROBE(env_.probes, kCorruptRecordDetected);
    }
    if (!written) return false;
  }
  storage_->Append(rd.entries);
  if (rd.hard_state.has_value()) storage_->SetHardState(*rd.hard_state);
  if (observer_ != nullptr && !rd.entries.empty()) {
    observer_->OnPersisted(self_, rd.entries);
  }
  return true;
}

bool Replica::Finish(Ready& rd) {
  ++counters_.readies;
  SendMessages(rd.messages);
  if (rd.snapshot != nullptr && !InstallSnapshot(*rd.snapshot)) return false;
  ApplyCommitted(rd.committed_entries);
  ConfirmReads(rd.read_states);
  if (rd.soft_state.has_value() && rd.soft_state->role == Role::kLeader) {
    EKV_PROBE(env_.probes, kLeaderChange);
  }
  node_->Advance();
  FailUnconfirmedReads();
  ServeApplied();
  MaybeTakeSnapshot();
  return true;
}

void Replica::SendMessages(std::vector<raftpb::Message>& messages) {
  for (raftpb::Message& m : messages) {
    if (m.type() == raftpb::MSG_UNKNOWN) continue;  // sent already
    if (m.type() == raftpb::MSG_SNAP && m.snapshot_offset() == 0) {
      EKV_PROBE(env_.probes, kSnapshotSent);
    }
    if (m.type() == raftpb::MSG_PRE_VOTE_RESP && m.reject()) {
      EKV_PROBE(env_.probes, kPreVoteRejected);
    }
    const uint64_t to = m.to();
    std::string payload = EncodeRaftPayload(config_.group_id, m);
    m.set_type(raftpb::MSG_UNKNOWN);
    if (to > std::numeric_limits<EndpointId>::max()) continue;
    env_.transport->Send(static_cast<EndpointId>(to), std::move(payload));
  }
}

void Replica::ApplyCommitted(absl::Span<const raftpb::Entry> entries) {
  for (const raftpb::Entry& entry : entries) {
    const absl::Status outcome = state_machine_->Apply(entry);
    if (observer_ != nullptr) observer_->OnApplied(self_, entry);
    auto it = proposals_.find(entry.index());
    if (it == proposals_.end()) continue;
    PendingProposal pending = std::move(it->second);
    proposals_.erase(it);
    if (!pending.done) continue;
    const EntryId at{entry.index(), pending.term};
    if (pending.term == entry.term()) {
      Complete(
          [done = std::move(pending.done), outcome, at] { done(outcome, at); });
    } else {
      // Another leader's entry took the index: this proposal is lost.
      Complete([done = std::move(pending.done), status = LeaderError(*node_),
                at] { done(status, at); });
    }
  }
}

bool Replica::InstallSnapshot(const raftpb::Snapshot& snapshot) {
  const absl::Status restored = state_machine_->Restore(snapshot.data());
  if (!restored.ok()) {
    Fail(restored);
    return false;
  }
  ++counters_.snapshots_installed;
  EKV_PROBE(env_.probes, kSnapshotInstalled);
  if (observer_ != nullptr) observer_->OnRestored(self_, snapshot.metadata());
  // Proposals the snapshot covers may or may not be in it.
  const uint64_t index = snapshot.metadata().index();
  while (!proposals_.empty() && proposals_.begin()->first <= index) {
    PendingProposal pending = std::move(proposals_.begin()->second);
    const EntryId at{proposals_.begin()->first, pending.term};
    proposals_.erase(proposals_.begin());
    if (!pending.done) continue;
    Complete([done = std::move(pending.done), at] {
      done(TimeoutError("outcome unknown: a snapshot covered the proposal"),
           at);
    });
  }
  return true;
}

void Replica::ConfirmReads(const std::vector<ReadState>& states) {
  for (const ReadState& state : states) {
    auto it = reads_unconfirmed_.find(state.request_id);
    if (it == reads_unconfirmed_.end()) continue;
    reads_confirmed_.emplace(state.index, std::move(it->second.done));
    reads_unconfirmed_.erase(it);
  }
}

void Replica::FailUnconfirmedReads() {
  const bool leader = node_->raft().role() == Role::kLeader;
  const uint64_t term = node_->raft().term();
  for (auto it = reads_unconfirmed_.begin(); it != reads_unconfirmed_.end();) {
    if (leader && it->second.term == term) {
      ++it;
      continue;
    }
    Complete([done = std::move(it->second.done), status = LeaderError(*node_)] {
      done(status);
    });
    it = reads_unconfirmed_.erase(it);
  }
}

void Replica::ServeApplied() {
  const uint64_t applied = node_->raft().log().applied();
  while (!reads_confirmed_.empty() &&
         reads_confirmed_.begin()->first <= applied) {
    const uint64_t index = reads_confirmed_.begin()->first;
    Complete([done = std::move(reads_confirmed_.begin()->second), index] {
      done(index);
    });
    reads_confirmed_.erase(reads_confirmed_.begin());
  }
  while (!apply_waiters_.empty() && apply_waiters_.begin()->first <= applied) {
    Complete([done = std::move(apply_waiters_.begin()->second)] {
      done(absl::OkStatus());
    });
    apply_waiters_.erase(apply_waiters_.begin());
  }
}

void Replica::MaybeTakeSnapshot() {
  const uint64_t applied = node_->raft().log().applied();
  const uint64_t base = storage_->snapshot_metadata().index();
  // BUGGIFY: snapshot and compact everything early, so that followers that
  // fall behind need snapshots.
  constexpr uint64_t kEarlySnapshotEntriesMin = 16;
  const bool early =
      applied >= base + kEarlySnapshotEntriesMin &&
      EKV_BUGGIFY_AT(env_.buggify, "raft/replica/early_snapshot");
  if (applied < base + config_.snapshot_interval_entries && !early) return;
  if (!storage_
           ->CreateSnapshot(applied, node_->raft().conf_state(),
                            state_machine_->TakeSnapshot())
           .ok()) {
    return;
  }
  std::vector<raftpb::Entry> after;
  if (storage_->LastIndex() > applied) {
    EKV_CHECK_OK(storage_->Entries(applied + 1, storage_->LastIndex() + 1,
                                   std::numeric_limits<uint64_t>::max(),
                                   &after));
  }
  const auto snapshot = storage_->Snapshot();
  // On failure the snapshot stays in memory only; the log is not compacted
  // and the next interval tries again.
  if (!wal_->SaveSnapshot(**snapshot, storage_->hard_state(), after).ok()) {
    return;
  }
  ++counters_.snapshots_taken;
  const uint64_t keep =
      early ? 0 : std::min(applied, config_.snapshot_catch_up_entries);
  EKV_CHECK_OK(storage_->Compact(applied - keep));
}

// --------------------------------------------------------- completions --

void Replica::Complete(Completion completion) {
  completions_.push_back(std::move(completion));
  if (flush_timer_ != kNoTimer) return;
  flush_timer_ = env_.timers->StartTimer(0, [this] {
    flush_timer_ = kNoTimer;
    FlushCompletions();
  });
}

void Replica::FlushCompletions() {
  std::vector<Completion> batch = std::move(completions_);
  completions_.clear();
  for (Completion& completion : batch) completion();
}

void Replica::Fail(absl::Status status) {
  failed_ = status;
  for (auto& [index, pending] : proposals_) {
    if (!pending.done) continue;
    const EntryId at{index, pending.term};
    Complete(
        [done = std::move(pending.done), status, at] { done(status, at); });
  }
  proposals_.clear();
  for (auto& [id, read] : reads_unconfirmed_) {
    Complete([done = std::move(read.done), status] { done(status); });
  }
  reads_unconfirmed_.clear();
  for (auto& [index, done] : reads_confirmed_) {
    Complete([done = std::move(done), status] { done(status); });
  }
  reads_confirmed_.clear();
  for (auto& [index, done] : apply_waiters_) {
    Complete([done = std::move(done), status] { done(status); });
  }
  apply_waiters_.clear();
}

// ------------------------------------------------------------- inputs --

void Replica::HandlePayload(EndpointId from, absl::string_view payload) {
  if (!started_ || !failed_.ok()) return;
  const std::optional<uint8_t> tag = PayloadTagByte(payload);
  uint64_t group_id = 0;
  raftpb::Message& message = inbound_;
  if (!tag.has_value() || *tag != static_cast<uint8_t>(PayloadTag::kRaft) ||
      !DecodeGroupMessage(PayloadBody(payload), &group_id, &message) ||
      group_id != config_.group_id || message.from() != from) {
    ++counters_.payloads_malformed;
    return;
  }
  if (held_ != nullptr) {
    ++counters_.messages_dropped_while_stalled;
    return;
  }
  CatchUpTicks();
  if (!node_->Step(std::move(message)).ok()) {
    ++counters_.payloads_malformed;
  }
  Drive();
}

absl::Status Replica::Unavailable() const {
  if (!failed_.ok()) return failed_;
  if (!started_) {
    return absl::UnavailableError("raft replica is starting; retry later");
  }
  if (held_ != nullptr) {
    return IoError("raft replica is waiting for its disk; retry later");
  }
  return absl::OkStatus();
}

absl::StatusOr<EntryId> Replica::Track(absl::StatusOr<EntryId> at,
                                       ProposeCallback done) {
  if (!at.ok()) return at;
  auto it = proposals_.find(at->index);
  if (it != proposals_.end() && it->second.done) {
    // An older proposal at this index was truncated away by this leader's
    // log: it can never be applied.
    Complete([old = std::move(it->second.done),
              old_at = EntryId{at->index, it->second.term}] {
      old(NotLeaderError(-1), old_at);
    });
  }
  proposals_[at->index] = PendingProposal{at->term, std::move(done)};
  return at;
}

absl::StatusOr<EntryId> Replica::Propose(std::string data,
                                         ProposeCallback done) {
  EKV_RETURN_IF_ERROR(Unavailable());
  if (proposals_.size() >= static_cast<size_t>(config_.max_pending_proposals)) {
    return absl::ResourceExhaustedError(
        "raft: max_pending_proposals reached; retry later");
  }
  CatchUpTicks();
  absl::StatusOr<EntryId> at =
      Track(node_->Propose(std::move(data)), std::move(done));
  Drive();
  return at;
}

absl::StatusOr<EntryId> Replica::ProposeConfChange(
    const raftpb::ConfChange& change, ProposeCallback done) {
  EKV_RETURN_IF_ERROR(Unavailable());
  CatchUpTicks();
  absl::StatusOr<EntryId> at =
      Track(node_->ProposeConfChange(change), std::move(done));
  Drive();
  return at;
}

absl::Status Replica::ReadIndex(ReadCallback done) {
  EKV_RETURN_IF_ERROR(Unavailable());
  if (reads_unconfirmed_.size() + reads_confirmed_.size() >=
      static_cast<size_t>(config_.max_pending_reads)) {
    return absl::ResourceExhaustedError(
        "raft: max_pending_reads reached; retry later");
  }
  CatchUpTicks();
  const uint64_t id = next_read_id_++;
  EKV_RETURN_IF_ERROR(node_->ReadIndex(id));
  reads_unconfirmed_.emplace(
      id, PendingRead{node_->raft().term(), std::move(done)});
  Drive();
  return absl::OkStatus();
}

bool Replica::LeaseValidAt(int64_t mono_ns) const {
  if (!started_ || !failed_.ok() || held_ != nullptr) return false;
  const int64_t due = (mono_ns - start_mono_ns_) / config_.tick_interval_ns;
  const int64_t missing = std::clamp<int64_t>(due - ticks_delivered_, 0,
                                              config_.max_catch_up_ticks);
  return node_->raft().LeaseValidAfter(missing);
}

bool Replica::LeaseValid() {
  if (!Unavailable().ok()) return false;
  CatchUpTicks();
  Drive();
  return held_ == nullptr && node_->LeaseValid();
}

absl::Status Replica::LeaseRead(ReadCallback done) {
  EKV_RETURN_IF_ERROR(Unavailable());
  if (!LeaseValid()) {
    if (node_->raft().role() == Role::kLeader) {
      return absl::FailedPreconditionError(
          "raft: the leader holds no valid lease now; use ReadIndex");
    }
    return LeaderError(*node_);
  }
  const uint64_t index = node_->raft().log().committed();
  reads_confirmed_.emplace(index, std::move(done));
  ServeApplied();
  return absl::OkStatus();
}

void Replica::WaitForApplied(uint64_t index,
                             std::function<void(absl::Status)> done) {
  if (!failed_.ok()) {
    Complete([done = std::move(done), status = failed_] { done(status); });
    return;
  }
  apply_waiters_.emplace(index, std::move(done));
  if (node_ != nullptr) ServeApplied();
}

absl::Status Replica::TransferLeadership(EndpointId to) {
  EKV_RETURN_IF_ERROR(Unavailable());
  CatchUpTicks();
  const absl::Status status = node_->TransferLeadership(to);
  Drive();
  return status;
}

// ---------------------------------------------------------------- state --

EndpointId Replica::leader() const {
  if (node_ == nullptr) return 0;
  const NodeId lead = node_->raft().lead();
  return lead > std::numeric_limits<EndpointId>::max()
             ? 0
             : static_cast<EndpointId>(lead);
}

bool Replica::is_leader() const {
  return node_ != nullptr && node_->raft().role() == Role::kLeader;
}

uint64_t Replica::term() const {
  return node_ == nullptr ? 0 : node_->raft().term();
}

uint64_t Replica::commit_index() const {
  return node_ == nullptr ? 0 : node_->raft().log().committed();
}

uint64_t Replica::applied_index() const {
  return node_ == nullptr ? 0 : node_->raft().log().applied();
}

ReplicaStatus Replica::status() const {
  ReplicaStatus status;
  if (node_ != nullptr) status.raft = node_->GetStatus();
  if (storage_ != nullptr) {
    status.snapshot_index = storage_->snapshot_metadata().index();
  }
  status.started = started_;
  status.stalled = held_ != nullptr;
  status.failed = failed_;
  status.counters = counters_;
  if (wal_ != nullptr) status.wal = wal_->stats();
  status.pending_proposals = proposals_.size();
  status.pending_reads = reads_unconfirmed_.size() + reads_confirmed_.size();
  return status;
}

}  // namespace ekv::raft
