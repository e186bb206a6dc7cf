// The KV cluster simulation over many seeds: 3 nodes, register clients,
// swarm faults (partitions, crashes, pauses, clogs, disk faults, clock skew
// and jumps within the bound, BUGGIFY), every check of kv_cluster_run.h on
// every seed.
//
// Each test target runs EKV_KV_SIM_SEEDS seeds from EKV_KV_SIM_FIRST_SEED
// (set per target in BUILD.bazel: four targets cover seeds 1..1000), in
// blocks of kSeedsPerBlock. Opt-in longer run:
// --test_env=EKV_KV_SIM_LONG_SEEDS=N runs N seeds from the target's first seed
// instead. Under AddressSanitizer each block runs kSeedsPerBlockSanitized
// seeds, to bound the suite's time. A failing seed prints its report and how to
// replay it; its history is written to
// $TEST_UNDECLARED_OUTPUTS_DIR/kv_seed_<seed>.jsonl.
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "tests/kv_cluster_run.h"

namespace ekv::tests {
namespace {

constexpr int kSeedsPerBlock = 25;
constexpr int kSeedsPerBlockSanitized = 2;

bool Sanitized() {
#if defined(__SANITIZE_ADDRESS__)
  return true;
#else
  return false;
#endif
}

void SaveHistory(const KvClusterReport& report) {
  const char* dir = std::getenv("TEST_UNDECLARED_OUTPUTS_DIR");  // test tooling
  if (dir == nullptr || report.history_jsonl.empty()) return;
  const std::string path =
      absl::StrCat(dir, "/kv_seed_", report.seed, ".jsonl");
  if (std::FILE* out = std::fopen(path.c_str(), "w")) {
    std::fwrite(report.history_jsonl.data(), 1, report.history_jsonl.size(),
                out);
    std::fclose(out);
  }
}

// The test tooling's environment (the simulated runs never read it).
uint64_t EnvNumber(const char* name, uint64_t otherwise) {
  const char* text = std::getenv(name);
  uint64_t value = 0;
  return text != nullptr && absl::SimpleAtoi(text, &value) ? value : otherwise;
}

void RunBlock(uint64_t first_seed, uint64_t count,
              const KvClusterOptions& options, absl::string_view replay_args) {
  for (uint64_t i = 0; i < count; ++i) {
    const uint64_t seed = first_seed + i;
    const KvClusterReport report = RunKvCluster(seed, options);
    if (!report.passed()) {
      SaveHistory(report);
      ADD_FAILURE() << report.Summary()
                    << "replay: bazel run //tests:kv_cluster_smoke -- " << seed
                    << " " << replay_args;
    }
  }
}

TEST(KvClusterSeeds, EveryCheckHoldsUnderSwarmFaults) {
  const uint64_t first = EnvNumber("EKV_KV_SIM_FIRST_SEED", 1);
  const uint64_t long_seeds = EnvNumber("EKV_KV_SIM_LONG_SEEDS", 0);
  const uint64_t seeds =
      long_seeds > 0 ? long_seeds : EnvNumber("EKV_KV_SIM_SEEDS", 250);
  const uint64_t per_block =
      Sanitized() ? kSeedsPerBlockSanitized : kSeedsPerBlock;
  for (uint64_t block = 0; block * kSeedsPerBlock < seeds; ++block) {
    const uint64_t start = first + block * kSeedsPerBlock;
    const uint64_t left = seeds - block * kSeedsPerBlock;
    RunBlock(start, std::min<uint64_t>(per_block, left), KvClusterOptions(),
             "swarm");
    if (block % 40 == 39) {
      std::printf("kv cluster sim: %llu of %llu seeds\n",
                  static_cast<unsigned long long>((block + 1) * kSeedsPerBlock),
                  static_cast<unsigned long long>(seeds));
    }
  }
  std::printf("kv cluster sim: seeds %llu..%llu%s\n",
              static_cast<unsigned long long>(first),
              static_cast<unsigned long long>(first + seeds - 1),
              Sanitized() ? " (sampled under a sanitizer)" : "");
}

}  // namespace
}  // namespace ekv::tests
