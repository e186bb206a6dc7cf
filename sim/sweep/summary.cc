#include "sim/sweep/summary.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "checkers/json.h"
#include "engine/base/probes.h"

namespace ekv::sweep {

void SweepSummary::Add(const SeedResult& result) {
  auto [it, inserted] = results_.emplace(result.seed, result);
  if (inserted) return;
  ++duplicates_;
  const SeedResult& first = it->second;
  if (!first.trace_hash.empty() && !result.trace_hash.empty() &&
      first.trace_hash != result.trace_hash) {
    hash_disagreements_.push_back(
        absl::StrCat("seed ", result.seed, ": trace hash ", first.trace_hash,
                     " vs ", result.trace_hash));
  }
}

uint64_t SweepSummary::failures() const {
  uint64_t failed = hash_disagreements_.size();
  for (const auto& [seed, result] : results_) failed += result.ok() ? 0 : 1;
  return failed;
}

std::map<std::string, SweepSummary::ProbeTally> SweepSummary::ProbeTallies()
    const {
  std::map<std::string, ProbeTally> tallies;
  for (size_t i = 0; i < kProbeCount; ++i) {
    tallies[std::string(ProbeName(static_cast<Probe>(i)))];
  }
  for (const auto& [seed, result] : results_) {
    for (const auto& [name, hits] : result.probes) {
      ProbeTally& tally = tallies[name];
      tally.hits += hits;
      tally.seeds += hits > 0 ? 1 : 0;
    }
  }
  return tallies;
}

std::vector<std::string> SweepSummary::Lines(double wall_seconds,
                                             int jobs) const {
  uint64_t by_verdict[4] = {};
  uint64_t simulated_ns = 0;
  uint64_t beyond = 0;
  for (const auto& [seed, result] : results_) {
    ++by_verdict[static_cast<int>(result.verdict)];
    simulated_ns += result.simulated_ns;
    beyond += result.beyond_fault_model ? 1 : 0;
  }
  std::vector<std::string> lines;
  lines.push_back(absl::StrFormat(
      "seeds: %d run, %d passed, %d failed checks, %d crashed, %d timed out%s",
      seeds(), by_verdict[0], by_verdict[1], by_verdict[2], by_verdict[3],
      beyond > 0 ? absl::StrCat(" (", beyond, " beyond the fault model)")
                 : ""));
  if (duplicates_ > 0) {
    lines.push_back(
        absl::StrCat("duplicates: ", duplicates_, " seeds appeared twice"));
  }
  for (const std::string& disagreement : hash_disagreements_) {
    lines.push_back(absl::StrCat("NONDETERMINISM: ", disagreement));
  }
  const double simulated_s = static_cast<double>(simulated_ns) / 1e9;
  if (wall_seconds > 0) {
    lines.push_back(absl::StrFormat(
        "speed: %.1f s wall, %.2f seeds/s, %.0f s simulated: %.0fx real time "
        "(%d jobs, %.0fx per job)",
        wall_seconds, static_cast<double>(seeds()) / wall_seconds, simulated_s,
        simulated_s / wall_seconds, jobs, simulated_s / wall_seconds / jobs));
  } else {
    lines.push_back(absl::StrFormat("simulated: %.0f s in all", simulated_s));
  }
  lines.push_back(
      absl::StrCat("coverage probes (seeds that hit each, of ", seeds(), "):"));
  uint64_t never = 0;
  for (const auto& [name, tally] : ProbeTallies()) {
    never += tally.seeds == 0 ? 1 : 0;
    lines.push_back(absl::StrFormat("  %-34s %8d seeds %10d hits%s", name,
                                    tally.seeds, tally.hits,
                                    tally.seeds == 0 ? "   NEVER HIT" : ""));
  }
  if (never > 0) {
    lines.push_back(
        absl::StrCat("  ", never,
                     " probes were never hit: this sweep never drove a "
                     "cluster through those events"));
  }
  if (failures() > 0) {
    lines.push_back("failures (replay each with its command):");
    for (const auto& [seed, result] : results_) {
      if (result.ok()) continue;
      const std::string why = result.verdict == Verdict::kFailed
                                  ? absl::StrJoin(result.failed_checks, ", ")
                                  : absl::StrCat(VerdictName(result.verdict),
                                                 " (", result.how, ")");
      lines.push_back(absl::StrCat("  seed ", seed, ": ", why));
      lines.push_back(absl::StrCat("    ", result.replay));
    }
  }
  lines.push_back(failures() == 0 ? "result: PASS"
                                  : absl::StrCat("result: FAIL (", failures(),
                                                 " failures)"));
  return lines;
}

std::string SweepSummary::Json(double wall_seconds) const {
  uint64_t by_verdict[4] = {};
  uint64_t simulated_ns = 0;
  for (const auto& [seed, result] : results_) {
    ++by_verdict[static_cast<int>(result.verdict)];
    simulated_ns += result.simulated_ns;
  }
  std::string out;
  checkers::JsonWriter json(&out);
  json.BeginObject();
  json.Key("summary").Bool(true);
  json.Key("seeds").Int(static_cast<int64_t>(seeds()));
  for (int i = 0; i < 4; ++i) {
    json.Key(VerdictName(static_cast<Verdict>(i)))
        .Int(static_cast<int64_t>(by_verdict[i]));
  }
  json.Key("failures").Int(static_cast<int64_t>(failures()));
  json.Key("simulated_ns").Int(static_cast<int64_t>(simulated_ns));
  json.Key("wall_ms").Int(static_cast<int64_t>(wall_seconds * 1000));
  json.Key("probe_seeds").BeginObject();
  for (const auto& [name, tally] : ProbeTallies()) {
    json.Key(name).Int(static_cast<int64_t>(tally.seeds));
  }
  json.EndObject();
  json.Key("failed_seeds").BeginArray();
  for (const auto& [seed, result] : results_) {
    if (!result.ok()) json.Int(static_cast<int64_t>(seed));
  }
  json.EndArray();
  json.EndObject();
  return out;
}

}  // namespace ekv::sweep
