// Test nodes: a small protocol that exercises everything the simulator
// offers, until the engine replaces it in ekv-sim.
//
// CounterNode (a node, with a disk): every tick it bumps a counter, appends a
// checksummed record of it to the file "counter", syncs every few ticks, and
// pings a random peer; it answers pings with pongs and client requests with
// replies. At Start() it recovers the counter from the largest record whose
// checksum holds, counts records that fail, and rewrites the file (write a
// temporary file, sync it, rename it over, sync the directory), which also
// keeps the file bounded.
// EchoClient (a client, no disk): sends numbered requests to random nodes
// and counts the replies, keeping a bounded window of outstanding requests.
//
// Messages are 25 bytes: a type byte and three little-endian u64 fields;
// anything else is counted as a bad message, never trusted.
#ifndef EKV_SIM_TOY_NODES_H_
#define EKV_SIM_TOY_NODES_H_

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "engine/base/process.h"

namespace ekv::sim::toy {

struct ToyConfig {
  int64_t tick_ns = 10'000'000;              // node tick
  int64_t sync_every_ticks = 3;              // a Sync after this many appends
  int64_t records_before_rewrite = 64;       // the file is rewritten past this
  int64_t request_interval_ns = 20'000'000;  // client send period
  int64_t outstanding_max = 64;              // client window
};

inline constexpr uint64_t kCounterRecordBytes = 16;
inline constexpr char kCounterFile[] = "counter";
inline constexpr char kCounterTmpFile[] = "counter.tmp";

// A record: the value, then XXH64 of the value's 8 bytes.
std::string EncodeCounterRecord(uint64_t value);

struct RecoveredCounter {
  uint64_t value = 0;  // the largest value of a record that checks
  uint64_t good_records = 0;
  uint64_t bad_records = 0;  // full records whose checksum fails
  uint64_t tail_bytes = 0;   // a partial record at the end (a torn write)
};
RecoveredCounter RecoverCounter(const std::string& file);

class CounterNode final : public Process {
 public:
  CounterNode(const Env& env, EndpointId self, std::vector<EndpointId> peers,
              const ToyConfig& config);

  void Start() override;
  void OnMessage(EndpointId from, std::string payload) override;

  uint64_t counter() const { return counter_; }
  // The largest counter a successful Sync covered in this boot (or recovered).
  uint64_t synced_counter() const { return synced_counter_; }
  const RecoveredCounter& recovered() const { return recovered_; }
  uint64_t pings_sent() const { return pings_sent_; }
  uint64_t pongs_received() const { return pongs_received_; }
  uint64_t requests_served() const { return requests_served_; }
  uint64_t bad_messages() const { return bad_messages_; }
  uint64_t disk_errors() const { return disk_errors_; }
  uint64_t ticks() const { return ticks_; }

 private:
  void Tick();
  void Persist();
  bool Rewrite();

  Env env_;
  EndpointId self_;
  std::vector<EndpointId> peers_;
  ToyConfig config_;
  uint64_t counter_ = 0;
  uint64_t synced_counter_ = 0;
  uint64_t records_in_file_ = 0;
  uint64_t unsynced_appends_ = 0;
  bool directory_unsynced_ = true;  // the file's name may not be durable
  bool needs_rewrite_ = true;       // the file may end in a torn record
  RecoveredCounter recovered_;
  uint64_t ticks_ = 0;
  uint64_t pings_sent_ = 0;
  uint64_t pongs_received_ = 0;
  uint64_t requests_served_ = 0;
  uint64_t bad_messages_ = 0;
  uint64_t disk_errors_ = 0;
  int64_t last_wall_ns_ = 0;
};

class EchoClient final : public Process {
 public:
  EchoClient(const Env& env, EndpointId self, std::vector<EndpointId> nodes,
             const ToyConfig& config);

  void Start() override;
  void OnMessage(EndpointId from, std::string payload) override;

  uint64_t requests_sent() const { return next_request_ - 1; }
  uint64_t replies() const { return replies_; }
  uint64_t late_or_duplicate_replies() const { return late_replies_; }
  uint64_t bad_replies() const { return bad_replies_; }

 private:
  void SendRequest();

  Env env_;
  EndpointId self_;
  std::vector<EndpointId> nodes_;
  ToyConfig config_;
  uint64_t next_request_ = 1;
  std::map<uint64_t, EndpointId> outstanding_;  // request id -> node asked
  uint64_t replies_ = 0;
  uint64_t late_replies_ = 0;
  uint64_t bad_replies_ = 0;
};

// Factories for World::AddNode / AddClient.
ProcessFactory CounterNodeFactory(std::vector<EndpointId> peers,
                                  const ToyConfig& config = {});
ProcessFactory EchoClientFactory(std::vector<EndpointId> nodes,
                                 const ToyConfig& config = {});

}  // namespace ekv::sim::toy

#endif  // EKV_SIM_TOY_NODES_H_
