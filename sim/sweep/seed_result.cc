#include "sim/sweep/seed_result.h"

#include "absl/strings/str_cat.h"
#include "checkers/json.h"
#include "checkers/value.h"

namespace ekv::sweep {
namespace {

using checkers::JsonWriter;
using checkers::Value;

constexpr absl::string_view kVerdictNames[] = {"passed", "failed", "crashed",
                                               "timed_out"};

absl::Status Bad(absl::string_view source, absl::string_view why) {
  return absl::InvalidArgumentError(absl::StrCat(source, ": ", why));
}

// Reads field `key` of `map` into `out` when present and of the right kind.
absl::Status ReadString(const Value& map, absl::string_view key,
                        absl::string_view source, std::string* out) {
  const Value* v = map.Find(key);
  if (v == nullptr) return absl::OkStatus();
  if (!v->is_string())
    return Bad(source, absl::StrCat("\"", key, "\" must be a string"));
  *out = v->string_value();
  return absl::OkStatus();
}

absl::Status ReadCount(const Value& map, absl::string_view key,
                       absl::string_view source, uint64_t* out) {
  const Value* v = map.Find(key);
  if (v == nullptr) return absl::OkStatus();
  if (!v->is_int() || v->int_value() < 0) {
    return Bad(source, absl::StrCat("\"", key, "\" must be a count"));
  }
  *out = static_cast<uint64_t>(v->int_value());
  return absl::OkStatus();
}

}  // namespace

absl::string_view VerdictName(Verdict verdict) {
  return kVerdictNames[static_cast<int>(verdict)];
}

std::string ToJsonLine(const SeedResult& r) {
  std::string out;
  JsonWriter json(&out);
  json.BeginObject();
  json.Key("seed").Int(static_cast<int64_t>(r.seed));
  json.Key("verdict").String(VerdictName(r.verdict));
  json.Key("failed_checks").BeginArray();
  for (const std::string& check : r.failed_checks) json.String(check);
  json.EndArray();
  json.Key("trace_hash").String(r.trace_hash);
  json.Key("events").Int(static_cast<int64_t>(r.events));
  json.Key("simulated_ns").Int(static_cast<int64_t>(r.simulated_ns));
  json.Key("wall_us").Int(static_cast<int64_t>(r.wall_us));
  json.Key("faults").Int(static_cast<int64_t>(r.faults));
  json.Key("ops").Int(static_cast<int64_t>(r.ops));
  json.Key("beyond_fault_model").Bool(r.beyond_fault_model);
  json.Key("determinism").String(r.determinism);
  json.Key("probes").BeginObject();
  for (const auto& [name, hits] : r.probes)
    json.Key(name).Int(static_cast<int64_t>(hits));
  json.EndObject();
  json.Key("how").String(r.how);
  json.Key("stderr_tail").String(r.stderr_tail);
  json.Key("replay").String(r.replay);
  json.EndObject();
  return out;
}

absl::StatusOr<SeedResult> ParseSeedResult(absl::string_view line,
                                           absl::string_view source) {
  absl::StatusOr<Value> parsed = checkers::ParseJson(line, source);
  if (!parsed.ok()) return parsed.status();
  const Value& map = *parsed;
  if (!map.is_map()) return Bad(source, "a result line must be a JSON object");
  SeedResult r;
  const Value* seed = map.Find("seed");
  if (seed == nullptr || !seed->is_int() || seed->int_value() < 0) {
    return Bad(source, "\"seed\" is missing or not a seed");
  }
  r.seed = static_cast<uint64_t>(seed->int_value());
  std::string verdict;
  if (absl::Status s = ReadString(map, "verdict", source, &verdict); !s.ok())
    return s;
  bool known = false;
  for (int i = 0; i < 4; ++i) {
    if (verdict == kVerdictNames[i]) {
      r.verdict = static_cast<Verdict>(i);
      known = true;
    }
  }
  if (!known)
    return Bad(source, absl::StrCat("unknown verdict '", verdict, "'"));
  if (const Value* checks = map.Find("failed_checks"); checks != nullptr) {
    if (!checks->is_list())
      return Bad(source, "\"failed_checks\" must be a list");
    for (const Value& check : checks->list()) {
      if (!check.is_string())
        return Bad(source, "\"failed_checks\" holds strings");
      r.failed_checks.push_back(check.string_value());
    }
  }
  for (auto [key, field] :
       {std::pair<absl::string_view, std::string*>{"trace_hash", &r.trace_hash},
        {"determinism", &r.determinism},
        {"how", &r.how},
        {"stderr_tail", &r.stderr_tail},
        {"replay", &r.replay}}) {
    if (absl::Status s = ReadString(map, key, source, field); !s.ok()) return s;
  }
  for (auto [key, field] :
       {std::pair<absl::string_view, uint64_t*>{"events", &r.events},
        {"simulated_ns", &r.simulated_ns},
        {"wall_us", &r.wall_us},
        {"faults", &r.faults},
        {"ops", &r.ops}}) {
    if (absl::Status s = ReadCount(map, key, source, field); !s.ok()) return s;
  }
  if (const Value* beyond = map.Find("beyond_fault_model"); beyond != nullptr) {
    if (!beyond->is_bool())
      return Bad(source, "\"beyond_fault_model\" must be a bool");
    r.beyond_fault_model = beyond->bool_value();
  }
  if (const Value* probes = map.Find("probes"); probes != nullptr) {
    if (!probes->is_map()) return Bad(source, "\"probes\" must be an object");
    for (const auto& [name, hits] : probes->map()) {
      if (!name.is_string() || !hits.is_int() || hits.int_value() < 0) {
        return Bad(source, "\"probes\" maps names to counts");
      }
      r.probes[name.string_value()] = static_cast<uint64_t>(hits.int_value());
    }
  }
  return r;
}

}  // namespace ekv::sweep
