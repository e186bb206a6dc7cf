// BankClient: a simulated (or real) client Process of Jepsen's bank workload.
// A few accounts hold balances (decimal strings) whose total never changes:
//   transfer  moves `amount` from one account to another: a read-only
//             transaction reads both balances at one timestamp, then a
//             transaction from that start timestamp, with both accounts in its
//             read set, writes both new balances (serializable: it commits
//             only if neither changed since). Too little money is a fail
//             without effect.
//   read      reads every balance in one read-only transaction: all at one
//             timestamp, a snapshot, so the balances must sum to the total.
//             A share of reads (audit_fraction) are audits: the balances in
//             2..audit_parts_max read-only transactions at one snapshot, the
//             first asking the node to hold it (hold_snapshot_ms), each later
//             one from the first's read_ts after a think time of up to
//             audit_think_ns_max (often longer than the compaction
//             retention: only the hold keeps the snapshot). One read op in
//             the history, invoked at the first request and completed at the
//             last; a failed part fails it.
// History (checkers/bank.h): {"f":"transfer","value":{"from":..,"to":..,
// "amount":..}} and {"f":"read","value":{account: balance, ...}}.
//
// Setup, before the client's first recorded operation: it reads every
// account; if none exists it creates them all with the initial balance in a
// transaction whose read set is every account from that read's timestamp, so
// of clients racing to set up exactly one succeeds, and a stale attempt can
// never apply after a transfer. It repeats until it has seen every account
// exist (bounded by setup_rounds_max). Setup is not in the history: every
// recorded operation is invoked after its client saw the accounts exist, so
// every read in the history must see the whole total. Accounts found partly
// created (never, on a correct engine) are counted.
#ifndef EKV_WORKLOADS_BANK_CLIENT_H_
#define EKV_WORKLOADS_BANK_CLIENT_H_

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "engine/base/process.h"
#include "engine/proto/kv_client.pb.h"
#include "workloads/client_loop.h"
#include "workloads/event_log.h"
#include "workloads/kv_requester.h"

namespace ekv::workloads {

struct BankClientOptions {
  std::vector<EndpointId> nodes;  // the cluster's nodes
  uint64_t client_id = 0;         // unique in the cluster, non-zero
  std::vector<std::string> accounts;
  int64_t initial_balance = 10;  // of each account
  int64_t amount_max = 5;        // transfers move 1..amount_max
  double read_fraction = 0.5;    // the rest are transfers
  double audit_fraction = 0.5;   // of reads: audits in several requests
  int audit_parts_max = 3;       // at least 2
  int64_t audit_think_ns_max = 300'000'000;
  uint32_t audit_hold_ms = 2'000;  // covers the think times and retries
  int setup_rounds_max = 40;
  int64_t setup_retry_ns = 50'000'000;
  int64_t think_ns_max = 20'000'000;
  int64_t ops_max = 0;  // 0: no bound
  int64_t run_ns_max = 0;
  int64_t process = 0;
  int64_t process_stride = 1;
  KvRequesterOptions requester;
};

// What all of a workload's bank clients count together.
struct BankCounters {
  int64_t clients_set_up = 0;    // clients that saw every account exist
  int64_t setups_written = 0;    // setup transactions that committed
  int64_t setups_abandoned = 0;  // clients that gave up setting up
  int64_t partial_setups = 0;    // reads finding some accounts but not all
  int64_t garbage_reads = 0;     // balances that were not integers
  int64_t audits_ok = 0;         // reads completed in several requests
  // Audits whose first part was held but a later part failed (a compacted
  // snapshot after a leader change or an expired hold, or no answer).
  int64_t audits_failed_after_hold = 0;
  // Audit parts answered at another timestamp than the one asked (never, on
  // a correct engine).
  int64_t audit_snapshot_mismatches = 0;
  std::string first_anomaly;
};

class BankClient final : public Process {
 public:
  // `log` and `counters` are shared with the workload's other clients.
  BankClient(const Env& env, BankClientOptions options, EventLog* log,
             BankCounters* counters);
  ~BankClient() override;

  void Start() override;
  void OnMessage(EndpointId from, std::string payload) override;

 private:
  struct Transfer {
    std::string from, to;
    int64_t amount = 0;
  };
  using Balances = std::map<std::string, int64_t>;

  // Setup.
  void ReadForSetup();
  void OnSetupRead(KvResult result);
  void RetrySetup();
  // Operations.
  void Invoke();
  void OnRead(KvResult result);
  void StartAudit();
  void SendAuditPart();
  void OnAuditPart(KvResult result);
  void CompleteRead(const Balances& balances);
  void OnTransferRead(KvResult result);
  void OnTransferWrite(KvResult result);
  void Complete(checkers::EventType type, checkers::Value value,
                std::string error, uint64_t commit_ts);

  kvpb::ClientRequest ReadRequest(const std::vector<std::string>& keys) const;
  // The balances an OK read answered; nullopt when one did not parse.
  std::optional<Balances> ParseReads(const kvpb::ClientResponse& response);
  checkers::Value TransferValue() const;
  void Anomaly(std::string what);

  Env env_;
  BankClientOptions options_;
  EventLog* log_;
  BankCounters* counters_;
  ClientLoop loop_;
  KvRequester requester_;
  int setup_rounds_ = 0;
  TimerId setup_timer_ = kNoTimer;
  std::optional<Transfer> transfer_;  // the transfer in flight
  struct Audit {
    std::vector<std::vector<std::string>> parts;  // accounts, by request
    size_t next = 0;                              // the part to read next
    uint64_t read_ts = 0;                         // the held snapshot
    Balances balances;                            // read so far
  };
  std::optional<Audit> audit_;  // the audit in flight
  TimerId audit_timer_ = kNoTimer;
  std::string f_;  // the operation in flight
};

}  // namespace ekv::workloads

#endif  // EKV_WORKLOADS_BANK_CLIENT_H_
