#include "workloads/bank_client.h"

#include <algorithm>
#include <cstddef>
#include <utility>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "engine/base/check.h"

namespace ekv::workloads {
namespace {

using checkers::Value;

ClientLoopOptions LoopOptions(const BankClientOptions& o) {
  return ClientLoopOptions{o.think_ns_max, o.ops_max, o.run_ns_max, o.process,
                           o.process_stride};
}

Value MapOf(Value::Map entries) {
  Value out;
  EKV_CHECK(Value::MakeMap(std::move(entries), &out)) << "keys are distinct";
  return out;
}

}  // namespace

BankClient::BankClient(const Env& env, BankClientOptions options, EventLog* log,
                       BankCounters* counters)
    : env_(env),
      options_(std::move(options)),
      log_(log),
      counters_(counters),
      loop_(env, LoopOptions(options_)),
      requester_(env, options_.nodes, options_.client_id, options_.requester) {
  EKV_CHECK(log_ != nullptr && counters_ != nullptr);
  EKV_CHECK(options_.accounts.size() >= 2);
  EKV_CHECK(options_.initial_balance >= 0 && options_.amount_max >= 1);
  EKV_CHECK(options_.setup_rounds_max >= 1);
  EKV_CHECK(options_.audit_parts_max >= 2 && options_.audit_think_ns_max >= 0);
}

BankClient::~BankClient() {
  for (TimerId timer : {setup_timer_, audit_timer_}) {
    if (timer != kNoTimer) env_.timers->CancelTimer(timer);
  }
}

void BankClient::Start() { ReadForSetup(); }

void BankClient::OnMessage(EndpointId /*from*/, std::string payload) {
  requester_.OnMessage(payload);
}

kvpb::ClientRequest BankClient::ReadRequest(
    const std::vector<std::string>& keys) const {
  kvpb::ClientRequest request;
  for (const std::string& key : keys) {
    kvpb::TxnOp* op = request.mutable_txn()->add_ops();
    op->set_kind(kvpb::TxnOp::READ);
    op->set_key(key);
  }
  return request;
}

void BankClient::Anomaly(std::string what) {
  if (counters_->first_anomaly.empty()) {
    counters_->first_anomaly = std::move(what);
  }
}

std::optional<BankClient::Balances> BankClient::ParseReads(
    const kvpb::ClientResponse& response) {
  Balances balances;
  for (const kvpb::TxnRead& read : response.reads()) {
    if (!read.found()) continue;
    int64_t balance = 0;
    if (!absl::SimpleAtoi(read.value(), &balance)) {
      ++counters_->garbage_reads;
      Anomaly(absl::StrCat("balance of ", read.key(), " is '",
                           read.value().substr(0, 100), "'"));
      return std::nullopt;
    }
    balances[read.key()] = balance;
  }
  return balances;
}

// ---- Setup (not recorded).

void BankClient::ReadForSetup() {
  requester_.Start(
      ReadRequest(options_.accounts), /*mutating=*/false,
      [this](KvResult&& result) { OnSetupRead(std::move(result)); });
}

void BankClient::OnSetupRead(KvResult result) {
  if (result.outcome != KvOutcome::kOk) return RetrySetup();
  const auto balances = ParseReads(result.response);
  if (!balances.has_value()) return RetrySetup();
  if (balances->size() == options_.accounts.size()) {
    ++counters_->clients_set_up;
    return loop_.Start([this] { Invoke(); });
  }
  if (!balances->empty()) {
    ++counters_->partial_setups;
    Anomaly(absl::StrCat("setup read found ", balances->size(), " of ",
                         options_.accounts.size(), " accounts at ts ",
                         result.response.read_ts()));
    return RetrySetup();
  }
  // None exists: create them all, unless anything changed since this read.
  kvpb::ClientRequest create;
  kvpb::TxnRequest* txn = create.mutable_txn();
  txn->set_start_ts(result.response.read_ts());
  for (const std::string& account : options_.accounts) {
    txn->add_read_keys(account);
    kvpb::TxnOp* op = txn->add_ops();
    op->set_kind(kvpb::TxnOp::PUT);
    op->set_key(account);
    op->set_value(absl::StrCat(options_.initial_balance));
  }
  requester_.Start(std::move(create), /*mutating=*/true, [this](KvResult r) {
    if (r.outcome == KvOutcome::kOk) ++counters_->setups_written;
    // Whatever the outcome, the next read tells whether the accounts exist.
    RetrySetup();
  });
}

void BankClient::RetrySetup() {
  if (++setup_rounds_ >= options_.setup_rounds_max) {
    ++counters_->setups_abandoned;
    return;
  }
  setup_timer_ = env_.timers->StartTimer(options_.setup_retry_ns, [this] {
    setup_timer_ = kNoTimer;
    ReadForSetup();
  });
}

// ---- Operations (recorded).

Value BankClient::TransferValue() const {
  return MapOf({{Value::String("from"), Value::String(transfer_->from)},
                {Value::String("to"), Value::String(transfer_->to)},
                {Value::String("amount"), Value::Int(transfer_->amount)}});
}

void BankClient::Invoke() {
  checkers::Event invoke;
  invoke.process = loop_.process();
  invoke.type = checkers::EventType::kInvoke;
  if (env_.random->Bernoulli(options_.read_fraction)) {
    f_ = "read";
    invoke.f = f_;
    log_->Add(std::move(invoke));
    if (env_.random->Bernoulli(options_.audit_fraction)) return StartAudit();
    return requester_.Start(
        ReadRequest(options_.accounts), /*mutating=*/false,
        [this](KvResult&& result) { OnRead(std::move(result)); });
  }
  const size_t n = options_.accounts.size();
  const size_t from = env_.random->Uniform(n);
  const size_t to = (from + 1 + env_.random->Uniform(n - 1)) % n;
  transfer_ = Transfer{options_.accounts[from], options_.accounts[to],
                       env_.random->UniformRange(1, options_.amount_max)};
  f_ = "transfer";
  invoke.f = f_;
  invoke.value = TransferValue();
  log_->Add(std::move(invoke));
  requester_.Start(ReadRequest({transfer_->from, transfer_->to}),
                   /*mutating=*/false, [this](KvResult&& result) {
                     OnTransferRead(std::move(result));
                   });
}

void BankClient::OnRead(KvResult result) {
  if (result.outcome != KvOutcome::kOk) {
    return Complete(checkers::EventType::kFail, Value::Nil(),
                    std::move(result.error), 0);
  }
  const auto balances = ParseReads(result.response);
  if (!balances.has_value()) {
    return Complete(checkers::EventType::kFail, Value::Nil(),
                    "unparsable balance", 0);
  }
  CompleteRead(*balances);
}

void BankClient::CompleteRead(const Balances& balances) {
  Value::Map entries;
  for (const auto& [account, balance] : balances) {
    entries.emplace_back(Value::String(account), Value::Int(balance));
  }
  Complete(checkers::EventType::kOk, MapOf(std::move(entries)), "", 0);
}

void BankClient::StartAudit() {
  const size_t n = options_.accounts.size();
  const size_t parts = static_cast<size_t>(env_.random->UniformRange(
      2, std::min<int64_t>(options_.audit_parts_max, static_cast<int64_t>(n))));
  audit_ = Audit();
  // Contiguous runs of accounts, as even as they divide.
  for (size_t p = 0; p < parts; ++p) {
    audit_->parts.emplace_back(
        options_.accounts.begin() + static_cast<std::ptrdiff_t>(p * n / parts),
        options_.accounts.begin() +
            static_cast<std::ptrdiff_t>((p + 1) * n / parts));
  }
  SendAuditPart();
}

void BankClient::SendAuditPart() {
  kvpb::ClientRequest request = ReadRequest(audit_->parts[audit_->next]);
  if (audit_->next == 0) {
    request.mutable_txn()->set_hold_snapshot_ms(options_.audit_hold_ms);
  } else {
    request.mutable_txn()->set_start_ts(audit_->read_ts);
  }
  requester_.Start(
      std::move(request), /*mutating=*/false,
      [this](KvResult&& result) { OnAuditPart(std::move(result)); });
}

void BankClient::OnAuditPart(KvResult result) {
  // A read has no effect: any failed part fails the whole read.
  if (result.outcome != KvOutcome::kOk) {
    if (audit_->next > 0) ++counters_->audits_failed_after_hold;
    audit_.reset();
    return Complete(checkers::EventType::kFail, Value::Nil(),
                    std::move(result.error), 0);
  }
  const auto balances = ParseReads(result.response);
  if (!balances.has_value()) {
    audit_.reset();
    return Complete(checkers::EventType::kFail, Value::Nil(),
                    "unparsable balance", 0);
  }
  if (audit_->next == 0) audit_->read_ts = result.response.read_ts();
  if (result.response.read_ts() != audit_->read_ts) {
    ++counters_->audit_snapshot_mismatches;
    Anomaly(absl::StrCat("audit part read at ", result.response.read_ts(),
                         ", not at the held snapshot ", audit_->read_ts));
    audit_.reset();
    return Complete(checkers::EventType::kFail, Value::Nil(),
                    "audit part read at another snapshot", 0);
  }
  audit_->balances.insert(balances->begin(), balances->end());
  if (++audit_->next == audit_->parts.size()) {
    const Balances all = std::move(audit_->balances);
    audit_.reset();
    ++counters_->audits_ok;
    return CompleteRead(all);
  }
  audit_timer_ = env_.timers->StartTimer(
      env_.random->UniformRange(0, options_.audit_think_ns_max), [this] {
        audit_timer_ = kNoTimer;
        SendAuditPart();
      });
}

void BankClient::OnTransferRead(KvResult result) {
  // Nothing was written yet: any failure here is a fail.
  if (result.outcome != KvOutcome::kOk) {
    return Complete(checkers::EventType::kFail, TransferValue(),
                    std::move(result.error), 0);
  }
  const auto balances = ParseReads(result.response);
  if (!balances.has_value() || balances->count(transfer_->from) == 0 ||
      balances->count(transfer_->to) == 0) {
    return Complete(checkers::EventType::kFail, TransferValue(),
                    "account unreadable", 0);
  }
  const int64_t from_balance = balances->at(transfer_->from);
  const int64_t to_balance = balances->at(transfer_->to);
  if (from_balance < transfer_->amount) {
    return Complete(checkers::EventType::kFail, TransferValue(),
                    "insufficient funds", 0);
  }
  kvpb::ClientRequest write;
  kvpb::TxnRequest* txn = write.mutable_txn();
  txn->set_start_ts(result.response.read_ts());
  const std::pair<const std::string*, int64_t> updates[] = {
      {&transfer_->from, from_balance - transfer_->amount},
      {&transfer_->to, to_balance + transfer_->amount}};
  for (const auto& [account, balance] : updates) {
    txn->add_read_keys(*account);
    kvpb::TxnOp* op = txn->add_ops();
    op->set_kind(kvpb::TxnOp::PUT);
    op->set_key(*account);
    op->set_value(absl::StrCat(balance));
  }
  requester_.Start(std::move(write), /*mutating=*/true,
                   [this](KvResult r) { OnTransferWrite(std::move(r)); });
}

void BankClient::OnTransferWrite(KvResult result) {
  switch (result.outcome) {
    case KvOutcome::kOk:
      return Complete(checkers::EventType::kOk, TransferValue(), "",
                      result.response.commit_ts());
    case KvOutcome::kFail:
      return Complete(checkers::EventType::kFail, TransferValue(),
                      std::move(result.error), 0);
    case KvOutcome::kInfo:
      return Complete(checkers::EventType::kInfo, TransferValue(),
                      std::move(result.error), 0);
  }
}

void BankClient::Complete(checkers::EventType type, Value value,
                          std::string error, uint64_t commit_ts) {
  checkers::Event event;
  event.process = loop_.process();
  event.type = type;
  event.f = f_;
  event.value = std::move(value);
  event.error = std::move(error);
  log_->Add(std::move(event), commit_ts);
  transfer_.reset();
  loop_.Completed(type == checkers::EventType::kInfo);
}

}  // namespace ekv::workloads
