#include "workloads/register_client.h"

#include <utility>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "engine/base/check.h"

namespace ekv::workloads {
namespace {

ClientLoopOptions LoopOptions(const RegisterClientOptions& o) {
  return ClientLoopOptions{o.think_ns_max, o.ops_max, o.run_ns_max, o.process,
                           o.process_stride};
}

}  // namespace

RegisterClient::RegisterClient(const Env& env, EndpointId /*self*/,
                               RegisterClientOptions options,
                               RegisterHistory* history)
    : env_(env),
      options_(std::move(options)),
      history_(history),
      loop_(env, LoopOptions(options_)),
      requester_(env, options_.nodes, options_.client_id, options_.requester) {
  EKV_CHECK(!options_.keys.empty());
  EKV_CHECK(options_.values_max > 0);
  EKV_CHECK(history_ != nullptr);
}

RegisterClient::~RegisterClient() = default;

RegisterClientStats RegisterClient::stats() const {
  return RegisterClientStats{ok_, fail_, info_, requester_.stats().attempts,
                             requester_.stats().redirects};
}

void RegisterClient::Start() {
  loop_.Start([this] { Invoke(); });
}

void RegisterClient::OnMessage(EndpointId /*from*/, std::string payload) {
  requester_.OnMessage(payload);
}

void RegisterClient::Invoke() {
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
  op_ = std::move(op);
  RegisterEvent invoke;
  invoke.process = loop_.process();
  invoke.type = EventType::kInvoke;
  invoke.f = op_->f;
  invoke.key = op_->key;
  invoke.value = op_->value;
  invoke.expected = op_->expected;
  history_->Add(std::move(invoke));
  requester_.Start(RequestFor(*op_), op_->f != RegisterF::kRead,
                   [this](KvResult&& result) { OnResult(std::move(result)); });
}

kvpb::ClientRequest RegisterClient::RequestFor(const Op& op) const {
  kvpb::ClientRequest request;
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
      if (op.expected.has_value()) {
        cas->set_expected(absl::StrCat(*op.expected));
      }
      cas->set_value(absl::StrCat(*op.value));
      break;
    }
  }
  return request;
}

void RegisterClient::OnResult(KvResult result) {
  const kvpb::ClientResponse& response = result.response;
  switch (result.outcome) {
    case KvOutcome::kFail:
      return Complete(EventType::kFail, std::nullopt, std::move(result.error),
                      0);
    case KvOutcome::kInfo:
      return Complete(EventType::kInfo, std::nullopt, std::move(result.error),
                      0);
    case KvOutcome::kOk:
      break;
  }
  if (op_->f == RegisterF::kRead) {
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
  if (op_->f == RegisterF::kCas && !response.cas_succeeded()) {
    // The FSM compared and recorded the failure: it can never apply.
    return Complete(EventType::kFail, std::nullopt, "", 0);
  }
  Complete(EventType::kOk, std::nullopt, "", response.commit_ts());
}

void RegisterClient::Complete(EventType type, std::optional<int64_t> read_value,
                              std::string error, uint64_t commit_ts) {
  switch (type) {
    case EventType::kOk:
      ++ok_;
      break;
    case EventType::kFail:
      ++fail_;
      break;
    default:
      ++info_;
  }
  RegisterEvent event;
  event.process = loop_.process();
  event.type = type;
  event.f = op_->f;
  event.key = op_->key;
  event.value = op_->f == RegisterF::kRead ? read_value : op_->value;
  event.expected = op_->expected;
  event.error = std::move(error);
  event.commit_ts = commit_ts;
  history_->Add(std::move(event));
  op_.reset();
  loop_.Completed(type == EventType::kInfo);
}

}  // namespace ekv::workloads
