#include "engine/kv/operation.h"

#include "engine/base/status.h"
#include "engine/txn/txn_codec.h"
#include "engine/txn/txn_keys.h"

namespace ekv::kv {
namespace {

kvpb::Op ToProtoOp(ElemOp op) {
  switch (op) {
    case ElemOp::kPut:
      return kvpb::PUT;
    case ElemOp::kDelete:
      return kvpb::DEL;
    case ElemOp::kDeletePrefix:
      return kvpb::DEL_PREFIX;
    case ElemOp::kExpire:
      return kvpb::EXPIRE;
    case ElemOp::kAppend:
      return kvpb::APPEND;
  }
  return kvpb::PUT;
}

void AddElem(const Elem& elem, kvpb::Request* request) {
  kvpb::Mutation* mutation = request->add_mutations();
  mutation->set_op(ToProtoOp(elem.op));
  mutation->set_key(elem.key);
  if (elem.op == ElemOp::kPut || elem.op == ElemOp::kAppend) {
    mutation->set_value(elem.value);
  }
  if (elem.expire_at != 0) mutation->set_expire_at(elem.expire_at);
  if (!elem.exclude_prefix.empty()) {
    mutation->set_exclude_prefix(elem.exclude_prefix);
  }
}

}  // namespace

absl::Status ValidateGroup(const OperationGroup& group) {
  if (group.elems.empty()) return InvalidRequestError("empty operation group");
  const bool single = group.elems.size() == 1;
  for (const Elem& elem : group.elems) {
    const bool special =
        elem.op == ElemOp::kExpire || elem.op == ElemOp::kDeletePrefix;
    if (special && (group.is_txn || !single)) {
      return InvalidRequestError(
          "EXPIRE and DEL_PREFIX go alone in a non-transactional group");
    }
    if (elem.key.empty() && elem.op != ElemOp::kDeletePrefix) {
      return InvalidRequestError("empty key");
    }
    if (txn::IsTxnInternalKey(elem.key)) {
      return InvalidRequestError("!txn| keys are reserved");
    }
  }
  for (const Guard& guard : group.guards) {
    if (guard.key.empty() || txn::IsTxnInternalKey(guard.key)) {
      return InvalidRequestError("guard on an empty or reserved key");
    }
    if (group.elems.front().op == ElemOp::kExpire ||
        group.elems.front().op == ElemOp::kDeletePrefix) {
      return InvalidRequestError("EXPIRE and DEL_PREFIX take no guards");
    }
  }
  if (!group.is_txn && !group.read_keys.empty()) {
    return InvalidRequestError("a read set needs a transaction");
  }
  if (group.is_txn && group.start_ts == 0) {
    return InvalidRequestError("a transaction needs a start timestamp");
  }
  return absl::OkStatus();
}

kvpb::Command EncodeGroup(const OperationGroup& group, uint64_t commit_ts) {
  kvpb::Command command;
  if (group.client_id != 0) {
    command.mutable_client()->set_client_id(group.client_id);
    command.mutable_client()->set_seq(group.seq);
  }
  kvpb::Request* request = command.mutable_request();
  request->set_is_txn(group.is_txn);
  request->set_phase(kvpb::NONE);
  if (group.is_txn) {
    request->set_ts(group.start_ts);
    const std::string& primary = group.elems.front().key;
    kvpb::Mutation* meta = request->add_mutations();
    meta->set_op(kvpb::PUT);
    meta->set_key(txn::TxnMetaKey(primary));
    meta->set_value(txn::EncodeTxnMeta(txn::TxnMeta{primary, 0, commit_ts}));
    for (const std::string& key : group.read_keys) request->add_read_keys(key);
  } else {
    request->set_ts(commit_ts);
  }
  for (const Elem& elem : group.elems) AddElem(elem, request);
  for (const Guard& guard : group.guards) {
    kvpb::Guard* out = request->add_guards();
    out->set_key(guard.key);
    out->set_expect_absent(guard.expect_absent);
    if (!guard.expect_absent) out->set_expected(guard.expected);
  }
  return command;
}

kvpb::Command HlcLeaseCommand(uint64_t ceiling_ms) {
  kvpb::Command command;
  command.mutable_hlc_lease()->set_ceiling_ms(ceiling_ms);
  return command;
}

kvpb::Command CompactCommand(uint64_t min_ts) {
  kvpb::Command command;
  command.mutable_compact()->set_min_ts(min_ts);
  return command;
}

}  // namespace ekv::kv
