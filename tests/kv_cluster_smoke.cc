// Runs one seed of the KV cluster simulation and prints its report: a quick
// look while developing:
//   [EKV_BUG=name] bazel run //tests:kv_cluster_smoke -- SEED [FAULTS [beyond
//   [history]]]
#include <cstdio>
#include <cstdlib>
#include <string>

#include "tests/kv_cluster_run.h"

int main(int argc, char** argv) {
  const uint64_t seed = argc > 1 ? std::strtoull(argv[1], nullptr, 10) : 1;
  ekv::tests::KvClusterOptions options;
  if (argc > 2) options.faults = argv[2];
  if (argc > 3) options.clock_beyond_bound = std::string(argv[3]) == "beyond";
  if (const char* bug = std::getenv("EKV_BUG")) {  // the tool, not a run
    options.bug = ekv::PlantedBugByName(bug);
  }
  const auto report = ekv::tests::RunKvCluster(seed, options);
  std::printf("%s", report.Summary().c_str());
  if (argc > 4) std::printf("%s", report.history_jsonl.c_str());
  return report.passed() ? 0 : 1;
}
