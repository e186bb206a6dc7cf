#include "workloads/register_client.h"

#include <utility>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "engine/base/check.h"
#include "engine/base/status.h"
#include "engine/node/client_wire.h"

namespace ekv::workloads {
namespace {

bool Retriable(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::kNotLeader:
    case ErrorKind::kLeaderNotFound:
    case ErrorKind::kHlcCeilingExpired:
    case ErrorKind::kTimeout:
    case ErrorKind::kShuttingDown:
    case ErrorKind::kIoError:
    case ErrorKind::kDiskFull:
    case ErrorKind::kTxnLocked:
      return true;
    default:
      return false;
  }
}

}  // namespace

RegisterClient::RegisterClient(const Env& env, EndpointId self,
                               RegisterClientOptions options,
                               RegisterHistory* history)
    : env_(env),
      self_(self),
      options_(std::move(options)),
      history_(history),
      process_(options_.process) {
  EKV_CHECK(!options_.nodes.empty() && !options_.keys.empty());
  EKV_CHECK(options_.client_id != 0 && options_.values_max > 0);
  EKV_CHECK(history_ != nullptr);
}

RegisterClient::~RegisterClient() = default;

int64_t RegisterClient::Now() const { return env_.clock->MonotonicNanos(); }

void RegisterClient::Start() {
  started_ns_ = Now();
  target_ = env_.random->Uniform(options_.nodes.size());
  ScheduleNextOp();
}

void RegisterClient::CancelTimer() {
  if (timer_ != kNoTimer) env_.timers->CancelTimer(timer_);
  timer_ = kNoTimer;
}

void RegisterClient::ScheduleNextOp() {
  if (options_.ops_max > 0 && ops_invoked_ >= options_.ops_max) return;
  const int64_t think = env_.random->UniformRange(0, options_.think_ns_max);
  timer_ = env_.timers->StartTimer(think, [this] {
    timer_ = kNoTimer;
    InvokeNext();
  });
}

void RegisterClient::InvokeNext() {
  if (options_.run_ns_max > 0 && Now() - started_ns_ >= options_.run_ns_max) {
    return;
  }
  Op op;
  op.key = options_.keys[env_.random->Uniform(options_.keys.size())];
  const double draw = env_.random->UnitDouble();
  const auto value =
      static_cast<int64_t>(env_.random->Uniform(options_.values_max));
  if (draw < options_.read_fraction) {
    op.f = RegisterF::kRead;
  } else if (draw < options_.read_fraction + options_.write_fraction) {
    op.f = RegisterF::kWrite;
    op.value = value;
  } else {
    op.f = RegisterF::kCas;
    op.value = value;
    // Sometimes from nil, mostly from a value.
    if (!env_.random->OneIn(6)) {
      op.expected =
          static_cast<int64_t>(env_.random->Uniform(options_.values_max));
    }
  }
  if (op.f != RegisterF::kRead) op.seq = next_seq_++;
  op.deadline_ns = Now() + options_.op_timeout_ns;
  op_ = std::move(op);
  ++ops_invoked_;
  RegisterEvent invoke;
  invoke.process = process_;
  invoke.type = EventType::kInvoke;
  invoke.f = op_->f;
  invoke.key = op_->key;
  invoke.value = op_->value;
  invoke.expected = op_->expected;
  history_->Add(std::move(invoke));
  SendAttempt();
}

void RegisterClient::SendAttempt() {
  Op& op = *op_;
  ++op.attempts;
  ++stats_.attempts;
  kvpb::ClientRequest request;
  request.set_client_id(options_.client_id);
  request.set_request_id(next_request_id_++);
  request.set_seq(op.seq);
  switch (op.f) {
    case RegisterF::kRead:
      request.mutable_get()->set_key(op.key);
      break;
    case RegisterF::kWrite:
      request.mutable_put()->set_key(op.key);
      request.mutable_put()->set_value(absl::StrCat(*op.value));
      break;
    case RegisterF::kCas: {
      kvpb::CasRequest* cas = request.mutable_cas();
      cas->set_key(op.key);
      cas->set_expect_absent(!op.expected.has_value());
      if (op.expected.has_value())
        cas->set_expected(absl::StrCat(*op.expected));
      cas->set_value(absl::StrCat(*op.value));
      break;
    }
  }
  current_request_id_ = request.request_id();
  env_.transport->Send(options_.nodes[target_],
                       node::EncodeClientRequest(request));
  const uint64_t request_id = current_request_id_;
  timer_ =
      env_.timers->StartTimer(options_.attempt_timeout_ns, [this, request_id] {
        timer_ = kNoTimer;
        OnAttemptTimeout(request_id);
      });
}

void RegisterClient::OnAttemptTimeout(uint64_t request_id) {
  if (!op_.has_value() || request_id != current_request_id_) return;
  op_->last_error = "no reply";
  RetryLater(/*next_node=*/true);
}

void RegisterClient::RetryLater(bool next_node) {
  current_request_id_ = 0;  // late replies to the old attempt are ignored
  if (next_node) target_ = (target_ + 1) % options_.nodes.size();
  if (op_->attempts >= options_.attempts_max ||
      Now() + options_.retry_backoff_ns >= op_->deadline_ns) {
    return GiveUp();
  }
  timer_ = env_.timers->StartTimer(options_.retry_backoff_ns, [this] {
    timer_ = kNoTimer;
    if (op_.has_value()) SendAttempt();
  });
}

void RegisterClient::OnMessage(EndpointId /*from*/, std::string payload) {
  const auto response = node::DecodeClientResponse(payload);
  if (!response.has_value() || !op_.has_value() ||
      response->request_id() != current_request_id_) {
    return;  // garbage, or a reply to an attempt given up on
  }
  CancelTimer();
  OnResponse(*response);
}

void RegisterClient::OnResponse(const kvpb::ClientResponse& response) {
  if (response.error_kind() != 0) return HandleError(response);
  const Op& op = *op_;
  if (op.f == RegisterF::kRead) {
    std::optional<int64_t> value;
    if (response.found()) {
      int64_t parsed = 0;
      if (!absl::SimpleAtoi(response.value(), &parsed)) {
        return Complete(EventType::kFail, std::nullopt,
                        "unparsable register value", 0);
      }
      value = parsed;
    }
    return Complete(EventType::kOk, value, "", 0);
  }
  if (op.f == RegisterF::kCas && !response.cas_succeeded()) {
    // The FSM compared and recorded the failure: it can never apply.
    return Complete(EventType::kFail, std::nullopt, "", 0);
  }
  Complete(EventType::kOk, std::nullopt, "", response.commit_ts());
}

void RegisterClient::HandleError(const kvpb::ClientResponse& response) {
  const auto kind = static_cast<ErrorKind>(response.error_kind());
  op_->last_error = std::string(ErrorKindName(kind));
  if (op_->f != RegisterF::kRead && response.outcome_recorded()) {
    return Complete(EventType::kFail, std::nullopt, op_->last_error, 0);
  }
  if (!Retriable(kind)) return GiveUp();
  if (kind == ErrorKind::kNotLeader) {
    ++stats_.redirects;
    const int64_t hint = response.leader_hint();
    for (size_t i = 0; i < options_.nodes.size(); ++i) {
      if (static_cast<int64_t>(options_.nodes[i]) == hint) {
        target_ = i;
        return RetryLater(/*next_node=*/false);
      }
    }
    return RetryLater(/*next_node=*/true);
  }
  RetryLater(/*next_node=*/false);
}

void RegisterClient::GiveUp() {
  // A read never has an effect; a write may still apply from any attempt.
  const EventType type =
      op_->f == RegisterF::kRead ? EventType::kFail : EventType::kInfo;
  Complete(type, std::nullopt,
           op_->last_error.empty() ? "gave up" : op_->last_error, 0);
}

void RegisterClient::Complete(EventType type, std::optional<int64_t> read_value,
                              std::string error, uint64_t commit_ts) {
  CancelTimer();
  current_request_id_ = 0;
  Record(type, op_->f == RegisterF::kRead ? read_value : op_->value,
         std::move(error), commit_ts);
  if (type == EventType::kInfo) process_ += options_.process_stride;
  op_.reset();
  ScheduleNextOp();
}

void RegisterClient::Record(EventType type, std::optional<int64_t> value,
                            std::string error, uint64_t commit_ts) {
  switch (type) {
    case EventType::kOk:
      ++stats_.ok;
      break;
    case EventType::kFail:
      ++stats_.fail;
      break;
    default:
      ++stats_.info;
  }
  RegisterEvent event;
  event.process = process_;
  event.type = type;
  event.f = op_->f;
  event.key = op_->key;
  event.value = value;
  event.expected = op_->expected;
  event.error = std::move(error);
  event.commit_ts = commit_ts;
  history_->Add(std::move(event));
}

}  // namespace ekv::workloads
