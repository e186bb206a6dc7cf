// BankWorkload: Jepsen's bank workload as a Workload. Its clients
// (bank_client.h) set up a few accounts with a known total, then transfer
// between them and read all balances in one snapshot. Checks: the checkers'
// bank oracle (every read sums to the total, no balance is negative), the
// HLC's real-time order of acknowledged transfers, a sane setup (no read
// found the accounts partly created, every balance an integer) and audits
// whose every part was read at the held snapshot. The seed picks
// the number of accounts, printed by ParameterLines.
#ifndef EKV_WORKLOADS_BANK_WORKLOAD_H_
#define EKV_WORKLOADS_BANK_WORKLOAD_H_

#include <memory>
#include <string>
#include <vector>

#include "workloads/bank_client.h"
#include "workloads/checked_history.h"
#include "workloads/event_log.h"
#include "workloads/workload.h"
#include "workloads/workload_support.h"

namespace ekv::workloads {

struct BankWorkloadOptions {
  int accounts = 4;
  int64_t initial_balance = 10;
  int64_t amount_max = 5;
  double read_fraction = 0.5;
  // Of reads: audits in several requests at one held snapshot.
  double audit_fraction = 0.5;
};

// The seed's choice: accounts in [2, 5].
BankWorkloadOptions BankOptionsForSeed(uint64_t seed);

class BankWorkload final : public Workload {
 public:
  BankWorkload(int clients, const WorkloadContext& context, WorkloadSlot slot,
               const BankWorkloadOptions& options);

  absl::string_view name() const override { return "bank"; }
  std::vector<std::string> ParameterLines() const override;
  int clients() const override { return clients_; }
  std::unique_ptr<Process> MakeClient(int index, const Env& env,
                                      EndpointId self) override;
  std::vector<WorkloadCheck> Check() override;
  HistoryCounts Counts(int64_t after_ns) const override;
  std::string HistoryJsonLines() const override;
  std::string Html() const override;

  int64_t total() const { return options_.accounts * options_.initial_balance; }
  const EventLog& log() const { return log_; }
  const BankCounters& counters() const { return counters_; }

 private:
  WorkloadCheck CheckHlc() const;
  WorkloadCheck CheckSetup() const;
  WorkloadCheck CheckAudits() const;

  int clients_;
  WorkloadContext context_;
  WorkloadSlot slot_;
  BankWorkloadOptions options_;
  std::vector<std::string> accounts_;
  EventLog log_;
  BankCounters counters_;
  CheckedHistory checked_;  // set by Check()
};

}  // namespace ekv::workloads

#endif  // EKV_WORKLOADS_BANK_WORKLOAD_H_
