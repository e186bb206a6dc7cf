#include "checkers/check.h"

#include <memory>

#include "checkers/lin_models.h"
#include "engine/base/status.h"

namespace ekv::checkers {
namespace {

constexpr struct {
  CheckerModel model;
  absl::string_view name;
} kModels[] = {
    {CheckerModel::kRegister, "register"},
    {CheckerModel::kCasRegister, "cas-register"},
    {CheckerModel::kKv, "kv"},
    {CheckerModel::kListAppend, "list-append"},
    {CheckerModel::kRwRegister, "rw-register"},
    {CheckerModel::kBank, "bank"},
};

absl::StatusOr<Report> CheckLinearizable(const History& history,
                                         const Model& model,
                                         const CheckOptions& options) {
  EKV_ASSIGN_OR_RETURN(
      LinearizabilityResult result,
      CheckLinearizability(history, model, options.linearizability));
  return LinearizabilityReport(history, model, result);
}

absl::StatusOr<Report> CheckElle(const History& history, TxnModel model,
                                 const CheckOptions& options) {
  EKV_ASSIGN_OR_RETURN(ElleResult result,
                       CheckTransactions(history, model, options.elle));
  return ElleReport(history, model, result);
}

}  // namespace

bool ParseCheckerModel(absl::string_view name, CheckerModel* out) {
  for (const auto& m : kModels) {
    if (m.name == name) {
      *out = m.model;
      return true;
    }
  }
  return false;
}

absl::string_view CheckerModelName(CheckerModel model) {
  for (const auto& m : kModels) {
    if (m.model == model) return m.name;
  }
  return "?";
}

std::vector<std::string> CheckerModelNames() {
  std::vector<std::string> names;
  for (const auto& m : kModels) names.emplace_back(m.name);
  return names;
}

absl::StatusOr<Report> Check(const History& history,
                             const CheckOptions& options) {
  switch (options.model) {
    case CheckerModel::kRegister:
      return CheckLinearizable(history, *MakeRegisterModel(options.initial),
                               options);
    case CheckerModel::kCasRegister:
      return CheckLinearizable(history, *MakeCasRegisterModel(options.initial),
                               options);
    case CheckerModel::kKv:
      return CheckLinearizable(history, *MakeKvModel(options.initial), options);
    case CheckerModel::kListAppend:
      return CheckElle(history, TxnModel::kListAppend, options);
    case CheckerModel::kRwRegister:
      return CheckElle(history, TxnModel::kRwRegister, options);
    case CheckerModel::kBank:
      return CheckBank(history, options.bank);
  }
  return InvalidRequestError("unknown checker model");
}

}  // namespace ekv::checkers
