// The KV cluster configuration of the issue-5 simulation tests: 3 nodes, 3
// register clients, 10 s runs with a 4 s healed tail, swarm faults — run
// through sim/kv_run.h, exactly as `ekv-sim run --workload register --clients 3
// --duration 10s
// --liveness_phase 4s` runs it.
#ifndef EKV_TESTS_KV_SIM_OPTIONS_H_
#define EKV_TESTS_KV_SIM_OPTIONS_H_

#include <cstdint>
#include <functional>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "sim/kv_run.h"
#include "sim/swarm.h"

namespace ekv::tests {

inline bool Sanitized() {
#if defined(__SANITIZE_ADDRESS__)
  return true;
#else
  return false;
#endif
}

inline sim::SimOptions RegisterClusterOptions(uint64_t seed) {
  sim::SimOptions options = sim::DeriveOptions(seed, sim::FaultSelection{});
  options.nodes = 3;
  options.clients = 3;
  options.duration_ns = 10'000'000'000;
  options.liveness_phase_ns = 4'000'000'000;
  return options;
}

inline sim::RunReport RunRegisterCluster(
    uint64_t seed,
    const std::function<void(sim::SimOptions&)>& adjust = nullptr) {
  sim::SimOptions options = RegisterClusterOptions(seed);
  if (adjust) adjust(options);
  sim::KvRunConfig config;
  config.workload = "register";
  return sim::RunKvCluster(seed, options, config, nullptr);
}

// The failed checks and the command that replays the seed.
inline std::string FailureText(const sim::RunReport& report) {
  std::string text = absl::StrCat("seed ", report.seed, " failed:\n");
  for (const sim::CheckResult& check : report.checks) {
    if (!check.passed)
      absl::StrAppend(&text, "  ", check.name, ": ", check.detail, "\n");
  }
  absl::StrAppend(
      &text, "replay: ./ekv sim replay --seed ", report.seed,
      " --workload register --clients 3 --duration 10s --liveness_phase 4s"
      " (plus the option overrides of the test)");
  return text;
}

}  // namespace ekv::tests

#endif  // EKV_TESTS_KV_SIM_OPTIONS_H_
