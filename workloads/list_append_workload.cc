#include "workloads/list_append_workload.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "engine/base/check.h"
#include "engine/base/random.h"
#include "workloads/hlc_real_time.h"

namespace ekv::workloads {

ListAppendWorkloadOptions ListAppendOptionsForSeed(uint64_t seed) {
  Random random = Random::ForStream(seed, "workload/list-append");
  ListAppendWorkloadOptions options;
  options.keys_active = static_cast<int>(random.UniformRange(2, 4));
  options.mops_max = static_cast<int>(random.UniformRange(2, 5));
  return options;
}

ListAppendWorkload::ListAppendWorkload(int clients,
                                       const WorkloadContext& context,
                                       WorkloadSlot slot,
                                       const ListAppendWorkloadOptions& options)
    : clients_(clients),
      context_(context),
      slot_(std::move(slot)),
      options_(options),
      keys_(slot_.key_prefix, options.keys_active, options.appends_per_key_max),
      log_(context.now_ns) {
  EKV_CHECK_GE(clients_, 1);
}

std::vector<std::string> ListAppendWorkload::ParameterLines() const {
  return {
      absl::StrCat("list-append.clients = ", clients_),
      absl::StrCat("list-append.keys_active = ", options_.keys_active, " (",
                   slot_.key_prefix, "k0 ...)"),
      absl::StrCat("list-append.appends_per_key_max = ",
                   options_.appends_per_key_max),
      absl::StrCat("list-append.mops = ", options_.mops_min, "..",
                   options_.mops_max),
      absl::StrCat("list-append.read_fraction = ", options_.read_fraction),
      absl::StrCat("list-append.client_ops_max = ", context_.client_ops_max),
      absl::StrCat("list-append.run_ns_max = ", context_.run_ns_max),
  };
}

std::unique_ptr<Process> ListAppendWorkload::MakeClient(int index,
                                                        const Env& env,
                                                        EndpointId self) {
  EKV_CHECK(index >= 0 && index < clients_);
  ListAppendClientOptions o;
  o.nodes = context_.nodes;
  o.client_id = self;
  o.mops_min = options_.mops_min;
  o.mops_max = options_.mops_max;
  o.read_fraction = options_.read_fraction;
  o.ops_max = context_.client_ops_max;
  o.run_ns_max = context_.run_ns_max;
  o.process = slot_.first_client + index;
  o.process_stride = slot_.clients_total;
  return std::make_unique<ListAppendClient>(env, std::move(o), &keys_, &log_,
                                            &counters_);
}

WorkloadCheck ListAppendWorkload::CheckHlc() const {
  HlcRealTimeCheck hlc;
  const auto& events = log_.events();
  for (size_t i = 0; i < events.size(); ++i) {
    if (events[i].type == checkers::EventType::kInvoke) {
      hlc.Invoked(events[i].process);
    } else if (log_.commit_ts(i) != 0) {
      hlc.Acknowledged(events[i].process, log_.commit_ts(i), "txn");
    }
  }
  return hlc.Result();
}

std::vector<WorkloadCheck> ListAppendWorkload::Check() {
  checkers::CheckOptions options;
  options.model = checkers::CheckerModel::kListAppend;
  options.elle.realtime = true;  // strict serializability
  std::vector<WorkloadCheck> checks = {checked_.Check(
      "list_append",
      log_.ToHistory(absl::StrCat("list-append seed ", context_.seed)),
      options)};
  checks.push_back(CheckHlc());
  if (!checks.back().passed)
    checked_.AddFinding("hlc-real-time", checks.back());
  WorkloadCheck lists{"list_values", counters_.garbage_reads == 0, ""};
  lists.detail =
      lists.passed
          ? absl::StrCat("every read decoded; ", counters_.reads_unknown,
                         " committed txns with reads lost to deduplication")
          : absl::StrCat(
                counters_.garbage_reads,
                " reads were not lists; first: ", counters_.first_garbage);
  checks.push_back(lists);
  if (!lists.passed) checked_.AddFinding("garbage-bytes", lists);
  return checks;
}

HistoryCounts ListAppendWorkload::Counts(int64_t after_ns) const {
  return log_.Counts(after_ns);
}

std::string ListAppendWorkload::HistoryJsonLines() const {
  return log_.ToJsonLines();
}

std::string ListAppendWorkload::Html() const { return checked_.Html(); }

}  // namespace ekv::workloads
