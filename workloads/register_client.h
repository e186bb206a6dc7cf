// RegisterClient: a simulated (or real) client Process issuing reads, writes
// and compare-and-sets on a few integer registers of a KV cluster, one
// operation at a time, recording every invocation and completion into a
// RegisterHistory (Jepsen's register workload).
//
// Requests go through a KvRequester (kv_requester.h: leader redirects,
// per-attempt timeouts, bounded retries with backoff, at-most-once writes by
// (client_id, seq)), whose outcome gives the completion:
//   read       ok with the value (null: absent); fail when no attempt
//              succeeded (reads have no effect).
//   write/cas  ok when applied (a cas whose comparison failed is a fail
//              without error: the FSM compared and recorded it); fail when
//              the cluster recorded a failure for the operation; info
//              otherwise, after which the client continues as a new process
//              (client_loop.h).
// Every bound is an option; randomness comes from env.random only.
#ifndef EKV_WORKLOADS_REGISTER_CLIENT_H_
#define EKV_WORKLOADS_REGISTER_CLIENT_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "engine/base/process.h"
#include "engine/proto/kv_client.pb.h"
#include "workloads/client_loop.h"
#include "workloads/kv_requester.h"
#include "workloads/register_history.h"

namespace ekv::workloads {

struct RegisterClientOptions {
  std::vector<EndpointId> nodes;  // the cluster's nodes
  std::vector<std::string> keys = {"r0", "r1", "r2"};
  int64_t values_max = 5;  // values written are in [0, values_max)
  double read_fraction = 0.4;
  double write_fraction = 0.3;  // the rest are cas
  int64_t think_ns_max = 20'000'000;
  KvRequesterOptions requester;
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

  RegisterClientStats stats() const;
  bool idle() const { return !op_.has_value(); }

 private:
  struct Op {
    RegisterF f = RegisterF::kRead;
    std::string key;
    std::optional<int64_t> value;     // write / cas new value
    std::optional<int64_t> expected;  // cas
  };

  void Invoke();
  kvpb::ClientRequest RequestFor(const Op& op) const;
  void OnResult(KvResult result);
  void Complete(EventType type, std::optional<int64_t> read_value,
                std::string error, uint64_t commit_ts);

  Env env_;
  RegisterClientOptions options_;
  RegisterHistory* history_;
  ClientLoop loop_;
  KvRequester requester_;
  int64_t ok_ = 0, fail_ = 0, info_ = 0;
  std::optional<Op> op_;
};

}  // namespace ekv::workloads

#endif  // EKV_WORKLOADS_REGISTER_CLIENT_H_
