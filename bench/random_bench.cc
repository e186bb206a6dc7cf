// Cost of the seeded generator that every simulated choice goes through.
#include "benchmark/benchmark.h"
#include "engine/base/random.h"

namespace ekv {
namespace {

void BM_RandomNext64(benchmark::State& state) {
  Random random(1);
  for (auto _ : state) benchmark::DoNotOptimize(random.Next64());
}
BENCHMARK(BM_RandomNext64);

void BM_RandomUniform(benchmark::State& state) {
  Random random(1);
  for (auto _ : state) benchmark::DoNotOptimize(random.Uniform(1000));
}
BENCHMARK(BM_RandomUniform);

void BM_StreamSeed(benchmark::State& state) {
  uint64_t seed = 0;
  for (auto _ : state) benchmark::DoNotOptimize(StreamSeed(++seed, "network"));
}
BENCHMARK(BM_StreamSeed);

}  // namespace
}  // namespace ekv
