#include "workloads/workload.h"

#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "engine/base/random.h"
#include "workloads/bank_workload.h"
#include "workloads/list_append_workload.h"
#include "workloads/register_workload.h"
#include "workloads/workload_support.h"

namespace ekv::workloads {
namespace {

// The kinds a mixed run combines, in the order their clients are numbered.
constexpr absl::string_view kKinds[] = {"register", "bank", "list-append"};

// Each kind keeps to its own keys, so a mixed run's histories are independent.
std::string PrefixOf(absl::string_view kind) { return absl::StrCat(kind, ":"); }

std::unique_ptr<Workload> MakeOne(absl::string_view kind, int clients,
                                  const WorkloadContext& context,
                                  WorkloadSlot slot) {
  slot.key_prefix = PrefixOf(kind);
  if (kind == "register") {
    return std::make_unique<RegisterWorkload>(clients, context,
                                              std::move(slot));
  }
  if (kind == "bank") {
    return std::make_unique<BankWorkload>(clients, context, std::move(slot),
                                          BankOptionsForSeed(context.seed));
  }
  if (kind == "list-append") {
    return std::make_unique<ListAppendWorkload>(
        clients, context, std::move(slot),
        ListAppendOptionsForSeed(context.seed));
  }
  return nullptr;
}

}  // namespace

const std::vector<std::string>& WorkloadNames() {
  static const auto* const kNames =
      new std::vector<std::string>{"register", "bank", "list-append", "mixed"};
  return *kNames;
}

absl::StatusOr<std::vector<std::unique_ptr<Workload>>> MakeWorkloads(
    absl::string_view name, int clients, const WorkloadContext& context) {
  if (clients < 1) {
    return absl::InvalidArgumentError(
        absl::StrCat("a workload needs at least one client, not ", clients));
  }
  std::vector<std::unique_ptr<Workload>> out;
  if (name == "mixed") {
    constexpr int kKindCount = sizeof(kKinds) / sizeof(kKinds[0]);
    if (clients < kKindCount) {
      return absl::InvalidArgumentError(
          absl::StrCat("the mixed workload needs at least ", kKindCount,
                       " clients (one per kind), not ", clients));
    }
    // An even split whose remainder goes to kinds in a seeded order, so that
    // across a sweep every kind often has clients enough to race (a kind
    // with one client cannot show a concurrency anomaly).
    std::vector<int> share(kKindCount, clients / kKindCount);
    std::vector<int> order(kKindCount);
    for (int k = 0; k < kKindCount; ++k) order[k] = k;
    Random::ForStream(context.seed, "workload/mixed").Shuffle(order);
    for (int i = 0; i < clients % kKindCount; ++i) ++share[order[i]];
    int first = 0;
    for (int k = 0; k < kKindCount; ++k) {
      out.push_back(MakeOne(kKinds[k], share[k], context,
                            WorkloadSlot{first, clients, ""}));
      first += share[k];
    }
    return out;
  }
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
