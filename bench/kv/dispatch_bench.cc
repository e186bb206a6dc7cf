// A single-node, in-memory KV node (a one-member Raft group with its WAL on
// an in-memory disk, the FSM, the MVCC store and the coordinator) dispatching
// 4-key read-write transactions, driven by a minimal event loop: the cost of
// the whole write path on one core, without network or disk latency.
// Run: ./ekv bench dispatch
#include <cstdio>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "benchmark/benchmark.h"
#include "disk/disk.h"
#include "engine/base/check.h"
#include "engine/base/env.h"
#include "engine/base/random.h"
#include "engine/kv/operation.h"
#include "engine/node/kv_node.h"

namespace ekv {
namespace {

class LoopClock final : public Clock {
 public:
  int64_t MonotonicNanos() override { return now_ns; }
  int64_t WallNanos() override {
    return int64_t{1'700'000'000'000'000'000} + now_ns;
  }
  int64_t now_ns = 0;
};

// Timers in a queue ordered by (due time, id), run by RunDue.
class LoopTimers final : public Timers {
 public:
  explicit LoopTimers(LoopClock* clock) : clock_(clock) {}
  TimerId StartTimer(int64_t delay_nanos,
                     std::function<void()> callback) override {
    const TimerId id = next_id_++;
    queue_.emplace(std::make_pair(clock_->now_ns + delay_nanos, id),
                   std::move(callback));
    return id;
  }
  void CancelTimer(TimerId id) override { cancelled_[id] = true; }
  // Runs every timer due now, including those they start with no delay.
  void RunDue() {
    while (!queue_.empty() && queue_.begin()->first.first <= clock_->now_ns) {
      auto node = queue_.extract(queue_.begin());
      const auto cancelled = cancelled_.find(node.key().second);
      if (cancelled != cancelled_.end()) {
        cancelled_.erase(cancelled);
        continue;
      }
      node.mapped()();
    }
  }

 private:
  LoopClock* clock_;
  TimerId next_id_ = 1;
  std::map<std::pair<int64_t, TimerId>, std::function<void()>> queue_;
  std::map<TimerId, bool> cancelled_;
};

// Files in memory, durable at once: the engine's cost without a disk's.
// (raft::testing::MemoryDisk copies a file on every Sync to model crashes.)
class FreeDisk final : public Disk {
 public:
  absl::StatusOr<std::vector<std::string>> List() override {
    std::vector<std::string> names;
    for (const auto& [name, data] : files_) names.push_back(name);
    return names;
  }
  absl::StatusOr<uint64_t> Size(absl::string_view name) override {
    const auto it = files_.find(std::string(name));
    if (it == files_.end()) return absl::NotFoundError(std::string(name));
    return it->second.size();
  }
  absl::StatusOr<std::string> Read(absl::string_view name, uint64_t offset,
                                   uint64_t length) override {
    const auto it = files_.find(std::string(name));
    if (it == files_.end()) return absl::NotFoundError(std::string(name));
    if (offset >= it->second.size()) return std::string();
    return it->second.substr(offset, length);
  }
  absl::Status Append(absl::string_view name, absl::string_view data) override {
    files_[std::string(name)].append(data.data(), data.size());
    return absl::OkStatus();
  }
  absl::Status Truncate(absl::string_view name, uint64_t size) override {
    files_[std::string(name)].resize(size);
    return absl::OkStatus();
  }
  absl::Status Sync(absl::string_view) override { return absl::OkStatus(); }
  absl::Status Rename(absl::string_view from, absl::string_view to) override {
    auto node = files_.extract(std::string(from));
    if (node.empty()) return absl::NotFoundError(std::string(from));
    node.key() = std::string(to);
    files_.insert_or_assign(std::string(to), std::move(node.mapped()));
    return absl::OkStatus();
  }
  absl::Status Remove(absl::string_view name) override {
    files_.erase(std::string(name));
    return absl::OkStatus();
  }
  absl::Status SyncDir() override { return absl::OkStatus(); }

 private:
  std::map<std::string, std::string> files_;
};

class NullTransport final : public Transport {
 public:
  void Send(EndpointId, std::string) override {}
};

struct SingleNode {
  SingleNode() : timers(&clock), random(1) {
    env.clock = &clock;
    env.timers = &timers;
    env.transport = &transport;
    env.disk = &disk;
    env.random = &random;
    node::KvNodeOptions options;
    options.members = {1};
    node = std::make_unique<node::KvNode>(env, 1, options);
    node->Start();
    // Elect itself and apply its first HLC ceiling.
    for (int i = 0; i < 1000 && !Ready(); ++i) Advance(10'000'000);
    EKV_CHECK(Ready()) << "the single node never became a ready leader";
  }
  bool Ready() {
    return node->coordinator().IsLeaderAcceptingWrites() &&
           node->hlc().ceiling_ms() > 0 && node->hlc().issuing();
  }
  void Advance(int64_t ns) {
    clock.now_ns += ns;
    timers.RunDue();
  }

  LoopClock clock;
  LoopTimers timers;
  NullTransport transport;
  FreeDisk disk;
  Random random;
  Env env;
  std::unique_ptr<node::KvNode> node;
};

void BM_DispatchTxn4Keys(benchmark::State& state) {
  SingleNode single;
  Random random(2);
  constexpr uint64_t kKeySpace = 100'000;
  uint64_t committed = 0;
  for (auto _ : state) {
    kv::OperationGroup txn;
    txn.is_txn = true;
    txn.start_ts = std::max<uint64_t>(single.node->store().LastCommitTS(), 1);
    for (int k = 0; k < 4; ++k) {
      const std::string key =
          "user:" + std::to_string(random.Uniform(kKeySpace));
      txn.read_keys.push_back(key);
      txn.elems.push_back(
          kv::Elem{kv::ElemOp::kPut, key, "value-16-bytes..", 0, ""});
    }
    bool done = false;
    single.node->coordinator().Dispatch(std::move(txn),
                                        [&](const kv::DispatchResult& r) {
                                          EKV_CHECK_OK(r.status);
                                          done = true;
                                        });
    // 1 us of time per transaction: ticks and ceiling renewals keep coming.
    single.Advance(1'000);
    EKV_CHECK(done) << "a single-node dispatch did not complete in its event";
    ++committed;
  }
  state.SetItemsProcessed(static_cast<int64_t>(committed));
}
BENCHMARK(BM_DispatchTxn4Keys);

}  // namespace
}  // namespace ekv

BENCHMARK_MAIN();
