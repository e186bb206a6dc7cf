#include "workloads/bank_workload.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "engine/base/check.h"
#include "engine/base/random.h"
#include "workloads/hlc_real_time.h"

namespace ekv::workloads {

BankWorkloadOptions BankOptionsForSeed(uint64_t seed) {
  Random random = Random::ForStream(seed, "workload/bank");
  BankWorkloadOptions options;
  options.accounts = static_cast<int>(random.UniformRange(2, 5));
  return options;
}

BankWorkload::BankWorkload(int clients, const WorkloadContext& context,
                           WorkloadSlot slot,
                           const BankWorkloadOptions& options)
    : clients_(clients),
      context_(context),
      slot_(std::move(slot)),
      options_(options),
      log_(context.now_ns) {
  EKV_CHECK_GE(clients_, 1);
  EKV_CHECK_GE(options_.accounts, 2);
  for (int i = 0; i < options_.accounts; ++i) {
    accounts_.push_back(absl::StrCat(slot_.key_prefix, "a", i));
  }
}

std::vector<std::string> BankWorkload::ParameterLines() const {
  return {
      absl::StrCat("bank.clients = ", clients_),
      absl::StrCat("bank.accounts = ", options_.accounts, " (",
                   accounts_.front(), " ...)"),
      absl::StrCat("bank.initial_balance = ", options_.initial_balance,
                   " (total ", total(), ")"),
      absl::StrCat("bank.amount_max = ", options_.amount_max),
      absl::StrCat("bank.read_fraction = ", options_.read_fraction),
      absl::StrCat("bank.audit_fraction = ", options_.audit_fraction,
                   " (of reads: several requests at a held snapshot)"),
      absl::StrCat("bank.client_ops_max = ", context_.client_ops_max),
      absl::StrCat("bank.run_ns_max = ", context_.run_ns_max),
  };
}

std::unique_ptr<Process> BankWorkload::MakeClient(int index, const Env& env,
                                                  EndpointId self) {
  EKV_CHECK(index >= 0 && index < clients_);
  BankClientOptions o;
  o.nodes = context_.nodes;
  o.client_id = self;
  o.accounts = accounts_;
  o.initial_balance = options_.initial_balance;
  o.amount_max = options_.amount_max;
  o.read_fraction = options_.read_fraction;
  o.audit_fraction = options_.audit_fraction;
  o.ops_max = context_.client_ops_max;
  o.run_ns_max = context_.run_ns_max;
  o.process = slot_.first_client + index;
  o.process_stride = slot_.clients_total;
  return std::make_unique<BankClient>(env, std::move(o), &log_, &counters_);
}

WorkloadCheck BankWorkload::CheckHlc() const {
  HlcRealTimeCheck hlc;
  const auto& events = log_.events();
  for (size_t i = 0; i < events.size(); ++i) {
    if (events[i].type == checkers::EventType::kInvoke) {
      hlc.Invoked(events[i].process);
    } else if (log_.commit_ts(i) != 0) {
      hlc.Acknowledged(events[i].process, log_.commit_ts(i), "transfer");
    }
  }
  return hlc.Result();
}

WorkloadCheck BankWorkload::CheckAudits() const {
  const BankCounters& c = counters_;
  WorkloadCheck check{"bank_audits", c.audit_snapshot_mismatches == 0, ""};
  check.detail = absl::StrCat(c.audits_ok, " audits read at a held snapshot; ",
                              c.audits_failed_after_hold,
                              " failed after their first part");
  if (!check.passed) {
    absl::StrAppend(
        &check.detail, "; ", c.audit_snapshot_mismatches,
        " parts answered at another snapshot; first: ", c.first_anomaly);
  }
  return check;
}

WorkloadCheck BankWorkload::CheckSetup() const {
  const BankCounters& c = counters_;
  WorkloadCheck check{"bank_setup",
                      c.partial_setups == 0 && c.garbage_reads == 0, ""};
  check.detail = absl::StrCat(c.clients_set_up, " of ", clients_,
                              " clients saw the accounts; ", c.setups_written,
                              " setup txns committed; ", c.setups_abandoned,
                              " clients gave up setting up");
  if (!check.passed) {
    absl::StrAppend(&check.detail, "; ", c.partial_setups,
                    " reads found the accounts partly created, ",
                    c.garbage_reads,
                    " balances were not integers; first: ", c.first_anomaly);
  }
  return check;
}

std::vector<WorkloadCheck> BankWorkload::Check() {
  checkers::CheckOptions options;
  options.model = checkers::CheckerModel::kBank;
  options.bank.total = total();
  std::vector<WorkloadCheck> checks = {checked_.Check(
      "bank", log_.ToHistory(absl::StrCat("bank seed ", context_.seed)),
      options)};
  checks.push_back(CheckHlc());
  checks.push_back(CheckSetup());
  checks.push_back(CheckAudits());
  for (size_t i = 1; i < checks.size(); ++i) {
    if (!checks[i].passed) checked_.AddFinding(checks[i].name, checks[i]);
  }
  return checks;
}

HistoryCounts BankWorkload::Counts(int64_t after_ns) const {
  return log_.Counts(after_ns);
}

std::string BankWorkload::HistoryJsonLines() const {
  return log_.ToJsonLines();
}

std::string BankWorkload::Html() const { return checked_.Html(); }

}  // namespace ekv::workloads
