#include "workloads/kv_requester.h"

#include <algorithm>
#include <utility>

#include "engine/base/check.h"
#include "engine/base/status.h"
#include "engine/node/client_wire.h"

namespace ekv::workloads {
namespace {

// Errors after which another attempt may succeed.
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
    case ErrorKind::kResourceExhausted:
      return true;
    default:
      return false;
  }
}

}  // namespace

KvRequester::KvRequester(const Env& env, std::vector<EndpointId> nodes,
                         uint64_t client_id, const KvRequesterOptions& options)
    : env_(env),
      nodes_(std::move(nodes)),
      client_id_(client_id),
      options_(options) {
  EKV_CHECK(!nodes_.empty());
  EKV_CHECK(client_id_ != 0);
  EKV_CHECK(options_.attempts_max >= 1);
  EKV_CHECK(options_.retry_backoff_ns > 0 &&
            options_.retry_backoff_ns <= options_.retry_backoff_ns_max);
  target_ = env_.random->Uniform(nodes_.size());
}

KvRequester::~KvRequester() { CancelTimer(); }

int64_t KvRequester::Now() const { return env_.clock->MonotonicNanos(); }

void KvRequester::CancelTimer() {
  if (timer_ != kNoTimer) env_.timers->CancelTimer(timer_);
  timer_ = kNoTimer;
}

void KvRequester::Start(kvpb::ClientRequest request, bool mutating, Done done) {
  EKV_CHECK(!busy()) << "one operation at a time";
  EKV_CHECK(done);
  request_ = std::move(request);
  request_.set_client_id(client_id_);
  request_.set_seq(mutating ? next_seq_++ : 0);
  mutating_ = mutating;
  done_ = std::move(done);
  attempts_ = 0;
  deadline_ns_ = Now() + options_.op_timeout_ns;
  last_error_.clear();
  last_response_.Clear();
  ++stats_.operations;
  SendAttempt();
}

void KvRequester::SendAttempt() {
  ++attempts_;
  ++stats_.attempts;
  request_.set_request_id(next_request_id_++);
  current_request_id_ = request_.request_id();
  env_.transport->Send(nodes_[target_], node::EncodeClientRequest(request_));
  const uint64_t request_id = current_request_id_;
  timer_ =
      env_.timers->StartTimer(options_.attempt_timeout_ns, [this, request_id] {
        timer_ = kNoTimer;
        OnAttemptTimeout(request_id);
      });
}

void KvRequester::OnAttemptTimeout(uint64_t request_id) {
  if (!busy() || request_id != current_request_id_) return;
  ++stats_.attempt_timeouts;
  last_error_ = "no reply";
  RetryLater(/*next_node=*/true);
}

void KvRequester::OnMessage(absl::string_view payload) {
  auto response = node::DecodeClientResponse(payload);
  if (!response.has_value() || !busy() || current_request_id_ == 0 ||
      response->request_id() != current_request_id_) {
    return;
  }
  CancelTimer();
  current_request_id_ = 0;
  OnReply(std::move(*response));
}

void KvRequester::OnReply(kvpb::ClientResponse reply) {
  last_response_ = std::move(reply);
  const kvpb::ClientResponse& response = last_response_;
  if (response.error_kind() == 0) return Finish(KvOutcome::kOk, "");
  const auto kind = static_cast<ErrorKind>(response.error_kind());
  last_error_ = std::string(ErrorKindName(kind));
  if (mutating_ && response.outcome_recorded()) {
    // The FSM decided the operation failed, for every attempt of it.
    return Finish(KvOutcome::kFail, last_error_);
  }
  if (!Retriable(kind)) return GiveUp();
  if (kind != ErrorKind::kNotLeader) return RetryLater(/*next_node=*/false);
  ++stats_.redirects;
  const int64_t hint = response.leader_hint();
  for (size_t i = 0; i < nodes_.size(); ++i) {
    if (static_cast<int64_t>(nodes_[i]) == hint) {
      target_ = i;
      return RetryLater(/*next_node=*/false);
    }
  }
  RetryLater(/*next_node=*/true);
}

void KvRequester::RetryLater(bool next_node) {
  current_request_id_ = 0;  // late replies to the old attempt are ignored
  if (next_node) target_ = (target_ + 1) % nodes_.size();
  // Doubling from the base, capped; jittered into [backoff/2, backoff].
  int64_t backoff = options_.retry_backoff_ns;
  for (int i = 1; i < attempts_ && backoff < options_.retry_backoff_ns_max;
       ++i) {
    backoff *= 2;
  }
  backoff = std::min(backoff, options_.retry_backoff_ns_max);
  backoff = env_.random->UniformRange(backoff / 2, backoff);
  if (attempts_ >= options_.attempts_max || Now() + backoff >= deadline_ns_) {
    return GiveUp();
  }
  timer_ = env_.timers->StartTimer(backoff, [this] {
    timer_ = kNoTimer;
    if (busy()) SendAttempt();
  });
}

void KvRequester::GiveUp() {
  if (last_error_.empty()) last_error_ = "gave up";
  // A read has no effect. A write may still apply from any attempt: even one
  // answered with a definite error may have a duplicate in the network that
  // a later leader applies.
  Finish(mutating_ ? KvOutcome::kInfo : KvOutcome::kFail, last_error_);
}

void KvRequester::Finish(KvOutcome outcome, std::string error) {
  CancelTimer();
  current_request_id_ = 0;
  KvResult result;
  result.outcome = outcome;
  result.response = std::move(last_response_);
  result.error = std::move(error);
  Done done = std::move(done_);
  done_ = nullptr;
  done(std::move(result));
}

}  // namespace ekv::workloads
