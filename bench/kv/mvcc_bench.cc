// MVCC store speed on a large store: point get and put on 1M keys, and a
// 100-key scan. Run: ./ekv bench mvcc   (or bazel run -c opt
// //bench/kv:mvcc_bench)
#include <cstdio>
#include <memory>
#include <string>

#include "benchmark/benchmark.h"
#include "engine/base/check.h"
#include "engine/base/random.h"
#include "engine/mvcc/store.h"

namespace ekv::mvcc {
namespace {

constexpr int kKeyCount = 1'000'000;
constexpr uint64_t kLoadTs = 1000;

std::string KeyOf(uint64_t i) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "user:%010llu",
                static_cast<unsigned long long>(i));
  return buf;
}

// One store of kKeyCount keys with a 16-byte value each, built once.
Store& LoadedStore() {
  static Store* store = [] {
    auto* s = new Store();
    const std::string value(16, 'v');
    for (int i = 0; i < kKeyCount; ++i)
      EKV_CHECK_OK(s->PutAt(KeyOf(i), value, kLoadTs));
    return s;
  }();
  return *store;
}

// The cost of making a random key, included in the figures below.
void BM_KeyOnly(benchmark::State& state) {
  Random random(1);
  for (auto _ : state) {
    std::string key = KeyOf(random.Uniform(kKeyCount));
    benchmark::DoNotOptimize(key);
  }
}
BENCHMARK(BM_KeyOnly);

void BM_MvccGet1M(benchmark::State& state) {
  Store& store = LoadedStore();
  Random random(1);
  for (auto _ : state) {
    auto value = store.GetAt(KeyOf(random.Uniform(kKeyCount)), kLoadTs + 1);
    benchmark::DoNotOptimize(value);
  }
}
BENCHMARK(BM_MvccGet1M);

void BM_MvccPut1M(benchmark::State& state) {
  Store& store = LoadedStore();
  Random random(2);
  static uint64_t ts = kLoadTs;
  const std::string value(16, 'w');
  for (auto _ : state) {
    EKV_CHECK_OK(store.PutAt(KeyOf(random.Uniform(kKeyCount)), value, ++ts));
  }
}
BENCHMARK(BM_MvccPut1M);

void BM_MvccScan100(benchmark::State& state) {
  Store& store = LoadedStore();
  Random random(3);
  for (auto _ : state) {
    auto pairs = store.ScanAt(KeyOf(random.Uniform(kKeyCount - 200)), "", 100,
                              kMaxTimestamp);
    EKV_CHECK(pairs.ok() && pairs->size() == 100);
    benchmark::DoNotOptimize(pairs);
  }
  state.SetItemsProcessed(state.iterations() * 100);
}
BENCHMARK(BM_MvccScan100);

// A compaction of a 1M-key store in which 1% of the keys have an old version
// to drop: the cost follows the keys with something to drop, not the store.
void BM_MvccCompact1MWith1PercentOverwritten(benchmark::State& state) {
  Store& store = LoadedStore();
  Random random(4);
  static uint64_t ts = 10'000'000;
  const std::string value(16, 'c');
  for (auto _ : state) {
    state.PauseTiming();
    for (int i = 0; i < kKeyCount / 100; ++i) {
      EKV_CHECK_OK(store.PutAt(KeyOf(random.Uniform(kKeyCount)), value, ++ts));
    }
    state.ResumeTiming();
    store.Compact(ts);
  }
}
BENCHMARK(BM_MvccCompact1MWith1PercentOverwritten)
    ->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace ekv::mvcc

BENCHMARK_MAIN();
