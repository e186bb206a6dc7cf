#include "checkers/bank.h"

#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "engine/base/status.h"

namespace ekv::checkers {
namespace {

// The (account, balance) pairs of a read; false when `v` holds none.
bool Balances(const Value& v, std::vector<std::pair<Value, int64_t>>* out) {
  if (v.is_map()) {
    for (const auto& [account, balance] : v.map()) {
      if (!balance.is_int()) return false;
      out->emplace_back(account, balance.int_value());
    }
    return true;
  }
  if (!v.is_list()) return false;
  int64_t index = 0;
  for (const Value& item : v.list()) {
    if (item.is_int()) {
      out->emplace_back(Value::Int(index++), item.int_value());
    } else if (item.is_list() && item.list().size() == 2 &&
               item.list()[1].is_int()) {
      out->emplace_back(item.list()[0], item.list()[1].int_value());
    } else {
      return false;
    }
  }
  return true;
}

}  // namespace

absl::StatusOr<Report> CheckBank(const History& history,
                                 const BankOptions& options) {
  Report report;
  report.source = history.source;
  report.model = "bank";
  int64_t reads = 0, wrong_totals = 0, negatives = 0;
  for (const Operation& op : history.ops) {
    if (op.f != "transfer" && op.f != "read") {
      return InvalidRequestError(absl::StrCat(history.source, ": ", op.Where(),
                                              ": the bank model knows only "
                                              "transfer and read, not ",
                                              op.f));
    }
    if (op.f != "read" || op.type != OpType::kOk) continue;
    std::vector<std::pair<Value, int64_t>> balances;
    if (!Balances(op.result, &balances)) {
      return InvalidRequestError(absl::StrCat(
          history.source, ": ", op.Where(),
          ": a bank read must return a list "
          "of balances, of [account, balance] pairs, or a map, not ",
          op.result.ToText()));
    }
    ++reads;
    int64_t sum = 0;
    std::vector<std::string> below_zero;
    for (const auto& [account, balance] : balances) {
      sum += balance;
      if (balance < 0) {
        below_zero.push_back(absl::StrCat(account.ToText(), " = ", balance));
      }
    }
    const bool bad_total = sum != options.total;
    const bool bad_balance =
        !below_zero.empty() && !options.negative_balances_allowed;
    wrong_totals += bad_total;
    negatives += bad_balance;
    if (!bad_total && !bad_balance) continue;
    if (report.findings.size() >= static_cast<size_t>(options.findings_max)) {
      continue;
    }
    Finding f;
    f.kind = bad_total ? "wrong-total" : "negative-balance";
    f.summary = absl::StrCat(op.Where(), ": p", op.process, " read ",
                             op.result.ToText(), ", which sums to ", sum,
                             " instead of ", options.total);
    if (!bad_total) {
      f.summary = absl::StrCat(op.Where(), ": p", op.process,
                               " read a negative balance: ", below_zero[0]);
    }
    f.ops.push_back(op.index);
    report.findings.push_back(std::move(f));
  }
  report.verdict =
      wrong_totals + negatives > 0 ? Verdict::kInvalid : Verdict::kValid;
  report.summary =
      report.verdict == Verdict::kValid
          ? absl::StrCat("every read sums to ", options.total, ": ", reads,
                         " reads of ", history.ops.size(), " ops")
          : absl::StrCat(wrong_totals, " of ", reads, " reads do not sum to ",
                         options.total, ", ", negatives,
                         " show a negative balance");
  report.stats = {{"ops", static_cast<int64_t>(history.ops.size())},
                  {"reads", reads},
                  {"wrong_totals", wrong_totals},
                  {"negative_balances", negatives}};
  return report;
}

}  // namespace ekv::checkers
