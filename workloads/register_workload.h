// RegisterWorkload: Jepsen's register workload as a Workload. Each client is a
// RegisterClient (reads, writes and compare-and-sets on a few integer
// registers); the history is checked per key for linearizability (the
// checkers' cas-register model, registers starting absent) and for the HLC's
// real-time order of acknowledged writes.
#ifndef EKV_WORKLOADS_REGISTER_WORKLOAD_H_
#define EKV_WORKLOADS_REGISTER_WORKLOAD_H_

#include <memory>
#include <string>
#include <vector>

#include "workloads/checked_history.h"
#include "workloads/register_client.h"
#include "workloads/register_history.h"
#include "workloads/workload.h"
#include "workloads/workload_support.h"

namespace ekv::workloads {

struct RegisterWorkloadOptions {
  int keys = 3;  // registers, named <key_prefix>r0 ...
  int64_t values_max = 5;
  double read_fraction = 0.4;
  double write_fraction = 0.3;  // the rest are cas
};

class RegisterWorkload final : public Workload {
 public:
  RegisterWorkload(int clients, const WorkloadContext& context,
                   WorkloadSlot slot, RegisterWorkloadOptions options = {});

  absl::string_view name() const override { return "register"; }
  std::vector<std::string> ParameterLines() const override;
  int clients() const override { return clients_; }
  std::unique_ptr<Process> MakeClient(int index, const Env& env,
                                      EndpointId self) override;
  std::vector<WorkloadCheck> Check() override;
  HistoryCounts Counts(int64_t after_ns) const override;
  std::string HistoryJsonLines() const override;
  std::string Html() const override;

  const RegisterHistory& history() const { return history_; }

 private:
  WorkloadCheck CheckHlc();

  int clients_;
  WorkloadContext context_;
  WorkloadSlot slot_;
  RegisterWorkloadOptions options_;
  std::vector<std::string> keys_;
  RegisterHistory history_;
  CheckedHistory checked_;  // set by Check()
};

}  // namespace ekv::workloads

#endif  // EKV_WORKLOADS_REGISTER_WORKLOAD_H_
