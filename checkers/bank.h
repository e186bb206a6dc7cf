// Bank: a simple oracle for transfer workloads. Transfers move money between
// accounts, so every read of all balances must sum to the initial total.
//
// Ops: f "transfer" (not checked here; any value) and f "read", whose ok
// completion value holds the balances: a list of integers, a list of
// [account, balance] pairs, or a map from account to balance. Every ok read
// must sum to `total`, and no balance may be negative unless allowed.
// Indeterminate and failed reads are skipped.
#ifndef EKV_CHECKERS_BANK_H_
#define EKV_CHECKERS_BANK_H_

#include <cstdint>

#include "absl/status/statusor.h"
#include "checkers/history.h"
#include "checkers/report.h"

namespace ekv::checkers {

struct BankOptions {
  int64_t total = 0;  // the sum of all balances at the start
  bool negative_balances_allowed = false;
  int findings_max = 8;  // reads explained at most (all are counted)
};

// Errors for ops other than transfer and read, and reads that do not hold
// balances.
absl::StatusOr<Report> CheckBank(const History& history,
                                 const BankOptions& options);

}  // namespace ekv::checkers

#endif  // EKV_CHECKERS_BANK_H_
