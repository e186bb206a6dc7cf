#include "sim/run_report.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "sim/trace.h"

namespace ekv::sim {

bool RunReport::passed() const {
  for (const CheckResult& check : checks) {
    if (!check.passed) return false;
  }
  return true;
}

uint64_t RunReport::faults_total() const {
  uint64_t total = 0;
  for (const auto& [kind, count] : faults) total += count;
  return total;
}

void CollectWorldStats(World& world, RunReport& report) {
  report.world = world.stats();
  report.network = world.network().stats();
  for (EndpointId id : world.nodes()) {
    const DiskStats& disk = world.disk(id)->stats();
    report.disk_corrupt_writes += disk.corrupt_writes;
    report.disk_corrupt_reads += disk.corrupt_reads;
    report.disk_torn_writes += disk.crash_torn_ops;
    report.disk_lost_writes += disk.crash_lost_ops;
  }
  if (world.buggify() != nullptr) {
    report.buggify_fired = world.buggify()->fired_total();
  }
  report.probes = world.probes();
}

std::vector<std::string> ReportLines(const RunReport& r) {
  std::vector<std::string> lines;
  lines.push_back(
      absl::StrCat("run: seed ", r.seed, ", ", r.options.nodes, " nodes, ",
                   r.options.clients, " clients, ",
                   FormatTimeNs(r.simulated_ns), " simulated, ", r.events,
                   " events (stopped: ", StopReasonName(r.stop), ")"));
  const std::vector<std::string> beyond =
      r.options.beyond_fault_model_reasons();
  lines.push_back(beyond.empty()
                      ? std::string("fault model: within")
                      : absl::StrCat("fault model: BEYOND (",
                                     absl::StrJoin(beyond, "; "), ")"));
  std::vector<std::string> faults;
  for (const auto& [kind, count] : r.faults) {
    faults.push_back(absl::StrCat(kind, " ", count));
  }
  lines.push_back(absl::StrCat(
      "faults injected: ", r.faults_total(), faults.empty() ? "" : " (",
      absl::StrJoin(faults, ", "), faults.empty() ? "" : ")"));
  std::vector<std::string> drops;
  for (uint32_t reason = 1; reason < 7; ++reason) {
    if (r.network.dropped[reason] > 0) {
      drops.push_back(
          absl::StrCat(DropReasonName(static_cast<DropReason>(reason)), " ",
                       r.network.dropped[reason]));
    }
  }
  lines.push_back(absl::StrCat(
      "network: ", r.network.sent, " sent, ", r.network.delivered,
      " delivered, ", r.network.duplicated, " duplicated, ",
      r.network.dropped_total(), " dropped",
      drops.empty() ? ""
                    : absl::StrCat(" (", absl::StrJoin(drops, ", "), ")")));
  lines.push_back(absl::StrCat("processes: ", r.world.crashes, " crashes, ",
                               r.world.restarts, " restarts, ", r.world.pauses,
                               " pauses, ", r.world.timers_fired,
                               " timers fired"));
  lines.push_back(absl::StrCat(
      "disk: ", r.disk_corrupt_writes, " corrupt writes, ",
      r.disk_corrupt_reads, " corrupt reads, ", r.disk_lost_writes,
      " unsynced writes lost and ", r.disk_torn_writes, " torn at crashes"));
  lines.push_back(absl::StrCat("buggify: ", r.buggify_fired, " fired"));
  std::vector<std::string> probes;
  for (size_t i = 0; i < kProbeCount; ++i) {
    const auto probe = static_cast<Probe>(i);
    if (r.probes.count(probe) > 0) {
      probes.push_back(
          absl::StrCat(ProbeName(probe), " ", r.probes.count(probe)));
    }
  }
  lines.push_back(absl::StrCat(
      "probes hit: ", probes.empty() ? "none" : absl::StrJoin(probes, ", ")));
  for (const std::string& note : r.notes) lines.push_back(note);
  if (r.client_ops > 0) {
    lines.push_back(absl::StrCat("client operations: ", r.client_ops));
  }
  for (const CheckResult& check : r.checks) {
    lines.push_back(absl::StrCat(
        "check ", check.name, ": ",
        !check.checked ? absl::StrCat("not checked (", check.detail, ")")
        : check.passed ? std::string("ok")
                       : absl::StrCat("FAILED ", check.detail)));
  }
  return lines;
}

std::string ReportJson(const RunReport& r) {
  std::string json = absl::StrCat(
      "{\"seed\":", r.seed, ",\"trace_hash\":\"", HashHex(r.trace_hash),
      "\",\"passed\":", r.passed() ? "true" : "false",
      ",\"beyond_fault_model\":",
      r.options.beyond_fault_model() ? "true" : "false",
      ",\"events\":", r.events, ",\"simulated_ns\":", r.simulated_ns,
      ",\"faults\":{");
  bool first = true;
  for (const auto& [kind, count] : r.faults) {
    absl::StrAppend(&json, first ? "" : ",", "\"", kind, "\":", count);
    first = false;
  }
  json += "},\"checks\":{";
  first = true;
  for (const CheckResult& check : r.checks) {
    absl::StrAppend(&json, first ? "" : ",", "\"", check.name, "\":\"",
                    !check.checked ? "not_checked"
                    : check.passed ? "ok"
                                   : "failed",
                    "\"");
    first = false;
  }
  absl::StrAppend(&json, "},\"probes\":", r.probes.ToJson(), "}");
  return json;
}

}  // namespace ekv::sim
