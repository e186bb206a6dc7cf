#include "sim/shrink.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "engine/base/check.h"
#include "engine/base/clock.h"

namespace ekv::sim {
namespace {

constexpr int64_t kDurationNsMin = kNanosPerSecond;

bool SameFailure(const Attempt& original, const Attempt& candidate) {
  if (!candidate.failed) return false;
  for (const std::string& failure : candidate.failures) {
    if (original.failures.count(failure) > 0) return true;
  }
  return false;
}

std::string DurationText(int64_t ns) {
  return ns % kNanosPerSecond == 0 ? absl::StrCat(ns / kNanosPerSecond, "s")
                                   : absl::StrCat(ns / kNanosPerMilli, "ms");
}

class Shrinker {
 public:
  Shrinker(const ShrinkStart& start, const RunAttempt& run, int runs_max)
      : start_(start), run_(run), runs_max_(runs_max) {}

  ShrinkResult Run() {
    result_.smallest_flags = start_.flags;
    result_.original = Try(start_.flags);
    result_.smallest = result_.original;
    if (!result_.original.failed) return result_;
    ExplicitFaults();
    for (int pass = 0; pass < 8 && budget_left(); ++pass) {
      const int kept_before = kept_;
      FewerFaultEvents();
      FewerFaultKinds();
      ShorterRun();
      FewerClients();
      FewerOps();
      FewerNodes();
      if (kept_ == kept_before) break;
    }
    return result_;
  }

 private:
  bool budget_left() const { return result_.runs < runs_max_; }

  Attempt Try(const FlagList& flags) {
    ++result_.runs;
    return run_(flags);
  }

  // Runs the current flags with one change; keeps it when the failure stays.
  bool Keep(const std::string& name, const std::string& value,
            const std::string& why) {
    if (!budget_left()) return false;
    FlagList candidate = result_.smallest_flags;
    candidate.Set(name, value);
    const Attempt attempt = Try(candidate);
    if (!SameFailure(result_.original, attempt)) return false;
    result_.smallest_flags = candidate;
    result_.smallest = attempt;
    result_.steps.push_back(why);
    ++kept_;
    return true;
  }

  void ExplicitFaults() {
    if (result_.smallest_flags.Get("faults") != std::nullopt &&
        *result_.smallest_flags.Get("faults") != "swarm") {
      kinds_ = start_.fault_kinds_on;
      return;
    }
    const std::string list = start_.fault_kinds_on.empty()
                                 ? "none"
                                 : absl::StrJoin(start_.fault_kinds_on, ",");
    if (Keep(
            "faults", list,
            absl::StrCat("faults: the seed's swarm draw, as a list: ", list))) {
      kinds_ = start_.fault_kinds_on;
      explicit_faults_ = true;
    }
  }

  // Binary search for the fewest fault events that still fail.
  void FewerFaultEvents() {
    uint64_t high = result_.smallest.faults;  // fails with this many
    uint64_t low = 0;
    while (low < high && budget_left()) {
      const uint64_t mid = low + (high - low) / 2;
      if (Keep("nemesis_faults_max", absl::StrCat(mid),
               absl::StrCat("fault events: at most ", mid))) {
        high = std::min<uint64_t>(mid, result_.smallest.faults);
      } else {
        low = mid + 1;
      }
    }
  }

  void FewerFaultKinds() {
    if (!explicit_faults_) return;
    for (size_t i = 0; i < kinds_.size() && budget_left();) {
      std::vector<std::string> fewer = kinds_;
      const std::string dropped = fewer[i];
      fewer.erase(fewer.begin() + static_cast<long>(i));
      const std::string list =
          fewer.empty() ? "none" : absl::StrJoin(fewer, ",");
      if (Keep("faults", list,
               absl::StrCat("fault kinds: without ", dropped))) {
        kinds_ = fewer;
      } else {
        ++i;
      }
    }
  }

  void ShorterRun() {
    while (duration_ns_ / 2 >= kDurationNsMin && budget_left()) {
      const int64_t shorter = duration_ns_ / 2;
      if (!Keep("duration", DurationText(shorter),
                absl::StrCat("simulated time: ", DurationText(shorter)))) {
        break;
      }
      duration_ns_ = shorter;
    }
  }

  void FewerClients() {
    for (int64_t clients = 1; clients < clients_ && budget_left(); ++clients) {
      if (Keep("clients", absl::StrCat(clients),
               absl::StrCat("clients: ", clients))) {
        clients_ = clients;
        return;
      }
    }
  }

  void FewerOps() {
    if (ops_max_ <= 0) return;
    // No client issued more operations than all of them together.
    ops_max_ = std::min<int64_t>(
        ops_max_, static_cast<int64_t>(result_.smallest.ops) + 1);
    int64_t low = 1;
    int64_t high = ops_max_;
    while (low < high && budget_left()) {
      const int64_t mid = low + (high - low) / 2;
      if (Keep("client_ops_max", absl::StrCat(mid),
               absl::StrCat("operations per client: at most ", mid))) {
        high = mid;
        ops_max_ = mid;
      } else {
        low = mid + 1;
      }
    }
  }

  void FewerNodes() {
    for (int64_t nodes : {int64_t{1}, int64_t{3}}) {
      if (nodes >= nodes_ || !budget_left()) continue;
      if (Keep("nodes", absl::StrCat(nodes), absl::StrCat("nodes: ", nodes))) {
        nodes_ = nodes;
        return;
      }
    }
  }

  const ShrinkStart& start_;
  const RunAttempt& run_;
  const int runs_max_;
  ShrinkResult result_;
  int kept_ = 0;
  bool explicit_faults_ = false;
  std::vector<std::string> kinds_;
  int64_t duration_ns_ = start_.duration_ns;
  int64_t clients_ = start_.clients;
  int64_t nodes_ = start_.nodes;
  int64_t ops_max_ = start_.client_ops_max;
};

}  // namespace

std::optional<std::string> FlagList::Get(const std::string& name) const {
  std::optional<std::string> value;
  for (const auto& [n, v] : flags_) {
    if (n == name) value = v;
  }
  return value;
}

void FlagList::Set(const std::string& name, const std::string& value) {
  flags_.erase(
      std::remove_if(flags_.begin(), flags_.end(),
                     [&](const auto& flag) { return flag.first == name; }),
      flags_.end());
  flags_.emplace_back(name, value);
}

std::vector<std::string> FlagList::Argv() const {
  std::vector<std::string> argv;
  for (const auto& [name, value] : flags_) {
    argv.push_back("--" + name);
    argv.push_back(value);
  }
  return argv;
}

std::string FlagList::Text() const { return absl::StrJoin(Argv(), " "); }

ShrinkResult Shrink(const ShrinkStart& start, const RunAttempt& run,
                    int runs_max) {
  EKV_CHECK_GT(runs_max, 0);
  return Shrinker(start, run, runs_max).Run();
}

}  // namespace ekv::sim
