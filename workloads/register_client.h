// RegisterClient: a simulated (or real) client Process issuing reads, writes
// and compare-and-sets on a few integer registers of a KV cluster, one
// operation at a time, recording every invocation and completion into a
// RegisterHistory (Jepsen's register workload).
//
// Each operation goes to the node believed to lead; an attempt that gets no
// reply within attempt_timeout_ns goes to the next node, a kNotLeader reply
// to the node it names. A write or cas keeps its (client_id, seq) across
// attempts, so the cluster applies it at most once. Completions:
//   read       ok with the value (null: absent); fail when no attempt
//              succeeded (reads have no effect).
//   write/cas  ok when applied (a cas whose comparison failed is a fail
//              without error); fail when the cluster recorded a failure for
//              the operation (outcome_recorded: no attempt can apply later);
//              info otherwise (an attempt may still apply), after which the
//              client continues as a new process (process += process_stride),
//              as Jepsen does, since the old operation may still be pending.
// Every bound is an option; randomness comes from env.random only.
#ifndef EKV_WORKLOADS_REGISTER_CLIENT_H_
#define EKV_WORKLOADS_REGISTER_CLIENT_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "engine/base/process.h"
#include "engine/proto/kv_client.pb.h"
#include "workloads/register_history.h"

namespace ekv::workloads {

struct RegisterClientOptions {
  std::vector<EndpointId> nodes;  // the cluster's nodes
  std::vector<std::string> keys = {"r0", "r1", "r2"};
  int64_t values_max = 5;  // values written are in [0, values_max)
  double read_fraction = 0.4;
  double write_fraction = 0.3;  // the rest are cas
  int64_t think_ns_max = 20'000'000;
  int64_t attempt_timeout_ns = 300'000'000;
  int64_t retry_backoff_ns = 20'000'000;
  int attempts_max = 12;
  int64_t op_timeout_ns = 3'000'000'000;
  // Stop invoking after this many operations, or after this long since
  // Start() (local monotonic time); 0: no bound.
  int64_t ops_max = 0;
  int64_t run_ns_max = 0;
  int64_t process = 0;         // the first process id of this client
  int64_t process_stride = 1;  // added after an info completion
  uint64_t client_id = 0;      // unique in the cluster, non-zero
};

struct RegisterClientStats {
  int64_t ok = 0;
  int64_t fail = 0;
  int64_t info = 0;
  int64_t attempts = 0;
  int64_t redirects = 0;
};

class RegisterClient final : public Process {
 public:
  RegisterClient(const Env& env, EndpointId self, RegisterClientOptions options,
                 RegisterHistory* history);
  ~RegisterClient() override;

  void Start() override;
  void OnMessage(EndpointId from, std::string payload) override;

  const RegisterClientStats& stats() const { return stats_; }
  bool idle() const { return !op_.has_value(); }

 private:
  struct Op {
    RegisterF f = RegisterF::kRead;
    std::string key;
    std::optional<int64_t> value;     // write / cas new value
    std::optional<int64_t> expected;  // cas
    uint64_t seq = 0;
    int attempts = 0;
    int64_t deadline_ns = 0;
    std::string last_error;
  };

  int64_t Now() const;
  void ScheduleNextOp();
  void InvokeNext();
  void SendAttempt();
  void RetryLater(bool next_node);
  void OnAttemptTimeout(uint64_t request_id);
  void OnResponse(const kvpb::ClientResponse& response);
  void HandleError(const kvpb::ClientResponse& response);
  void GiveUp();
  void Complete(EventType type, std::optional<int64_t> read_value,
                std::string error, uint64_t commit_ts);
  void Record(EventType type, std::optional<int64_t> value, std::string error,
              uint64_t commit_ts);
  void CancelTimer();

  Env env_;
  EndpointId self_;
  RegisterClientOptions options_;
  RegisterHistory* history_;
  RegisterClientStats stats_;
  int64_t process_;
  int64_t started_ns_ = 0;
  int64_t ops_invoked_ = 0;
  uint64_t next_seq_ = 1;
  uint64_t next_request_id_ = 1;
  uint64_t current_request_id_ = 0;
  size_t target_ = 0;  // index into options_.nodes
  TimerId timer_ = kNoTimer;
  std::optional<Op> op_;
};

}  // namespace ekv::workloads

#endif  // EKV_WORKLOADS_REGISTER_CLIENT_H_
