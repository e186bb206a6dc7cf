// The KV cluster simulation over many seeds: 3 nodes, register clients,
// swarm faults (partitions, crashes, pauses, clogs, disk faults, clock skew
// and jumps within the bound, BUGGIFY), every check of kv_cluster_run.h on
// every seed. Seeds are split into blocks so Bazel can shard them.
//
// EKV_KV_SIM_BLOCKS blocks of kSeedsPerBlock seeds from seed 1 (1000 seeds
// by default); the `_long` target runs more. Under AddressSanitizer each
// block runs kSeedsPerBlockSanitized seeds, to keep the suite's time bounded.
// A failing seed prints its report and how to replay it; its history is
// written to $TEST_UNDECLARED_OUTPUTS_DIR/kv_seed_<seed>.jsonl.
#include <cstdio>
#include <cstdlib>
#include <string>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "tests/kv_cluster_run.h"

#ifndef EKV_KV_SIM_BLOCKS
#define EKV_KV_SIM_BLOCKS 40
#endif

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

void RunBlock(int block, const KvClusterOptions& options,
              absl::string_view replay_args) {
  const int seeds = Sanitized() ? kSeedsPerBlockSanitized : kSeedsPerBlock;
  for (int i = 0; i < seeds; ++i) {
    const uint64_t seed = static_cast<uint64_t>(block) * kSeedsPerBlock + i + 1;
    const KvClusterReport report = RunKvCluster(seed, options);
    if (!report.passed()) {
      SaveHistory(report);
      ADD_FAILURE() << report.Summary()
                    << "replay: bazel run //tests:kv_cluster_smoke -- " << seed
                    << " " << replay_args;
    }
  }
}

class KvClusterSeeds : public ::testing::TestWithParam<int> {};

TEST_P(KvClusterSeeds, EveryCheckHoldsUnderSwarmFaults) {
  RunBlock(GetParam(), KvClusterOptions(), "swarm");
}

INSTANTIATE_TEST_SUITE_P(Blocks, KvClusterSeeds,
                         ::testing::Range(0, EKV_KV_SIM_BLOCKS));

}  // namespace
}  // namespace ekv::tests
