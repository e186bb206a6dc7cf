// The cost of Raft's hot path: Propose -> Ready -> persist (MemoryStorage) ->
// Advance, until the proposal is applied, as etcd-io/raft's BenchmarkRawNode
// measures it. With three voters the leader's followers are played by hand:
// every MSG_APP is acknowledged at once. Reports ns per proposal and heap
// allocations per proposal (this binary counts every operator new).
//
//   ./ekv bench raft_bench
#include <cstdint>
#include <cstdlib>
#include <new>
#include <string>
#include <vector>

#include "benchmark/benchmark.h"
#include "engine/proto/raft.pb.h"
#include "engine/raft/raw_node.h"
#include "engine/raft/storage.h"

namespace {

uint64_t allocations = 0;

}  // namespace

// These replace the global operators to count allocations. GCC, seeing the
// definitions inline, takes their free() for a mismatch with new.
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"

void* operator new(size_t size) {
  ++allocations;
  if (void* p = std::malloc(size == 0 ? 1 : size)) return p;
  throw std::bad_alloc();
}
void* operator new[](size_t size) {
  ++allocations;
  if (void* p = std::malloc(size == 0 ? 1 : size)) return p;
  throw std::bad_alloc();
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete[](void* p) noexcept { std::free(p); }
void operator delete(void* p, size_t) noexcept { std::free(p); }
void operator delete[](void* p, size_t) noexcept { std::free(p); }

namespace ekv::raft {
namespace {

// Keeps MemoryStorage from growing without bound over millions of
// iterations, as an application's snapshots would.
constexpr uint64_t kCompactEveryEntries = 4096;

class Harness {
 public:
  explicit Harness(int voters) {
    raftpb::ConfState conf_state;
    for (int id = 1; id <= voters; ++id) conf_state.add_voters(id);
    storage_ = std::make_unique<MemoryStorage>(conf_state);
    Config config;
    config.id = 1;
    config.random_seed = 1;
    node_ = std::make_unique<RawNode>(config, storage_.get());
    node_->Campaign();
    Stabilize();
  }

  bool is_leader() const { return node_->raft().role() == Role::kLeader; }
  RawNode& node() { return *node_; }

  // Handles Readies until there are none; followers answer at once.
  uint64_t Stabilize() {
    uint64_t applied = 0;
    while (node_->HasReady()) {
      Ready& rd = node_->GetReady();
      storage_->Append(rd.entries);
      if (rd.hard_state.has_value()) storage_->SetHardState(*rd.hard_state);
      for (const raftpb::Message& m : rd.messages) Answer(m);
      if (!rd.committed_entries.empty()) {
        applied = rd.committed_entries.back().index();
      }
      node_->Advance();
      for (raftpb::Message& m : answers_) (void)node_->Step(std::move(m));
      answers_.clear();
    }
    if (applied >= compacted_ + kCompactEveryEntries) {
      (void)storage_->CreateSnapshot(applied, node_->raft().conf_state(), "");
      (void)storage_->Compact(applied);
      compacted_ = applied;
    }
    return applied;
  }

 private:
  void Answer(const raftpb::Message& m) {
    raftpb::Message answer;
    answer.set_from(m.to());
    answer.set_to(m.from());
    answer.set_term(m.term());
    switch (m.type()) {
      case raftpb::MSG_PRE_VOTE:
        answer.set_type(raftpb::MSG_PRE_VOTE_RESP);
        break;
      case raftpb::MSG_VOTE:
        answer.set_type(raftpb::MSG_VOTE_RESP);
        break;
      case raftpb::MSG_APP:
        answer.set_type(raftpb::MSG_APP_RESP);
        answer.set_index(m.entries_size() > 0
                             ? m.entries(m.entries_size() - 1).index()
                             : m.index());
        break;
      default:
        return;
    }
    answers_.push_back(std::move(answer));
  }

  std::unique_ptr<MemoryStorage> storage_;
  std::unique_ptr<RawNode> node_;
  std::vector<raftpb::Message> answers_;
  uint64_t compacted_ = 0;
};

void BM_ProposeReadyAdvance(benchmark::State& state) {
  Harness harness(static_cast<int>(state.range(0)));
  if (!harness.is_leader()) {
    state.SkipWithError("no leader");
    return;
  }
  const uint64_t allocations_before = allocations;
  uint64_t applied = 0;
  for (auto _ : state) {
    // A short payload, as in etcd's benchmark ("foo").
    if (!harness.node().Propose("foo").ok()) {
      state.SkipWithError("proposal refused");
      return;
    }
    applied = harness.Stabilize();
  }
  benchmark::DoNotOptimize(applied);
  state.counters["allocs/op"] =
      benchmark::Counter(static_cast<double>(allocations - allocations_before),
                         benchmark::Counter::kAvgIterations);
}
BENCHMARK(BM_ProposeReadyAdvance)->Arg(1)->Arg(3)->ArgName("voters");

}  // namespace
}  // namespace ekv::raft
