#include "workloads/workload.h"

#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "workloads/list_append_workload.h"
#include "workloads/register_workload.h"
#include "workloads/workload_support.h"

namespace ekv::workloads {
namespace {

// Each kind keeps to its own keys, so a mixed run's histories are independent.
constexpr absl::string_view kRegisterPrefix = "register:";
constexpr absl::string_view kListAppendPrefix = "list-append:";

std::unique_ptr<Workload> MakeOne(absl::string_view kind, int clients,
                                  const WorkloadContext& context,
                                  WorkloadSlot slot) {
  if (kind == "register") {
    slot.key_prefix = std::string(kRegisterPrefix);
    return std::make_unique<RegisterWorkload>(clients, context,
                                              std::move(slot));
  }
  if (kind == "list-append") {
    slot.key_prefix = std::string(kListAppendPrefix);
    return std::make_unique<ListAppendWorkload>(
        clients, context, std::move(slot),
        ListAppendOptionsForSeed(context.seed));
  }
  return nullptr;
}

}  // namespace

const std::vector<std::string>& WorkloadNames() {
  static const auto* const kNames =
      new std::vector<std::string>{"register", "list-append"};
  return *kNames;
}

absl::StatusOr<std::vector<std::unique_ptr<Workload>>> MakeWorkloads(
    absl::string_view name, int clients, const WorkloadContext& context) {
  if (clients < 1) {
    return absl::InvalidArgumentError(
        absl::StrCat("a workload needs at least one client, not ", clients));
  }
  std::vector<std::unique_ptr<Workload>> out;
  auto one = MakeOne(name, clients, context, WorkloadSlot{0, clients, ""});
  if (one == nullptr) {
    return absl::InvalidArgumentError(
        absl::StrCat("unknown workload '", name, "'; expected one of ",
                     absl::StrJoin(WorkloadNames(), ", ")));
  }
  out.push_back(std::move(one));
  return out;
}

}  // namespace ekv::workloads
