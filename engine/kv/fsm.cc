#include "engine/kv/fsm.h"

#include <algorithm>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "engine/base/check.h"
#include "engine/base/status.h"
#include "engine/mvcc/encoding.h"
#include "engine/proto/kv.pb.h"
#include "engine/txn/txn_apply.h"
#include "engine/txn/txn_codec.h"
#include "engine/txn/txn_keys.h"

namespace ekv::kv {
namespace {

constexpr absl::string_view kSnapshotMagic = "EKVFSM01";

ApplyResult Fail(absl::Status status) {
  return ApplyResult{std::move(status), 0, false};
}

// Returns the failure of `expr` (an absl::Status) as an ApplyResult.
#define FSM_RETURN_IF_ERROR(expr)                               \
  do {                                                          \
    if (absl::Status fsm_status_ = (expr); !fsm_status_.ok()) { \
      return Fail(std::move(fsm_status_));                      \
    }                                                           \
  } while (0)

ApplyResult ConditionFailed() {
  ApplyResult result;
  result.condition_failed = true;
  return result;
}

ApplyResult Done(absl::Status status, uint64_t commit_ts) {
  if (!status.ok()) return Fail(std::move(status));
  return ApplyResult{absl::OkStatus(), commit_ts, false};
}

// PUT, DEL and APPEND mutations starting at `from`, as store mutations
// (the store resolves appends when it applies them).
absl::StatusOr<std::vector<mvcc::Mutation>> GroupedWrites(
    const kvpb::Request& request, int from) {
  std::vector<mvcc::Mutation> out;
  for (int i = from; i < request.mutations_size(); ++i) {
    const kvpb::Mutation& m = request.mutations(i);
    mvcc::MutationOp op = mvcc::MutationOp::kPut;
    switch (m.op()) {
      case kvpb::PUT:
        break;
      case kvpb::DEL:
        op = mvcc::MutationOp::kDelete;
        break;
      case kvpb::APPEND:
        op = mvcc::MutationOp::kAppend;
        break;
      default:
        return InvalidRequestError("only PUT, DEL and APPEND may be grouped");
    }
    if (m.key().empty() || txn::IsTxnInternalKey(m.key())) {
      return InvalidRequestError("empty or reserved key");
    }
    out.push_back(mvcc::Mutation{
        op, m.key(), op == mvcc::MutationOp::kDelete ? "" : m.value(),
        op == mvcc::MutationOp::kPut ? m.expire_at() : 0});
  }
  if (out.empty()) return InvalidRequestError("request writes nothing");
  return out;
}

std::vector<std::string> KeysOf(const std::vector<mvcc::Mutation>& mutations) {
  std::vector<std::string> keys;
  for (const auto& m : mutations) keys.push_back(m.key);
  return keys;
}

// The message of an ekv status without its "kind_name: " prefix, so that
// MakeError(kind, message) rebuilds the same status.
std::string BareMessage(const absl::Status& status, ErrorKind kind) {
  absl::string_view message = status.message();
  const std::string prefix = absl::StrCat(ErrorKindName(kind), ": ");
  if (absl::StartsWith(message, prefix)) message.remove_prefix(prefix.size());
  return std::string(message);
}

}  // namespace

Fsm::Fsm(mvcc::Store* store, hlc::Hlc* hlc, const FsmOptions& options)
    : store_(store), hlc_(hlc), options_(options) {
  // Large enough for a typical command; a larger one takes more blocks,
  // which Reset frees again.
  constexpr size_t kArenaBlockBytes = 16 << 10;
  arena_block_.reset(new char[kArenaBlockBytes]);
  google::protobuf::ArenaOptions arena_options;
  arena_options.initial_block = arena_block_.get();
  arena_options.initial_block_size = kArenaBlockBytes;
  arena_ = std::make_unique<google::protobuf::Arena>(arena_options);
  store_->set_probes(options_.probes);
  EKV_CHECK(store_ != nullptr && hlc_ != nullptr);
  EKV_CHECK_GE(options_.dedup_clients_max, 1u);
}

ApplyResult Fsm::Apply(uint64_t index, absl::string_view data) {
  EKV_CHECK_GT(index, applied_index_) << "entries apply once, in order";
  applied_index_ = index;
  ++stats_.entries;
  if (data.empty()) return ApplyResult{};
  arena_->Reset();
  kvpb::Command& command =
      *google::protobuf::Arena::CreateMessage<kvpb::Command>(arena_.get());
  if (!command.ParseFromArray(data.data(), static_cast<int>(data.size()))) {
    ++stats_.malformed;
    return Fail(InvalidRequestError("log entry does not parse as a Command"));
  }
  if (!command.has_client()) return ApplyCommand(command);
  const uint64_t client_id = command.client().client_id();
  const uint64_t seq = command.client().seq();
  const auto it = clients_.find(client_id);
  if (it != clients_.end() && seq < it->second.seq) {
    return Fail(InvalidRequestError(
        absl::StrCat("stale client sequence ", seq, " < ", it->second.seq)));
  }
  if (it != clients_.end() && seq == it->second.seq &&
      !EKV_PLANTED_BUG(options_.bugs, kRetryAppliedTwice)) {
    ++stats_.deduplicated;
    return Replay(it->second);
  }
  ApplyResult result = ApplyCommand(command);
  Record(client_id, seq, index, result);
  return result;
}

ApplyResult Fsm::ApplyCommand(const kvpb::Command& command) {
  switch (command.kind_case()) {
    case kvpb::Command::kRequest: {
      ApplyResult result = ApplyRequest(command.request());
      ++(result.status.ok() ? stats_.requests_ok : stats_.requests_failed);
      return result;
    }
    case kvpb::Command::kHlcLease:
      ++stats_.hlc_leases;
      ceiling_ms_ =
          std::max<uint64_t>(ceiling_ms_, command.hlc_lease().ceiling_ms());
      hlc_->ApplyCeiling(command.hlc_lease().ceiling_ms());
      EKV_PROBE(options_.probes, kHlcCeilingRenewed);
      {
        ApplyResult result;
        result.hlc_lease = true;
        return result;
      }
    case kvpb::Command::kCompact:
      return ApplyCompact(command.compact().min_ts());
    case kvpb::Command::KIND_NOT_SET:
      break;
  }
  ++stats_.malformed;
  return Fail(InvalidRequestError("command of no known kind"));
}

ApplyResult Fsm::ApplyCompact(uint64_t min_ts) {
  ++stats_.compactions;
  const uint64_t compacted_before = store_->compacted_ts();
  // Never above the last commit: reads at the last commit must stay possible.
  store_->Compact(std::min(min_ts, store_->LastCommitTS()));
  if (store_->compacted_ts() > compacted_before) {
    EKV_PROBE(options_.probes, kCompactionRan);
  }
  return ApplyResult{};
}

ApplyResult Fsm::ApplyRequest(const kvpb::Request& request) {
  ApplyResult result = request.is_txn() ? ApplyTxn(request) : ApplyRaw(request);
  return result;
}

absl::StatusOr<bool> Fsm::GuardsHold(const kvpb::Request& request,
                                     uint64_t commit_ts) const {
  for (const kvpb::Guard& guard : request.guards()) {
    if (guard.key().empty() || txn::IsTxnInternalKey(guard.key())) {
      return InvalidRequestError("guard on an empty or reserved key");
    }
    EKV_RETURN_IF_ERROR(txn::CheckUnlocked(*store_, guard.key()));
    // The state just before this commit, expiry included.
    EKV_ASSIGN_OR_RETURN(auto value, store_->GetAt(guard.key(), commit_ts));
    const bool holds = guard.expect_absent()
                           ? !value.has_value()
                           : value.has_value() && *value == guard.expected();
    if (!holds) return false;
  }
  return true;
}

absl::Status Fsm::CheckFreshCommitTs(uint64_t commit_ts) {
  if (commit_ts == 0) return InvalidRequestError("commit timestamp 0");
  const uint64_t floor = std::max(max_commit_ts_, store_->LastCommitTS());
  if (commit_ts <= floor) {
    ++stats_.hlc_regressions;
    return MakeError(ErrorKind::kWriteConflict,
                     absl::StrCat("commit ts ", commit_ts,
                                  " not above the last applied ", floor));
  }
  max_commit_ts_ = commit_ts;
  hlc_->Observe(commit_ts);
  return absl::OkStatus();
}

ApplyResult Fsm::ApplyRaw(const kvpb::Request& request) {
  const uint64_t ts = request.ts();
  if (request.guards_size() > 0 && request.mutations_size() == 1 &&
      (request.mutations(0).op() == kvpb::DEL_PREFIX ||
       request.mutations(0).op() == kvpb::EXPIRE)) {
    return Fail(InvalidRequestError("EXPIRE and DEL_PREFIX take no guards"));
  }
  if (request.mutations_size() == 1 &&
      request.mutations(0).op() == kvpb::DEL_PREFIX) {
    const kvpb::Mutation& m = request.mutations(0);
    std::string exclude = m.exclude_prefix();
    if (absl::StartsWith(txn::kTxnKeyPrefix, m.key())) {
      if (!exclude.empty()) {
        return Fail(InvalidRequestError(
            "a prefix covering !txn| keys takes no exclude_prefix"));
      }
      exclude = std::string(txn::kTxnKeyPrefix);
    }
    FSM_RETURN_IF_ERROR(CheckFreshCommitTs(ts));
    return Done(store_->DeletePrefixAt(m.key(), exclude, ts).status(), ts);
  }
  if (request.mutations_size() == 1 &&
      request.mutations(0).op() == kvpb::EXPIRE) {
    const kvpb::Mutation& m = request.mutations(0);
    if (m.key().empty() || txn::IsTxnInternalKey(m.key())) {
      return Fail(InvalidRequestError("empty or reserved key"));
    }
    FSM_RETURN_IF_ERROR(CheckFreshCommitTs(ts));
    FSM_RETURN_IF_ERROR(txn::CheckUnlocked(*store_, m.key()));
    return Done(store_->ExpireAt(m.key(), m.expire_at(), ts).status(), ts);
  }
  auto mutations = GroupedWrites(request, 0);
  if (!mutations.ok()) return Fail(mutations.status());
  FSM_RETURN_IF_ERROR(CheckFreshCommitTs(ts));
  for (const mvcc::Mutation& m : *mutations) {
    FSM_RETURN_IF_ERROR(txn::CheckUnlocked(*store_, m.key));
  }
  auto hold = GuardsHold(request, ts);
  if (!hold.ok()) return Fail(hold.status());
  if (!*hold) return ConditionFailed();
  return Done(store_->ApplyMutations(*mutations, {}, ts, ts), ts);
}

ApplyResult Fsm::ApplyTxn(const kvpb::Request& request) {
  if (request.mutations_size() == 0 ||
      !txn::IsTxnMetaKey(request.mutations(0).key())) {
    return Fail(InvalidRequestError("txn meta missing"));
  }
  auto meta = txn::DecodeTxnMeta(request.mutations(0).value());
  if (!meta.ok()) return Fail(InvalidRequestError("txn meta invalid"));
  auto mutations = GroupedWrites(request, 1);
  if (!mutations.ok()) return Fail(mutations.status());
  const std::vector<std::string> read_keys(request.read_keys().begin(),
                                           request.read_keys().end());
  const uint64_t start_ts = request.ts();
  switch (request.phase()) {
    case kvpb::NONE: {
      if (meta->commit_ts <= start_ts) {
        return Fail(InvalidRequestError("txn commit ts required"));
      }
      FSM_RETURN_IF_ERROR(CheckFreshCommitTs(meta->commit_ts));
      auto hold = GuardsHold(request, meta->commit_ts);
      if (!hold.ok()) return Fail(hold.status());
      if (!*hold) return ConditionFailed();
      const bool validate_reads =
          !EKV_PLANTED_BUG(options_.bugs, kTxnReadSetNotValidated);
      return Done(txn::ApplyOnePhase(
                      *store_, *mutations,
                      validate_reads ? read_keys : std::vector<std::string>(),
                      start_ts, meta->commit_ts),
                  meta->commit_ts);
    }
    case kvpb::PREPARE:
      return Done(
          txn::ApplyPrepare(*store_, *meta, *mutations, read_keys, start_ts),
          0);
    case kvpb::COMMIT:
      hlc_->Observe(meta->commit_ts);
      return Done(
          txn::ApplyCommit(*store_, *meta, KeysOf(*mutations), start_ts),
          meta->commit_ts);
    case kvpb::ABORT:
      hlc_->Observe(meta->commit_ts);
      return Done(txn::ApplyAbort(*store_, *meta, KeysOf(*mutations), start_ts,
                                  meta->commit_ts),
                  0);
    default:
      return Fail(InvalidRequestError("unknown transaction phase"));
  }
}

void Fsm::Record(uint64_t client_id, uint64_t seq, uint64_t index,
                 const ApplyResult& result) {
  auto [it, inserted] = clients_.try_emplace(client_id);
  if (!inserted) client_by_index_.erase(it->second.index);
  const ErrorKind kind = GetErrorKind(result.status);
  Outcome& outcome = it->second;
  outcome.seq = seq;
  outcome.index = index;
  outcome.commit_ts = result.commit_ts;
  outcome.condition_failed = result.condition_failed;
  if (result.status.ok()) {
    outcome.kind = 0;
    outcome.message.clear();
  } else {
    // Every FSM error carries a kind; a foreign status replays as invalid.
    const ErrorKind stored =
        kind == ErrorKind::kNone ? ErrorKind::kInvalidRequest : kind;
    outcome.kind = static_cast<uint8_t>(stored);
    outcome.message = BareMessage(result.status, kind);
  }
  client_by_index_[index] = client_id;
  if (clients_.size() > options_.dedup_clients_max) {
    // Evict the client idle for the most entries (never the one just added).
    const auto oldest = client_by_index_.begin();
    clients_.erase(oldest->second);
    client_by_index_.erase(oldest);
  }
}

ApplyResult Fsm::Replay(const Outcome& outcome) {
  ApplyResult result;
  if (outcome.kind != 0) {
    result.status =
        MakeError(static_cast<ErrorKind>(outcome.kind), outcome.message);
  }
  result.commit_ts = outcome.commit_ts;
  result.condition_failed = outcome.condition_failed;
  result.deduplicated = true;
  return result;
}

std::optional<ApplyResult> Fsm::AppliedOutcome(uint64_t client_id,
                                               uint64_t seq) const {
  const auto it = clients_.find(client_id);
  if (it == clients_.end() || it->second.seq != seq) return std::nullopt;
  return Replay(it->second);
}

std::string Fsm::EncodeMeta() const {
  std::string out(kSnapshotMagic);
  mvcc::PutVarint64(&out, ceiling_ms_);
  mvcc::PutVarint64(&out, max_commit_ts_);
  mvcc::PutVarint64(&out, clients_.size());
  for (const auto& [client_id, outcome] : clients_) {
    mvcc::PutVarint64(&out, client_id);
    mvcc::PutVarint64(&out, outcome.seq);
    mvcc::PutVarint64(&out, outcome.index);
    out.push_back(static_cast<char>(outcome.kind));
    mvcc::PutLengthPrefixed(&out, outcome.message);
    mvcc::PutVarint64(&out, outcome.commit_ts);
    out.push_back(static_cast<char>(outcome.condition_failed ? 1 : 0));
  }
  return out;
}

std::string Fsm::Snapshot() const {
  std::string out = EncodeMeta();
  mvcc::PutVarint64(&out, applied_index_);
  store_->AppendSnapshot(&out, /*trailing_bytes=*/8);  // room for the seal
  mvcc::SealWithChecksum(&out);
  return out;
}

uint64_t Fsm::StateHash() const {
  std::string out = EncodeMeta();
  mvcc::PutFixed64(&out, store_->StateHash());
  return mvcc::Checksum64(out);
}

absl::Status Fsm::Restore(absl::string_view snapshot) {
  absl::string_view body;
  if (!mvcc::OpenSealed(snapshot, &body) ||
      !absl::StartsWith(body, kSnapshotMagic)) {
    return CorruptionError("fsm snapshot: checksum mismatch or bad magic");
  }
  mvcc::Decoder in(body.substr(kSnapshotMagic.size()));
  uint64_t ceiling_ms = 0, max_commit_ts = 0, count = 0, applied_index = 0;
  if (!in.GetVarint64(&ceiling_ms) || !in.GetVarint64(&max_commit_ts) ||
      !in.GetVarint64(&count) || count > in.remaining()) {
    return CorruptionError("fsm snapshot: bad header");
  }
  std::map<uint64_t, Outcome> clients;
  std::map<uint64_t, uint64_t> client_by_index;
  for (uint64_t i = 0; i < count; ++i) {
    uint64_t client_id = 0;
    Outcome outcome;
    absl::string_view message;
    uint8_t condition_failed = 0;
    if (!in.GetVarint64(&client_id) || !in.GetVarint64(&outcome.seq) ||
        !in.GetVarint64(&outcome.index) || !in.GetByte(&outcome.kind) ||
        !in.GetLengthPrefixed(&message) ||
        !in.GetVarint64(&outcome.commit_ts) || !in.GetByte(&condition_failed) ||
        condition_failed > 1 || !clients.emplace(client_id, outcome).second ||
        !client_by_index.emplace(outcome.index, client_id).second) {
      return CorruptionError("fsm snapshot: bad client entry");
    }
    clients[client_id].message = std::string(message);
    clients[client_id].condition_failed = condition_failed == 1;
  }
  absl::string_view store_bytes;
  if (!in.GetVarint64(&applied_index) || !in.GetLengthPrefixed(&store_bytes) ||
      !in.done()) {
    return CorruptionError("fsm snapshot: bad trailer");
  }
  EKV_RETURN_IF_ERROR(store_->Restore(store_bytes));
  applied_index_ = applied_index;
  ceiling_ms_ = ceiling_ms;
  max_commit_ts_ = max_commit_ts;
  clients_ = std::move(clients);
  client_by_index_ = std::move(client_by_index);
  hlc_->ApplyCeiling(ceiling_ms_);
  hlc_->Observe(std::max(max_commit_ts_, store_->LastCommitTS()));
  return absl::OkStatus();
}

}  // namespace ekv::kv
