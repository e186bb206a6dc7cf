// KvRequester: carries one client operation at a time to a KV cluster
// (engine/proto/kv_client.proto) and decides its outcome by Jepsen's rules.
// Every workload client sends through one; none has retry logic of its own.
//
// An operation goes to the node believed to lead. A kNotLeader reply sends
// the next attempt to the node it names (or to the next node when it names
// none), an attempt unanswered within attempt_timeout_ns to the next node;
// other retriable errors retry the same node. Retries wait a backoff that
// doubles from retry_backoff_ns up to retry_backoff_ns_max (jittered by
// env.random: clients do not retry in lockstep), at most attempts_max
// attempts and never past op_timeout_ns after the start.
//
// A mutating operation gets a fresh seq and keeps it across its attempts, so
// the cluster applies it at most once (the FSM's (client_id, seq) table).
// Outcomes:
//   kOk    a reply without error (the caller reads it: a cas whose
//          comparison failed is still kOk here, with cas_succeeded false).
//   kFail  certainly no effect: a read that got no answer, or a mutating
//          operation whose failure the FSM recorded (outcome_recorded: no
//          attempt, delayed or duplicated, can apply later).
//   kInfo  a mutating operation given up on otherwise: some attempt may
//          still apply. Even an attempt answered with a definite error (the
//          protocol: every error but kTimeout says the attempt did nothing)
//          may have a duplicate in the network that a later leader applies.
// Single-threaded, like the process that owns it; `done` always runs from a
// later event than Start(), exactly once.
#ifndef EKV_WORKLOADS_KV_REQUESTER_H_
#define EKV_WORKLOADS_KV_REQUESTER_H_

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "engine/base/env.h"
#include "engine/proto/kv_client.pb.h"

namespace ekv::workloads {

// The retry policy.
struct KvRequesterOptions {
  int64_t attempt_timeout_ns = 300'000'000;
  int64_t retry_backoff_ns = 20'000'000;
  int64_t retry_backoff_ns_max = 320'000'000;
  int attempts_max = 12;
  int64_t op_timeout_ns = 3'000'000'000;
};

enum class KvOutcome : uint8_t { kOk, kFail, kInfo };

struct KvResult {
  KvOutcome outcome = KvOutcome::kInfo;
  // kOk: the reply. Otherwise the last reply, if any.
  kvpb::ClientResponse response;
  std::string error;  // kFail / kInfo: why ("write_conflict", "no reply", ...)
};

struct KvRequesterStats {
  int64_t operations = 0;
  int64_t attempts = 0;
  int64_t redirects = 0;
  int64_t attempt_timeouts = 0;
};

class KvRequester {
 public:
  // Takes the result by rvalue: a by-value signature would move it once
  // more inside std::function.
  using Done = std::function<void(KvResult&&)>;

  // `nodes`: the cluster's; `client_id`: unique in the cluster, non-zero.
  KvRequester(const Env& env, std::vector<EndpointId> nodes, uint64_t client_id,
              const KvRequesterOptions& options);
  ~KvRequester();
  KvRequester(const KvRequester&) = delete;
  KvRequester& operator=(const KvRequester&) = delete;

  // Starts an operation: `request` has its op set; client_id, request_id and,
  // when `mutating`, seq are filled in here. One operation at a time.
  void Start(kvpb::ClientRequest request, bool mutating, Done done);

  // Every message the owning process receives; anything but a reply to the
  // current attempt is ignored (garbage, replies to abandoned attempts).
  void OnMessage(absl::string_view payload);

  bool busy() const { return static_cast<bool>(done_); }
  const KvRequesterStats& stats() const { return stats_; }

 private:
  int64_t Now() const;
  void SendAttempt();
  void OnAttemptTimeout(uint64_t request_id);
  void OnReply(kvpb::ClientResponse reply);
  void RetryLater(bool next_node);
  void GiveUp();
  void Finish(KvOutcome outcome, std::string error);
  void CancelTimer();

  Env env_;
  std::vector<EndpointId> nodes_;
  uint64_t client_id_;
  KvRequesterOptions options_;
  KvRequesterStats stats_;
  uint64_t next_seq_ = 1;
  uint64_t next_request_id_ = 1;
  size_t target_ = 0;  // index into nodes_: the believed leader
  TimerId timer_ = kNoTimer;
  // The operation in flight.
  kvpb::ClientRequest request_;
  bool mutating_ = false;
  Done done_;
  int attempts_ = 0;
  int64_t deadline_ns_ = 0;
  uint64_t current_request_id_ = 0;  // 0: no attempt awaits a reply
  std::string last_error_;
  kvpb::ClientResponse last_response_;
};

}  // namespace ekv::workloads

#endif  // EKV_WORKLOADS_KV_REQUESTER_H_
