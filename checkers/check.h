// One entry point for every checker: a model name picks it.
//
//   register, cas-register, kv   linearizability (linearizability.h)
//   list-append, rw-register     transactional anomalies (elle.h)
//   bank                         the transfer oracle (bank.h)
//
// Check never crashes on bad input: ops a model does not understand give an
// error status (kInvalidRequest) naming the line. The library has no global
// state; the same history and options give the same report, byte for byte.
#ifndef EKV_CHECKERS_CHECK_H_
#define EKV_CHECKERS_CHECK_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "checkers/bank.h"
#include "checkers/elle.h"
#include "checkers/history.h"
#include "checkers/linearizability.h"
#include "checkers/report.h"
#include "checkers/value.h"

namespace ekv::checkers {

enum class CheckerModel {
  kRegister,
  kCasRegister,
  kKv,
  kListAppend,
  kRwRegister,
  kBank,
};

bool ParseCheckerModel(absl::string_view name, CheckerModel* out);
absl::string_view CheckerModelName(CheckerModel model);
std::vector<std::string> CheckerModelNames();

struct CheckOptions {
  CheckerModel model = CheckerModel::kRegister;
  Value initial;  // linearizability models: the value of unwritten keys
  LinearizabilityOptions linearizability;
  ElleOptions elle;
  BankOptions bank;
};

absl::StatusOr<Report> Check(const History& history,
                             const CheckOptions& options);

}  // namespace ekv::checkers

#endif  // EKV_CHECKERS_CHECK_H_
