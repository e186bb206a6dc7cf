#include "sim/options.h"

#include <cstdlib>
#include <type_traits>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "engine/base/status.h"

namespace ekv::sim {
namespace {

// The shortest decimal text that reads back as exactly `value`.
std::string FormatDouble(double value) {
  for (int precision = 1; precision <= 17; ++precision) {
    std::string text = absl::StrFormat("%.*g", precision, value);
    if (std::strtod(text.c_str(), nullptr) == value) return text;
  }
  return absl::StrFormat("%.17g", value);
}

std::string FormatValue(int64_t value) { return absl::StrCat(value); }
std::string FormatValue(double value) { return FormatDouble(value); }
std::string FormatValue(bool value) { return value ? "true" : "false"; }

struct Suffix {
  absl::string_view text;
  int64_t factor;
};
constexpr Suffix kTimeSuffixes[] = {
    {"ns", 1}, {"us", 1'000}, {"ms", 1'000'000}, {"s", 1'000'000'000}};
constexpr Suffix kByteSuffixes[] = {
    {"k", 1LL << 10}, {"m", 1LL << 20}, {"g", 1LL << 30}};

absl::Status ParseInt(absl::string_view name, absl::string_view text,
                      int64_t& out) {
  int64_t factor = 1;
  absl::string_view digits = text;
  auto strip = [&](const auto& suffixes) {
    for (const Suffix& suffix : suffixes) {
      if (absl::EndsWith(digits, suffix.text) &&
          digits.size() > suffix.text.size()) {
        const absl::string_view head =
            digits.substr(0, digits.size() - suffix.text.size());
        if (!head.empty() && absl::ascii_isdigit(head.back())) {
          digits = head;
          factor = suffix.factor;
          return;
        }
      }
    }
  };
  if (absl::EndsWith(name, "_ns") || absl::StrContains(name, "_ns_")) {
    strip(kTimeSuffixes);
  } else if (absl::EndsWith(name, "_bytes")) {
    strip(kByteSuffixes);
  }
  int64_t value = 0;
  if (!absl::SimpleAtoi(digits, &value)) {
    return absl::InvalidArgumentError(
        absl::StrCat("option ", name, ": '", text, "' is not an integer",
                     factor == 1 && absl::StrContains(name, "_ns")
                         ? " (units: ns, us, ms, s)"
                         : ""));
  }
  if (value != 0 &&
      (value > INT64_MAX / factor || value < INT64_MIN / factor)) {
    return absl::InvalidArgumentError(
        absl::StrCat("option ", name, ": '", text, "' is out of range"));
  }
  out = value * factor;
  return absl::OkStatus();
}

absl::Status ParseValue(absl::string_view name, absl::string_view text,
                        int64_t& out) {
  return ParseInt(name, text, out);
}

absl::Status ParseValue(absl::string_view name, absl::string_view text,
                        double& out) {
  if (!absl::SimpleAtod(text, &out)) {
    return absl::InvalidArgumentError(
        absl::StrCat("option ", name, ": '", text, "' is not a number"));
  }
  return absl::OkStatus();
}

absl::Status ParseValue(absl::string_view name, absl::string_view text,
                        bool& out) {
  if (!absl::SimpleAtob(text, &out)) {
    return absl::InvalidArgumentError(
        absl::StrCat("option ", name, ": '", text, "' is not true/false"));
  }
  return absl::OkStatus();
}

absl::Status CheckRate(absl::string_view name, double rate) {
  if (rate >= 0 && rate <= 1) return absl::OkStatus();
  return absl::InvalidArgumentError(absl::StrCat("option ", name, " = ",
                                                 FormatDouble(rate),
                                                 ": a rate must be in [0, 1]"));
}

}  // namespace

NetworkOptions SimOptions::network() const {
  NetworkOptions out;
  out.net_delay_ns_min = net_delay_ns_min;
  out.net_delay_ns_mean = net_delay_ns_mean;
  out.net_loss_rate = net_loss_rate;
  out.net_duplicate_rate = net_duplicate_rate;
  out.net_path_capacity_messages = net_path_capacity_messages;
  return out;
}

DiskOptions SimOptions::disk() const {
  DiskOptions out;
  out.disk_capacity_bytes = disk_capacity_bytes;
  out.disk_latency_ns_max = disk_latency_ns_max;
  out.disk_corrupt_write_rate = disk_corrupt_write_rate;
  out.disk_corrupt_read_rate = disk_corrupt_read_rate;
  out.disk_sync_fail_rate = disk_sync_fail_rate;
  out.disk_torn_write_rate = disk_torn_write_rate;
  return out;
}

std::vector<std::string> SimOptions::beyond_fault_model_reasons() const {
  std::vector<std::string> reasons;
  if (clock_beyond_bound) {
    reasons.push_back(absl::StrCat(
        "clock errors up to ", clock_beyond_offset_ns_max,
        " ns, beyond clock_offset_ns_max = ", clock_offset_ns_max));
  }
  if (disk_corruption_beyond_quorum &&
      (disk_corrupt_write_rate > 0 || disk_corrupt_read_rate > 0)) {
    reasons.push_back("disk corruption may hit every replica of a record");
  }
  return reasons;
}

bool SimOptions::beyond_fault_model() const {
  return !beyond_fault_model_reasons().empty();
}

absl::Status ValidateOptions(const SimOptions& o) {
  auto fail = [](absl::string_view why) {
    return absl::InvalidArgumentError(why);
  };
  if (o.nodes < 1 || o.nodes > 64) return fail("nodes must be in [1, 64]");
  if (o.clients < 0 || o.clients > 1024)
    return fail("clients must be in [0, 1024]");
  if (o.duration_ns <= 0) return fail("duration_ns must be positive");
  if (o.liveness_phase_ns < 0 || o.liveness_phase_ns > o.duration_ns)
    return fail("liveness_phase_ns must be in [0, duration_ns]");
  if (o.events_max <= 0) return fail("events_max must be positive");
  if (o.net_delay_ns_min < 0 || o.net_delay_ns_mean < 0)
    return fail("network delays must be >= 0");
  if (o.net_path_capacity_messages < 1)
    return fail("net_path_capacity_messages must be >= 1");
  if (o.disk_capacity_bytes < 0 || o.disk_latency_ns_max < 0)
    return fail("disk capacity and latency must be >= 0");
  if (o.clock_offset_ns_max < 0 || o.clock_beyond_offset_ns_max < 0)
    return fail("clock offset bounds must be >= 0");
  if (o.clock_offset_ns_initial_max < 0 ||
      (!o.clock_beyond_bound &&
       o.clock_offset_ns_initial_max > o.clock_offset_ns_max)) {
    return fail(
        "clock_offset_ns_initial_max must be in [0, clock_offset_ns_max] "
        "unless clock_beyond_bound");
  }
  if (o.clock_drift_ppm_max < 0 || o.clock_drift_ppm_max > 100'000)
    return fail("clock_drift_ppm_max must be in [0, 100000]");
  if (o.nemesis_interval_ns_mean <= 0 || o.nemesis_fault_ns_max <= 0)
    return fail("nemesis interval and fault length must be positive");
  if (o.nemesis_faults_max < 0) return fail("nemesis_faults_max must be >= 0");
  if (o.client_ops_max < 0) return fail("client_ops_max must be >= 0");
  if (o.kv_snapshot_interval_entries < 2)
    return fail("kv_snapshot_interval_entries must be >= 2");
  if (o.kv_compaction_interval_ns < 1'000'000 ||
      o.kv_compaction_retention_ns < 1'000'000)
    return fail("kv compaction interval and retention must be >= 1ms");
  const std::pair<absl::string_view, double> rates[] = {
      {"net_loss_rate", o.net_loss_rate},
      {"net_duplicate_rate", o.net_duplicate_rate},
      {"disk_corrupt_write_rate", o.disk_corrupt_write_rate},
      {"disk_corrupt_read_rate", o.disk_corrupt_read_rate},
      {"disk_sync_fail_rate", o.disk_sync_fail_rate},
      {"disk_torn_write_rate", o.disk_torn_write_rate},
      {"buggify_site_rate", o.buggify_site_rate},
      {"buggify_fire_rate", o.buggify_fire_rate}};
  for (const auto& [name, rate] : rates) {
    EKV_RETURN_IF_ERROR(CheckRate(name, rate));
  }
  return absl::OkStatus();
}

absl::Status SetOption(SimOptions& options, absl::string_view name,
                       absl::string_view value) {
  absl::Status status = absl::NotFoundError(
      absl::StrCat("unknown option '", name,
                   "'; options are: ", absl::StrJoin(OptionNames(), ", ")));
  VisitOptions(options, [&](absl::string_view field_name, auto& field) {
    if (field_name == name) status = ParseValue(name, value, field);
  });
  return status;
}

bool IsOptionName(absl::string_view name) {
  bool found = false;
  SimOptions options;
  VisitOptions(options, [&](absl::string_view field_name, auto&) {
    found = found || field_name == name;
  });
  return found;
}

std::vector<std::string> OptionNames() {
  std::vector<std::string> names;
  SimOptions options;
  VisitOptions(options, [&](absl::string_view field_name, auto&) {
    names.emplace_back(field_name);
  });
  return names;
}

std::vector<std::string> OptionLines(const SimOptions& options) {
  std::vector<std::string> lines;
  VisitOptions(options, [&](absl::string_view name, const auto& field) {
    lines.push_back(absl::StrCat(name, " = ", FormatValue(field)));
  });
  return lines;
}

std::string OptionsJson(uint64_t seed, const SimOptions& options) {
  std::string json = absl::StrCat("{\"seed\":", seed);
  VisitOptions(options, [&](absl::string_view name, const auto& field) {
    absl::StrAppend(&json, ",\"", name, "\":", FormatValue(field));
  });
  json += "}";
  return json;
}

}  // namespace ekv::sim
