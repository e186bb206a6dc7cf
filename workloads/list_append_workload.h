// ListAppendWorkload: Elle's list-append workload as a Workload. Its clients
// (list_append_client.h) run transactions of reads and blind appends over a
// few shared keys; the history is checked by the checkers' list-append model
// WITH real-time order, i.e. for strict serializability (the engine commits
// at HLC timestamps and reads at fresh linearizable timestamps, so a
// real-time anomaly is a bug), and for the HLC's real-time order of
// acknowledged commits. The seed picks the shape (keys in use, micro-ops per
// transaction), printed by ParameterLines.
#ifndef EKV_WORKLOADS_LIST_APPEND_WORKLOAD_H_
#define EKV_WORKLOADS_LIST_APPEND_WORKLOAD_H_

#include <memory>
#include <string>
#include <vector>

#include "workloads/checked_history.h"
#include "workloads/event_log.h"
#include "workloads/list_append_client.h"
#include "workloads/list_append_keys.h"
#include "workloads/workload.h"
#include "workloads/workload_support.h"

namespace ekv::workloads {

struct ListAppendWorkloadOptions {
  int keys_active = 3;  // keys in use at a time
  int64_t appends_per_key_max = 32;
  int mops_min = 1;
  int mops_max = 4;
  double read_fraction = 0.5;
};

// The seed's choice of shape: keys_active in [2, 4], mops_max in [2, 5].
ListAppendWorkloadOptions ListAppendOptionsForSeed(uint64_t seed);

class ListAppendWorkload final : public Workload {
 public:
  ListAppendWorkload(int clients, const WorkloadContext& context,
                     WorkloadSlot slot,
                     const ListAppendWorkloadOptions& options);

  absl::string_view name() const override { return "list-append"; }
  std::vector<std::string> ParameterLines() const override;
  int clients() const override { return clients_; }
  std::unique_ptr<Process> MakeClient(int index, const Env& env,
                                      EndpointId self) override;
  std::vector<WorkloadCheck> Check() override;
  HistoryCounts Counts(int64_t after_ns) const override;
  std::string HistoryJsonLines() const override;
  std::string Html() const override;

  const EventLog& log() const { return log_; }
  const ListAppendCounters& counters() const { return counters_; }

 private:
  WorkloadCheck CheckHlc() const;

  int clients_;
  WorkloadContext context_;
  WorkloadSlot slot_;
  ListAppendWorkloadOptions options_;
  ListAppendKeys keys_;
  EventLog log_;
  ListAppendCounters counters_;
  CheckedHistory checked_;  // set by Check()
};

}  // namespace ekv::workloads

#endif  // EKV_WORKLOADS_LIST_APPEND_WORKLOAD_H_
