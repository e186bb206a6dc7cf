#include "engine/node/kv_service.h"

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "engine/base/check.h"
#include "engine/base/status.h"
#include "engine/hlc/hlc.h"
#include "engine/txn/txn_apply.h"
#include "engine/txn/txn_keys.h"

namespace ekv::node {
namespace {

using Token = kv::ActiveTimestampTracker::Token;

absl::Status CheckUserKey(absl::string_view key) {
  if (key.empty()) return InvalidRequestError("empty key");
  if (txn::IsTxnInternalKey(key)) {
    return InvalidRequestError("keys starting with !txn| are reserved");
  }
  return absl::OkStatus();
}

// The first key after every key starting with `prefix` ("!txn|" -> "!txn}").
std::string PrefixEnd(absl::string_view prefix) {
  std::string end(prefix);
  end.back() = static_cast<char>(end.back() + 1);
  return end;
}

// Scans [start, end) skipping the transaction-internal namespace, by scanning
// the parts of the range on either side of it.
absl::StatusOr<std::vector<mvcc::KvPair>> UserScan(const mvcc::Store& store,
                                                   const std::string& start,
                                                   const std::string& end,
                                                   int limit, bool reverse,
                                                   uint64_t ts) {
  const std::string txn_begin(txn::kTxnKeyPrefix);
  const std::string txn_end = PrefixEnd(txn::kTxnKeyPrefix);
  const auto before_end = end.empty() || end > txn_begin ? txn_begin : end;
  const auto after_start = start < txn_end ? txn_end : start;
  std::vector<std::pair<std::string, std::string>> parts;
  if (start < before_end) parts.push_back({start, before_end});
  if (end.empty() || after_start < end) parts.push_back({after_start, end});
  if (reverse) std::reverse(parts.begin(), parts.end());
  std::vector<mvcc::KvPair> out;
  for (const auto& [from, to] : parts) {
    const int left = limit - static_cast<int>(out.size());
    if (left <= 0) break;
    EKV_ASSIGN_OR_RETURN(auto pairs,
                         reverse ? store.ReverseScanAt(from, to, left, ts)
                                 : store.ScanAt(from, to, left, ts));
    for (auto& pair : pairs) out.push_back(std::move(pair));
  }
  return out;
}

bool KnownTxnOp(int kind) {
  switch (kind) {
    case kvpb::TxnOp::READ:
    case kvpb::TxnOp::PUT:
    case kvpb::TxnOp::DELETE:
    case kvpb::TxnOp::APPEND:
      return true;
    default:
      return false;
  }
}

// The elem of a txn's PUT, DELETE or APPEND (checked by KnownTxnOp).
kv::Elem WriteElem(const kvpb::TxnOp& op) {
  switch (op.kind()) {
    case kvpb::TxnOp::PUT:
      return kv::Elem{kv::ElemOp::kPut, op.key(), op.value(), 0, ""};
    case kvpb::TxnOp::APPEND:
      return kv::Elem{kv::ElemOp::kAppend, op.key(), op.value(), 0, ""};
    default:
      return kv::Elem{kv::ElemOp::kDelete, op.key(), "", 0, ""};
  }
}

}  // namespace

kvpb::ClientResponse ResponseFor(const kvpb::ClientRequest& request,
                                 const absl::Status& status) {
  kvpb::ClientResponse response;
  response.set_request_id(request.request_id());
  response.set_seq(request.seq());
  response.set_leader_hint(-1);
  if (!status.ok()) {
    ErrorKind kind = GetErrorKind(status);
    if (kind == ErrorKind::kNone) kind = ErrorKind::kInvalidRequest;
    response.set_error_kind(static_cast<uint32_t>(kind));
    response.set_error_message(std::string(status.message()));
    response.set_leader_hint(GetLeaderHint(status));
  }
  return response;
}

KvService::KvService(kv::Coordinator* coordinator, const mvcc::Store* store,
                     kv::ActiveTimestampTracker* tracker, Clock* clock,
                     const KvServiceOptions& options)
    : coordinator_(coordinator),
      store_(store),
      tracker_(tracker),
      clock_(clock),
      options_(options),
      holds_(tracker, options.snapshot_holds_max) {
  EKV_CHECK(coordinator_ && store_ && tracker_ && clock_);
}

void KvService::MaintainHolds() {
  if (holds_.size() == 0) return;
  holds_.Expire(clock_->MonotonicNanos());
  holds_.DropOutside(coordinator_->IsLeader() ? coordinator_->Term() : 0);
}

void KvService::NoteCompactedRead(uint64_t ts) {
  MaintainHolds();
  if (coordinator_->IsLeader() && holds_.Guards(ts, coordinator_->Term())) {
    ++stats_.pinned_snapshots_compacted;
  }
}

void KvService::Handle(kvpb::ClientRequest request, Reply reply) {
  Handle(std::make_shared<const kvpb::ClientRequest>(std::move(request)),
         std::move(reply));
}

void KvService::Handle(Request shared, Reply reply) {
  EKV_CHECK(shared != nullptr);
  MaintainHolds();
  const kvpb::ClientRequest& request = *shared;
  const bool local_read = request.op_case() == kvpb::ClientRequest::kGet ||
                          request.op_case() == kvpb::ClientRequest::kScan;
  // The planted defects serve reads where they must not: from a follower's
  // local state, or from a deposed leader's surviving lease.
  const bool defect_serves_read =
      local_read && (EKV_PLANTED_BUG(options_.bugs, kFollowerReadTimestamp) ||
                     (EKV_PLANTED_BUG(options_.bugs, kLeaseAfterStepDown) &&
                      coordinator_->LeaseReadAllowed()));
  if (!coordinator_->IsLeader() && !defect_serves_read) {
    return reply(
        ResponseFor(request, NotLeaderError(coordinator_->RaftLeader())));
  }
  switch (shared->op_case()) {
    case kvpb::ClientRequest::kGet:
      return Get(std::move(shared), std::move(reply));
    case kvpb::ClientRequest::kScan:
      return Scan(std::move(shared), std::move(reply));
    case kvpb::ClientRequest::kPut: {
      kv::OperationGroup group;
      uint64_t expire_at = 0;
      if (shared->put().ttl_ms() > 0) {
        const uint64_t now_ms = hlc::PhysicalMs(coordinator_->hlc().Current());
        expire_at = hlc::Pack(now_ms + shared->put().ttl_ms(), 0);
      }
      group.elems.push_back(kv::Elem{kv::ElemOp::kPut, shared->put().key(),
                                     shared->put().value(), expire_at, ""});
      return Write(std::move(shared), std::move(group), std::move(reply));
    }
    case kvpb::ClientRequest::kDelete: {
      kv::OperationGroup group;
      group.elems.push_back(
          kv::Elem{kv::ElemOp::kDelete, shared->delete_().key(), "", 0, ""});
      return Write(std::move(shared), std::move(group), std::move(reply));
    }
    case kvpb::ClientRequest::kCas:
      return Cas(std::move(shared), std::move(reply));
    case kvpb::ClientRequest::kTxn:
      return Txn(std::move(shared), std::move(reply));
    case kvpb::ClientRequest::OP_NOT_SET:
      break;
  }
  // No op this node knows: empty, or a kind from a newer client.
  reply(ResponseFor(*shared,
                    NotImplementedError("request kind unknown to this node")));
}

void KvService::ReadBarrier(Request shared, uint64_t read_ts, Reply reply,
                            std::function<void(uint64_t, Reply)> then) {
  auto serve = [this, shared = std::move(shared), read_ts,
                reply = std::move(reply),
                then = std::move(then)](const absl::Status& status) {
    const kvpb::ClientRequest& request = *shared;
    if (!status.ok()) return reply(ResponseFor(request, status));
    // Timestamp 1 stands for "before any commit" (0 means "unset"), so a
    // timestamp handed out by an empty store is accepted back.
    const uint64_t last = std::max<uint64_t>(store_->LastCommitTS(), 1);
    if (read_ts > last) {
      return reply(ResponseFor(
          request, InvalidRequestError(absl::StrCat(
                       "read_ts ", read_ts, " above the last commit ", last))));
    }
    // A timestamp the client brought (read earlier) may be compacted away
    // already: a pin taken now cannot save it. A hold could have.
    if (read_ts != 0 && read_ts < store_->compacted_ts()) {
      NoteCompactedRead(read_ts);
      return reply(ResponseFor(
          request, CompactedError(read_ts, store_->compacted_ts())));
    }
    then(read_ts != 0 ? read_ts : last, reply);
  };
  // The planted defect reads this replica's state, leader or not, unconfirmed.
  if (EKV_PLANTED_BUG(options_.bugs, kFollowerReadTimestamp)) {
    return serve(absl::OkStatus());
  }
  coordinator_->LeaseRead(std::move(serve));
}

void KvService::Get(Request shared, Reply reply) {
  const kvpb::ClientRequest& request = *shared;
  const std::string& key = request.get().key();
  if (absl::Status s = CheckUserKey(key); !s.ok()) {
    return reply(ResponseFor(request, s));
  }
  ReadBarrier(shared, request.get().read_ts(), std::move(reply),
              [this, shared, key](uint64_t ts, Reply reply) {
                const kvpb::ClientRequest& request = *shared;
                kvpb::ClientResponse response =
                    ResponseFor(request, absl::OkStatus());
                absl::Status locked = txn::CheckReadable(*store_, key, ts);
                if (!locked.ok()) return reply(ResponseFor(request, locked));
                auto value = store_->GetAt(key, ts);
                if (!value.ok())
                  return reply(ResponseFor(request, value.status()));
                response.set_read_ts(ts);
                response.set_found(value->has_value());
                if (value->has_value()) response.set_value(**value);
                reply(std::move(response));
              });
}

void KvService::Scan(Request shared, Reply reply) {
  const kvpb::ClientRequest& request = *shared;
  const kvpb::ScanRequest& scan = request.scan();
  const int limit = scan.limit() == 0 ? options_.scan_limit_default
                                      : static_cast<int>(std::min<uint32_t>(
                                            scan.limit(), mvcc::kScanLimitMax));
  ReadBarrier(
      shared, scan.read_ts(), std::move(reply),
      [this, shared, limit](uint64_t ts, Reply reply) {
        const kvpb::ClientRequest& request = *shared;
        const kvpb::ScanRequest& scan = request.scan();
        auto pairs = UserScan(*store_, scan.start(), scan.end(), limit,
                              scan.reverse(), ts);
        if (!pairs.ok()) return reply(ResponseFor(request, pairs.status()));
        kvpb::ClientResponse response = ResponseFor(request, absl::OkStatus());
        response.set_read_ts(ts);
        for (const auto& pair : *pairs) {
          absl::Status locked = txn::CheckReadable(*store_, pair.key, ts);
          if (!locked.ok()) return reply(ResponseFor(request, locked));
          kvpb::KeyValue* out = response.add_pairs();
          out->set_key(pair.key);
          out->set_value(pair.value);
        }
        reply(std::move(response));
      });
}

void KvService::Write(Request shared, kv::OperationGroup group, Reply reply) {
  const kvpb::ClientRequest& request = *shared;
  if (request.client_id() == 0 || request.seq() == 0) {
    return reply(ResponseFor(
        request, InvalidRequestError("writes need a client_id and a seq")));
  }
  for (const kv::Elem& elem : group.elems) {
    if (absl::Status s = CheckUserKey(elem.key); !s.ok()) {
      return reply(ResponseFor(request, s));
    }
  }
  group.client_id = request.client_id();
  group.seq = request.seq();
  coordinator_->Dispatch(std::move(group), [shared, reply = std::move(reply)](
                                               const kv::DispatchResult& r) {
    const kvpb::ClientRequest& request = *shared;
    kvpb::ClientResponse response = ResponseFor(request, r.status);
    response.set_commit_ts(r.commit_ts);
    response.set_deduplicated(r.deduplicated);
    response.set_outcome_recorded(r.outcome_recorded);
    response.set_cas_succeeded(r.status.ok() && !r.condition_failed);
    reply(std::move(response));
  });
}

void KvService::Cas(Request shared, Reply reply) {
  const kvpb::ClientRequest& request = *shared;
  const kvpb::CasRequest& cas = request.cas();
  kv::OperationGroup group;
  group.elems.push_back(
      cas.delete_on_match()
          ? kv::Elem{kv::ElemOp::kDelete, cas.key(), "", 0, ""}
          : kv::Elem{kv::ElemOp::kPut, cas.key(), cas.value(), 0, ""});
  group.guards.push_back(
      kv::Guard{cas.key(), cas.expect_absent(), cas.expected()});
  Write(std::move(shared), std::move(group), std::move(reply));
}

void KvService::Txn(Request shared, Reply reply) {
  const kvpb::ClientRequest& request = *shared;
  const kvpb::TxnRequest& txn = request.txn();
  if (txn.ops_size() == 0 || txn.ops_size() > options_.txn_ops_max) {
    return reply(ResponseFor(
        request, InvalidRequestError(absl::StrCat(
                     "a txn takes 1 to ", options_.txn_ops_max, " ops"))));
  }
  if (txn.hold_snapshot_ms() > options_.snapshot_hold_ms_max) {
    return reply(ResponseFor(
        request,
        InvalidRequestError(absl::StrCat(
            "hold_snapshot_ms ", txn.hold_snapshot_ms(),
            " above this node's limit ", options_.snapshot_hold_ms_max))));
  }
  for (const kvpb::TxnOp& op : txn.ops()) {
    if (absl::Status s = CheckUserKey(op.key()); !s.ok()) {
      return reply(ResponseFor(request, s));
    }
    if (!KnownTxnOp(op.kind())) {
      // A kind from a newer client: never guess what it meant.
      return reply(ResponseFor(
          request, NotImplementedError(absl::StrCat("txn op kind ", op.kind(),
                                                    " unknown to this node"))));
    }
  }
  ReadBarrier(
      shared, txn.start_ts(), std::move(reply),
      [this, shared](uint64_t start_ts, Reply reply) {
        const kvpb::ClientRequest& request = *shared;
        const kvpb::TxnRequest& txn = request.txn();
        auto pin = std::make_shared<Token>(tracker_->Pin(start_ts));
        const uint64_t pinned_in_term = coordinator_->Term();
        // Compactions proposed before the pin did not see it; only one
        // proposed after it may never pass it.
        const bool pin_guards =
            start_ts >= coordinator_->compaction_proposed_ts();
        kvpb::ClientResponse response = ResponseFor(request, absl::OkStatus());
        response.set_read_ts(start_ts);
        kv::OperationGroup group;
        group.is_txn = true;
        group.start_ts = start_ts;
        group.read_keys.assign(txn.read_keys().begin(), txn.read_keys().end());
        for (const kvpb::TxnOp& op : txn.ops()) {
          if (op.kind() == kvpb::TxnOp::READ) {
            absl::Status locked =
                txn::CheckReadable(*store_, op.key(), start_ts);
            if (!locked.ok()) return reply(ResponseFor(request, locked));
            auto value = store_->GetAt(op.key(), start_ts);
            if (!value.ok()) return reply(ResponseFor(request, value.status()));
            kvpb::TxnRead* read = response.add_reads();
            read->set_key(op.key());
            read->set_found(value->has_value());
            if (value->has_value()) read->set_value(**value);
            group.read_keys.push_back(op.key());
          } else {
            group.elems.push_back(WriteElem(op));
          }
        }
        if (txn.hold_snapshot_ms() > 0) {
          // Leader-local: a hold taken elsewhere would guard nothing.
          if (!coordinator_->IsLeader() ||
              coordinator_->Term() != pinned_in_term) {
            return reply(ResponseFor(
                request, NotLeaderError(coordinator_->RaftLeader())));
          }
          const int64_t expire_ns =
              clock_->MonotonicNanos() +
              int64_t{txn.hold_snapshot_ms()} * kNanosPerMilli;
          absl::Status held =
              holds_.Add(start_ts, expire_ns, pinned_in_term, pin_guards);
          if (!held.ok()) {
            ++stats_.snapshot_holds_refused;
            return reply(ResponseFor(request, held));
          }
          ++stats_.snapshot_holds_taken;
        }
        if (group.elems.empty()) return reply(std::move(response));
        if (request.client_id() == 0 || request.seq() == 0) {
          return reply(ResponseFor(
              request,
              InvalidRequestError("writes need a client_id and a seq")));
        }
        group.client_id = request.client_id();
        group.seq = request.seq();
        coordinator_->Dispatch(
            std::move(group),
            [this, shared, pin, pinned_in_term, pin_guards,
             response = std::move(response),
             reply = std::move(reply)](const kv::DispatchResult& r) mutable {
              const kvpb::ClientRequest& request = *shared;
              pin->Release();
              // A deduplicated outcome is an earlier attempt's, with its
              // own snapshot.
              if (pin_guards && !r.deduplicated &&
                  IsErrorKind(r.status, ErrorKind::kCompacted) &&
                  coordinator_->IsLeader() &&
                  coordinator_->Term() == pinned_in_term) {
                ++stats_.pinned_snapshots_compacted;
              }
              if (!r.status.ok()) {
                kvpb::ClientResponse failed = ResponseFor(request, r.status);
                failed.set_outcome_recorded(r.outcome_recorded);
                return reply(std::move(failed));
              }
              // A retry of a transaction that had committed: the reads made now
              // are not the ones it committed with, and those are not kept.
              if (r.deduplicated) response.clear_reads();
              response.set_commit_ts(r.commit_ts);
              response.set_deduplicated(r.deduplicated);
              response.set_outcome_recorded(r.outcome_recorded);
              reply(std::move(response));
            });
      });
}

}  // namespace ekv::node
