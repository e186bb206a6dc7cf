// ListAppendClient: a simulated (or real) client Process issuing Elle-style
// list-append transactions, one at a time: a few micro-ops, each a read of a
// key's list ["r", k, nil] or a blind append of a value unique to the key
// ["append", k, v], over keys shared with the workload's other clients
// (list_append_keys.h). A transaction goes to the cluster as one TxnRequest
// (READ and APPEND ops, the list encoded as in list_value.h), through a
// KvRequester (retries, redirects, at-most-once) and recorded into an
// EventLog as f "txn" in the checkers' list-append format.
//
// Reads see the transaction's own earlier appends (Elle checks internal
// consistency): the node reads at the start timestamp, and the client adds
// this transaction's earlier appends to the key. That is exact because an
// appended key is in the write set: the transaction commits only if no one
// wrote the key after its start.
//
// Completions: ok with the reads filled in; fail when the cluster recorded
// the abort (a write conflict) or a read-only transaction got no answer; info
// when it may have committed, and also when a retry found it committed by an
// earlier attempt but its reads are no longer known (the node answers a
// deduplicated transaction without them). Unreadable list bytes are counted
// (garbage_reads) and the transaction completes info.
#ifndef EKV_WORKLOADS_LIST_APPEND_CLIENT_H_
#define EKV_WORKLOADS_LIST_APPEND_CLIENT_H_

#include <cstdint>
#include <string>
#include <vector>

#include "engine/base/process.h"
#include "engine/proto/kv_client.pb.h"
#include "workloads/client_loop.h"
#include "workloads/event_log.h"
#include "workloads/kv_requester.h"
#include "workloads/list_append_keys.h"

namespace ekv::workloads {

struct ListAppendClientOptions {
  std::vector<EndpointId> nodes;  // the cluster's nodes
  uint64_t client_id = 0;         // unique in the cluster, non-zero
  int mops_min = 1;               // micro-ops per transaction
  int mops_max = 4;
  double read_fraction = 0.5;  // of micro-ops; the rest are appends
  int64_t think_ns_max = 20'000'000;
  int64_t ops_max = 0;  // 0: no bound
  int64_t run_ns_max = 0;
  int64_t process = 0;
  int64_t process_stride = 1;
  KvRequesterOptions requester;
};

// What all of a workload's list-append clients count together.
struct ListAppendCounters {
  int64_t garbage_reads = 0;  // reads whose bytes were no list
  std::string first_garbage;  // the first such read, for the report
  int64_t reads_unknown = 0;  // committed, reads lost to deduplication
};

class ListAppendClient final : public Process {
 public:
  // `keys`, `log` and `counters` are shared with the workload's other
  // clients and outlive this one.
  ListAppendClient(const Env& env, ListAppendClientOptions options,
                   ListAppendKeys* keys, EventLog* log,
                   ListAppendCounters* counters);

  void Start() override;
  void OnMessage(EndpointId from, std::string payload) override;

 private:
  struct Mop {
    bool read = false;
    std::string key;
    int64_t value = 0;  // append
  };

  void Invoke();
  kvpb::ClientRequest Request() const;
  void OnResult(KvResult result);
  // The micro-ops with the reads as the response gives them; false when the
  // response does not hold them.
  bool FilledIn(const kvpb::ClientResponse& response, checkers::Value* out);
  void Complete(checkers::EventType type, checkers::Value value,
                std::string error, uint64_t commit_ts);
  checkers::Value Invocation() const;

  Env env_;
  ListAppendClientOptions options_;
  ListAppendKeys* keys_;
  EventLog* log_;
  ListAppendCounters* counters_;
  ClientLoop loop_;
  KvRequester requester_;
  std::vector<Mop> txn_;  // the transaction in flight
};

}  // namespace ekv::workloads

#endif  // EKV_WORKLOADS_LIST_APPEND_CLIENT_H_
