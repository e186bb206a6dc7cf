#include "workloads/register_workload.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "engine/base/check.h"
#include "workloads/hlc_real_time.h"
#include "workloads/register_check.h"

namespace ekv::workloads {

RegisterWorkload::RegisterWorkload(int clients, const WorkloadContext& context,
                                   WorkloadSlot slot,
                                   RegisterWorkloadOptions options)
    : clients_(clients),
      context_(context),
      slot_(std::move(slot)),
      options_(options),
      history_(context.now_ns) {
  EKV_CHECK_GE(clients_, 1);
  EKV_CHECK_GE(options_.keys, 1);
  for (int k = 0; k < options_.keys; ++k) {
    keys_.push_back(absl::StrCat(slot_.key_prefix, "r", k));
  }
}

std::vector<std::string> RegisterWorkload::ParameterLines() const {
  return {
      absl::StrCat("register.clients = ", clients_),
      absl::StrCat("register.keys = ", options_.keys, " (", keys_.front(),
                   " ...)"),
      absl::StrCat("register.values_max = ", options_.values_max),
      absl::StrCat("register.read_fraction = ", options_.read_fraction),
      absl::StrCat("register.write_fraction = ", options_.write_fraction),
      absl::StrCat("register.client_ops_max = ", context_.client_ops_max),
      absl::StrCat("register.run_ns_max = ", context_.run_ns_max),
  };
}

std::unique_ptr<Process> RegisterWorkload::MakeClient(int index, const Env& env,
                                                      EndpointId self) {
  EKV_CHECK(index >= 0 && index < clients_);
  RegisterClientOptions o;
  o.nodes = context_.nodes;
  o.keys = keys_;
  o.values_max = options_.values_max;
  o.read_fraction = options_.read_fraction;
  o.write_fraction = options_.write_fraction;
  o.ops_max = context_.client_ops_max;
  o.run_ns_max = context_.run_ns_max;
  o.process = slot_.first_client + index;
  o.process_stride = slot_.clients_total;
  o.client_id = self;
  return std::make_unique<RegisterClient>(env, self, std::move(o), &history_);
}

WorkloadCheck RegisterWorkload::CheckHlc() {
  HlcRealTimeCheck hlc;
  for (const RegisterEvent& e : history_.events()) {
    if (e.type == EventType::kInvoke) {
      hlc.Invoked(e.process);
    } else if (e.type == EventType::kOk && e.f != RegisterF::kRead) {
      hlc.Acknowledged(e.process, e.commit_ts,
                       absl::StrCat(RegisterFName(e.f), " on ", e.key));
    }
  }
  return hlc.Result();
}

std::vector<WorkloadCheck> RegisterWorkload::Check() {
  std::vector<WorkloadCheck> checks;
  auto result = CheckRegisterHistory(
      history_, absl::StrCat("register seed ", context_.seed),
      context_.check_steps_max);
  checks.push_back(
      result.ok() ? checked_.Adopt("linearizable", std::move(result->history),
                                   std::move(result->report))
                  : checked_.Failed("linearizable", result.status()));
  checks.push_back(CheckHlc());
  if (!checks.back().passed)
    checked_.AddFinding("hlc-real-time", checks.back());
  return checks;
}

HistoryCounts RegisterWorkload::Counts(int64_t after_ns) const {
  HistoryCounts counts;
  for (const RegisterEvent& e : history_.events()) {
    switch (e.type) {
      case EventType::kInvoke:
        break;
      case EventType::kOk:
        ++counts.ok;
        if (e.time_ns >= after_ns) ++counts.ok_after;
        break;
      case EventType::kFail:
        ++counts.fail;
        break;
      case EventType::kInfo:
        ++counts.info;
        break;
    }
  }
  return counts;
}

std::string RegisterWorkload::HistoryJsonLines() const {
  return history_.ToJsonLines();
}

std::string RegisterWorkload::Html() const { return checked_.Html(); }

}  // namespace ekv::workloads
