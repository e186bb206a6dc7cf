#include "workloads/list_append_client.h"

#include <map>
#include <utility>

#include "absl/strings/str_cat.h"
#include "engine/base/check.h"
#include "workloads/list_value.h"

namespace ekv::workloads {
namespace {

using checkers::Value;

ClientLoopOptions LoopOptions(const ListAppendClientOptions& o) {
  return ClientLoopOptions{o.think_ns_max, o.ops_max, o.run_ns_max, o.process,
                           o.process_stride};
}

Value MopValue(const char* f, const std::string& key, Value v) {
  return Value::MakeList({Value::String(f), Value::String(key), std::move(v)});
}

Value IntList(const std::vector<int64_t>& items) {
  Value::List list;
  list.reserve(items.size());
  for (int64_t item : items) list.push_back(Value::Int(item));
  return Value::MakeList(std::move(list));
}

}  // namespace

ListAppendClient::ListAppendClient(const Env& env,
                                   ListAppendClientOptions options,
                                   ListAppendKeys* keys, EventLog* log,
                                   ListAppendCounters* counters)
    : env_(env),
      options_(std::move(options)),
      keys_(keys),
      log_(log),
      counters_(counters),
      loop_(env, LoopOptions(options_)),
      requester_(env, options_.nodes, options_.client_id, options_.requester) {
  EKV_CHECK(keys_ != nullptr && log_ != nullptr && counters_ != nullptr);
  EKV_CHECK(options_.mops_min >= 1 && options_.mops_min <= options_.mops_max);
}

void ListAppendClient::Start() {
  loop_.Start([this] { Invoke(); });
}

void ListAppendClient::OnMessage(EndpointId /*from*/, std::string payload) {
  requester_.OnMessage(payload);
}

void ListAppendClient::Invoke() {
  txn_.clear();
  const int64_t mops =
      env_.random->UniformRange(options_.mops_min, options_.mops_max);
  bool appends = false;
  for (int64_t i = 0; i < mops; ++i) {
    Mop mop;
    mop.key = keys_->Pick(*env_.random);
    mop.read = env_.random->Bernoulli(options_.read_fraction);
    if (!mop.read) mop.value = keys_->NextValue(mop.key);
    appends |= !mop.read;
    txn_.push_back(std::move(mop));
  }
  checkers::Event invoke;
  invoke.process = loop_.process();
  invoke.type = checkers::EventType::kInvoke;
  invoke.f = "txn";
  invoke.value = Invocation();
  log_->Add(std::move(invoke));
  requester_.Start(Request(), /*mutating=*/appends,
                   [this](KvResult&& result) { OnResult(std::move(result)); });
}

Value ListAppendClient::Invocation() const {
  Value::List mops;
  mops.reserve(txn_.size());
  for (const Mop& mop : txn_) {
    mops.push_back(mop.read
                       ? MopValue("r", mop.key, Value::Nil())
                       : MopValue("append", mop.key, Value::Int(mop.value)));
  }
  return Value::MakeList(std::move(mops));
}

kvpb::ClientRequest ListAppendClient::Request() const {
  kvpb::ClientRequest request;
  kvpb::TxnRequest* txn = request.mutable_txn();
  for (const Mop& mop : txn_) {
    kvpb::TxnOp* op = txn->add_ops();
    op->set_key(mop.key);
    if (mop.read) {
      op->set_kind(kvpb::TxnOp::READ);
    } else {
      op->set_kind(kvpb::TxnOp::APPEND);
      op->set_value(EncodeListElement(mop.value));
    }
  }
  return request;
}

bool ListAppendClient::FilledIn(const kvpb::ClientResponse& response,
                                Value* out) {
  int reads = 0;
  for (const Mop& mop : txn_) reads += mop.read ? 1 : 0;
  if (response.reads_size() != reads) return false;
  // This transaction's appends so far, per key.
  std::map<std::string, std::vector<int64_t>> own;
  Value::List mops;
  mops.reserve(txn_.size());
  int next_read = 0;
  for (const Mop& mop : txn_) {
    if (!mop.read) {
      own[mop.key].push_back(mop.value);
      mops.push_back(MopValue("append", mop.key, Value::Int(mop.value)));
      continue;
    }
    const kvpb::TxnRead& read = response.reads(next_read++);
    auto list = DecodeList(read.found() ? read.value() : "");
    if (read.key() != mop.key || !list.has_value()) {
      if (counters_->garbage_reads++ == 0) {
        counters_->first_garbage =
            absl::StrCat("read of ", mop.key, " answered for ", read.key(),
                         ": '", read.value().substr(0, 200), "'");
      }
      return false;
    }
    const auto it = own.find(mop.key);
    if (it != own.end())
      list->insert(list->end(), it->second.begin(), it->second.end());
    mops.push_back(MopValue("r", mop.key, IntList(*list)));
  }
  *out = Value::MakeList(std::move(mops));
  return true;
}

void ListAppendClient::OnResult(KvResult result) {
  switch (result.outcome) {
    case KvOutcome::kFail:
      return Complete(checkers::EventType::kFail, Invocation(),
                      std::move(result.error), 0);
    case KvOutcome::kInfo:
      return Complete(checkers::EventType::kInfo, Invocation(),
                      std::move(result.error), 0);
    case KvOutcome::kOk:
      break;
  }
  const kvpb::ClientResponse& response = result.response;
  Value filled;
  if (FilledIn(response, &filled)) {
    return Complete(checkers::EventType::kOk, std::move(filled), "",
                    response.commit_ts());
  }
  // It committed, but what it read is unknown: as good as indeterminate.
  if (response.deduplicated()) ++counters_->reads_unknown;
  Complete(checkers::EventType::kInfo, Invocation(),
           response.deduplicated() ? "committed earlier; reads unknown"
                                   : "reads unreadable",
           0);
}

void ListAppendClient::Complete(checkers::EventType type, Value value,
                                std::string error, uint64_t commit_ts) {
  checkers::Event event;
  event.process = loop_.process();
  event.type = type;
  event.f = "txn";
  event.value = std::move(value);
  event.error = std::move(error);
  log_->Add(std::move(event), commit_ts);
  txn_.clear();
  loop_.Completed(type == checkers::EventType::kInfo);
}

}  // namespace ekv::workloads
