// Raft: roles, elections and votes, ticks, and the dispatch of messages.
#include "engine/raft/raft.h"

#include <algorithm>
#include <limits>
#include <utility>

#include "absl/strings/str_cat.h"
#include "engine/base/check.h"

namespace ekv::raft {
namespace {

using raftpb::Message;

bool IsLeaderMessage(raftpb::MessageType type) {
  return type == raftpb::MSG_APP || type == raftpb::MSG_HEARTBEAT ||
         type == raftpb::MSG_SNAP || type == raftpb::MSG_TIMEOUT_NOW;
}

bool IsVoteRequest(raftpb::MessageType type) {
  return type == raftpb::MSG_VOTE || type == raftpb::MSG_PRE_VOTE;
}

absl::Status Malformed(absl::string_view why) {
  return absl::InvalidArgumentError(absl::StrCat("raft message: ", why));
}

absl::Status ValidateEntries(const Message& m) {
  uint64_t previous_term = m.log_term();
  for (int i = 0; i < m.entries_size(); ++i) {
    const raftpb::Entry& entry = m.entries(i);
    if (entry.index() != m.index() + 1 + static_cast<uint64_t>(i)) {
      return Malformed("entries are not contiguous after index");
    }
    if (entry.term() < previous_term || entry.term() > m.term()) {
      return Malformed("entry terms out of order");
    }
    if (!raftpb::EntryType_IsValid(entry.type())) {
      return Malformed("unknown entry type");
    }
    previous_term = entry.term();
  }
  return absl::OkStatus();
}

}  // namespace

absl::string_view RoleName(Role role) {
  switch (role) {
    case Role::kFollower:
      return "follower";
    case Role::kPreCandidate:
      return "pre-candidate";
    case Role::kCandidate:
      return "candidate";
    case Role::kLeader:
      return "leader";
  }
  return "unknown";
}

absl::Status ValidateMessage(const Message& m, NodeId self) {
  if (m.type() == raftpb::MSG_UNKNOWN || !raftpb::MessageType_IsValid(m.type()))
    return Malformed("unknown type");
  if (m.from() == kNoNode || m.from() == self) return Malformed("bad sender");
  if (m.to() != self) return Malformed("addressed to another member");
  if (m.term() == 0) return Malformed("no term");
  if (m.type() == raftpb::MSG_APP) return ValidateEntries(m);
  if (m.type() == raftpb::MSG_SNAP) {
    if (m.snapshot().index() == 0 || m.snapshot().term() == 0 ||
        m.snapshot().term() > m.term()) {
      return Malformed("snapshot chunk without a valid snapshot");
    }
    if (m.snapshot_offset() > m.snapshot_size_bytes() ||
        m.snapshot_chunk().size() >
            m.snapshot_size_bytes() - m.snapshot_offset())
      return Malformed("snapshot chunk beyond the snapshot's size");
  }
  return absl::OkStatus();
}

Raft::Raft(const Config& config, const Storage* storage)
    : config_(config),
      id_(config.id),
      random_(config.random_seed),
      log_(storage, config.max_committed_bytes_per_ready),
      tracker_(config.max_inflight_msgs, config.max_inflight_bytes),
      rounds_(config.max_pending_read_index_requests) {
  EKV_CHECK_OK(Validate(config));
  const raftpb::HardState hard_state = storage->hard_state();
  log_.Init(hard_state.commit(), config.applied_index);
  tracker_.Reset(storage->conf_state(), log_.LastIndex() + 1);
  term_ = hard_state.term();
  vote_ = hard_state.vote();
  ticks_since_leader_contact_ =
      config.check_quorum ? 0 : config.election_timeout_ticks;
  BecomeFollower(term_, kNoNode);
}

raftpb::HardState Raft::hard_state() const {
  raftpb::HardState state;
  state.set_term(term_);
  state.set_vote(vote_);
  state.set_commit(log_.committed());
  return state;
}

// ---------------------------------------------------------------- roles --

void Raft::Reset(uint64_t term) {
  if (term_ != term) {
    term_ = term;
    vote_ = kNoNode;
    snapshot_receive_ = SnapshotReceive();
  }
  lead_ = kNoNode;
  election_elapsed_ = 0;
  heartbeat_elapsed_ = 0;
  ResetRandomizedElectionTimeout();
  AbortTransfer();
  tracker_.ResetVotes();
  pending_conf_index_ = 0;
  uncommitted_bytes_ = 0;
  appends_pending_ = false;
  rounds_.Reset();
  reads_awaiting_commit_.clear();
  lease_forbidden_ = false;
  if (!EKV_PLANTED_BUG(config_.bugs, kLeaseAfterStepDown)) {
    lease_anchor_tick_.reset();
  }
}

void Raft::BecomeFollower(uint64_t term, NodeId lead) {
  Reset(term);
  role_ = Role::kFollower;
  lead_ = lead;
}

void Raft::BecomePreCandidate() {
  EKV_CHECK(role_ != Role::kLeader) << "a leader cannot pre-campaign";
  // Neither the term nor the vote changes: a pre-election that fails leaves
  // no trace that could disrupt the group.
  role_ = Role::kPreCandidate;
  tracker_.ResetVotes();
  lead_ = kNoNode;
}

void Raft::BecomeCandidate() {
  EKV_CHECK(role_ != Role::kLeader) << "a leader cannot campaign";
  Reset(term_ + 1);
  vote_ = id_;
  role_ = Role::kCandidate;
}

void Raft::BecomeLeader() {
  EKV_CHECK(role_ == Role::kCandidate) << "only a candidate becomes leader";
  Reset(term_);
  role_ = Role::kLeader;
  lead_ = id_;
  tracker_.Reset(tracker_.conf_state(), log_.LastIndex() + 1);
  if (Progress* self = tracker_.Find(id_)) {
    self->BecomeReplicate();
    self->MaybeUpdate(log_.LastIndex());
  }
  // Entries of earlier terms commit only with one of this term (paper 5.4.2).
  term_start_index_ = log_.LastIndex() + 1;
  AppendEntry([](raftpb::Entry& noop) {
    noop.set_type(raftpb::ENTRY_NORMAL);
    noop.clear_data();
  });
  // No membership change until everything up to this term's first entry is
  // applied: a change left uncommitted by an earlier leader is settled
  // (committed or overwritten) first.
  pending_conf_index_ = log_.LastIndex();
}

void Raft::ResetRandomizedElectionTimeout() {
  const int timeout = config_.election_timeout_ticks;
  randomized_election_timeout_ =
      static_cast<int>(random_.UniformRange(timeout, 2 * timeout - 1));
}

bool Raft::Promotable() const {
  return tracker_.IsVoter(id_) && log_.UnpersistedSnapshot() == nullptr;
}

bool Raft::HasUnappliedConfChanges() const {
  constexpr uint64_t kPageBytes = 1 << 20;
  std::vector<raftpb::Entry> page;
  uint64_t lo = log_.applied() + 1;
  const uint64_t hi = log_.committed() + 1;
  while (lo < hi) {
    page.clear();
    log_.Entries(lo, hi, kPageBytes, &page);
    for (const raftpb::Entry& entry : page) {
      if (entry.type() == raftpb::ENTRY_CONF_CHANGE) return true;
    }
    lo += page.size();
  }
  return false;
}

// ------------------------------------------------------------ elections --

bool Raft::InLease(const Message& m) const {
  if (!config_.check_quorum || m.transfer()) return false;
  return role_ == Role::kLeader ||
         ticks_since_leader_contact_ < config_.election_timeout_ticks;
}

void Raft::Campaign() {
  Hup(config_.pre_vote ? CampaignType::kPreElection : CampaignType::kElection);
}

void Raft::Hup(CampaignType type) {
  if (role_ == Role::kLeader || !Promotable()) return;
  // A membership change committed but not applied could change who votes.
  if (HasUnappliedConfChanges()) return;
  StartCampaign(type);
}

void Raft::StartCampaign(CampaignType type) {
  raftpb::MessageType request = raftpb::MSG_VOTE;
  uint64_t vote_term = 0;
  if (type == CampaignType::kPreElection) {
    BecomePreCandidate();
    request = raftpb::MSG_PRE_VOTE;
    vote_term = term_ + 1;
  } else {
    BecomeCandidate();
    vote_term = term_;
  }
  tracker_.RecordVote(id_, true);
  if (tracker_.TallyVotes() == VoteResult::kWon) {
    // A single voter wins at once.
    if (type == CampaignType::kPreElection) {
      StartCampaign(CampaignType::kElection);
    } else {
      BecomeLeader();
    }
    return;
  }
  for (NodeId voter : tracker_.voters()) {
    if (voter == id_) continue;
    Message m;
    m.set_type(request);
    m.set_to(voter);
    m.set_term(vote_term);
    m.set_index(log_.LastIndex());
    m.set_log_term(log_.LastTerm());
    m.set_transfer(type == CampaignType::kTransfer);
    Send(std::move(m));
  }
}

void Raft::HandleVoteRequest(const Message& m) {
  const bool pre_vote = m.type() == raftpb::MSG_PRE_VOTE;
  const bool can_vote = vote_ == m.from() ||
                        (vote_ == kNoNode && lead_ == kNoNode) ||
                        (pre_vote && m.term() > term_);
  Message response;
  response.set_type(pre_vote ? raftpb::MSG_PRE_VOTE_RESP
                             : raftpb::MSG_VOTE_RESP);
  response.set_to(m.from());
  const bool up_to_date = log_.IsUpToDate(m.index(), m.log_term()) ||
                          EKV_PLANTED_BUG(config_.bugs, kVoteWithoutLogCheck);
  if (can_vote && !InLease(m) && up_to_date) {
    // A granted pre-vote answers in the term the candidate will campaign in.
    response.set_term(m.term());
    if (!pre_vote) {
      election_elapsed_ = 0;
      vote_ = m.from();
    }
  } else {
    response.set_term(term_);
    response.set_reject(true);
  }
  Send(std::move(response));
}

// ---------------------------------------------------------------- ticks --

void Raft::Tick() {
  ++tick_count_;
  if (role_ == Role::kLeader) {
    TickHeartbeat();
  } else {
    TickElection();
  }
}

void Raft::TickElection() {
  ++election_elapsed_;
  if (ticks_since_leader_contact_ < std::numeric_limits<int>::max()) {
    ++ticks_since_leader_contact_;
  }
  if (Promotable() && election_elapsed_ >= randomized_election_timeout_) {
    election_elapsed_ = 0;
    Campaign();
  }
}

void Raft::TickHeartbeat() {
  ++heartbeat_elapsed_;
  ++election_elapsed_;
  if (lead_transferee_ != kNoNode &&
      ++transfer_elapsed_ >= config_.transfer_timeout_ticks) {
    AbortTransfer();
  }
  if (election_elapsed_ >= config_.election_timeout_ticks) {
    election_elapsed_ = 0;
    if (config_.check_quorum) {
      if (!tracker_.QuorumActive(id_)) {
        BecomeFollower(term_, kNoNode);
        return;
      }
      tracker_.ResetRecentActive(id_);
    }
  }
  if (heartbeat_elapsed_ >= config_.heartbeat_interval_ticks) {
    heartbeat_elapsed_ = 0;
    BroadcastHeartbeat();
  }
}

// ------------------------------------------------------------- stepping --

absl::Status Raft::Step(Message&& m) {
  if (absl::Status valid = ValidateMessage(m, id_); !valid.ok()) {
    ++counters_.messages_malformed;
    return valid;
  }
  if (!StepTerm(m)) return absl::OkStatus();
  if (IsVoteRequest(m.type())) {
    HandleVoteRequest(m);
    return absl::OkStatus();
  }
  switch (role_) {
    case Role::kLeader:
      StepLeader(m);
      break;
    case Role::kPreCandidate:
    case Role::kCandidate:
      StepCandidate(m);
      break;
    case Role::kFollower:
      StepFollower(m);
      break;
  }
  return absl::OkStatus();
}

// Applies the term rules; returns false when the message is consumed.
bool Raft::StepTerm(const Message& m) {
  if (m.term() > term_) {
    if (IsVoteRequest(m.type()) && InLease(m)) {
      // A leader was heard from recently: the candidate cannot be legitimate
      // yet, and answering would raise our term and depose that leader.
      ++counters_.messages_ignored;
      return false;
    }
    if (m.type() == raftpb::MSG_PRE_VOTE) return true;
    if (m.type() == raftpb::MSG_PRE_VOTE_RESP && !m.reject()) return true;
    BecomeFollower(m.term(), IsLeaderMessage(m.type()) ? m.from() : kNoNode);
    return true;
  }
  if (m.term() < term_) {
    StepLowerTerm(m);
    return false;
  }
  return true;
}

void Raft::StepLowerTerm(const Message& m) {
  if ((config_.check_quorum || config_.pre_vote) &&
      (m.type() == raftpb::MSG_APP || m.type() == raftpb::MSG_HEARTBEAT)) {
    // A stale leader: tell it our term. Without this, a member whose term
    // rose while it was cut off could never rejoin, since check-quorum keeps
    // the others from adopting its term through its vote requests.
    Message response;
    response.set_type(raftpb::MSG_APP_RESP);
    response.set_to(m.from());
    Send(std::move(response));
  } else if (m.type() == raftpb::MSG_PRE_VOTE) {
    Message response;
    response.set_type(raftpb::MSG_PRE_VOTE_RESP);
    response.set_to(m.from());
    response.set_reject(true);
    Send(std::move(response));
  } else {
    ++counters_.messages_ignored;
  }
}

void Raft::StepCandidate(Message& m) {
  switch (m.type()) {
    case raftpb::MSG_APP:
    case raftpb::MSG_HEARTBEAT:
    case raftpb::MSG_SNAP:
      BecomeFollower(term_, m.from());
      StepFollower(m);
      return;
    case raftpb::MSG_PRE_VOTE_RESP:
    case raftpb::MSG_VOTE_RESP: {
      const auto expected = role_ == Role::kPreCandidate
                                ? raftpb::MSG_PRE_VOTE_RESP
                                : raftpb::MSG_VOTE_RESP;
      if (m.type() != expected) break;
      tracker_.RecordVote(m.from(), !m.reject());
      const VoteResult result = tracker_.TallyVotes();
      if (result == VoteResult::kWon) {
        if (role_ == Role::kPreCandidate) {
          StartCampaign(CampaignType::kElection);
        } else {
          BecomeLeader();
          BroadcastAppend();
        }
      } else if (result == VoteResult::kLost) {
        BecomeFollower(term_, kNoNode);
      }
      return;
    }
    default:
      break;
  }
  ++counters_.messages_ignored;
}

void Raft::StepFollower(Message& m) {
  switch (m.type()) {
    case raftpb::MSG_APP:
    case raftpb::MSG_HEARTBEAT:
    case raftpb::MSG_SNAP:
      election_elapsed_ = 0;
      ticks_since_leader_contact_ = 0;
      lead_ = m.from();
      if (m.type() == raftpb::MSG_APP) {
        HandleAppend(m);
      } else if (m.type() == raftpb::MSG_HEARTBEAT) {
        HandleHeartbeat(m);
      } else {
        HandleSnapshotChunk(m);
      }
      return;
    case raftpb::MSG_TIMEOUT_NOW:
      // The leader hands over: campaign now, past any lease (it gave its
      // own up when it started the transfer).
      Hup(CampaignType::kTransfer);
      return;
    default:
      ++counters_.messages_ignored;
  }
}

void Raft::Send(Message&& m) {
  m.set_from(id_);
  if (m.term() == 0) m.set_term(term_);
  msgs_.push_back(std::move(m));
}

}  // namespace ekv::raft
