#include "checkers/report.h"

#include "absl/strings/str_cat.h"
#include "checkers/json.h"

namespace ekv::checkers {

absl::string_view VerdictName(Verdict verdict) {
  switch (verdict) {
    case Verdict::kValid:
      return "valid";
    case Verdict::kInvalid:
      return "invalid";
    case Verdict::kUnknown:
      return "unknown";
  }
  return "?";
}

Verdict CombineVerdicts(Verdict a, Verdict b) {
  if (a == Verdict::kInvalid || b == Verdict::kInvalid)
    return Verdict::kInvalid;
  if (a == Verdict::kUnknown || b == Verdict::kUnknown)
    return Verdict::kUnknown;
  return Verdict::kValid;
}

std::string ReportToText(const Report& report, bool explain) {
  std::string out =
      absl::StrCat(report.source, ": ", VerdictName(report.verdict), " (",
                   report.model, ") ", report.summary, "\n");
  if (!explain) return out;
  for (const Finding& finding : report.findings) {
    absl::StrAppend(&out, "  ", finding.kind, ": ", finding.summary, "\n");
    for (const std::string& line : finding.details) {
      absl::StrAppend(&out, "    ", line, "\n");
    }
  }
  return out;
}

std::string ReportToJson(const Report& report) {
  std::string out;
  JsonWriter w(&out);
  w.BeginObject();
  w.Key("source").String(report.source);
  w.Key("model").String(report.model);
  w.Key("verdict").String(VerdictName(report.verdict));
  w.Key("summary").String(report.summary);
  w.Key("stats").BeginObject();
  for (const auto& [name, value] : report.stats) w.Key(name).Int(value);
  w.EndObject();
  w.Key("findings").BeginArray();
  for (const Finding& finding : report.findings) {
    w.BeginObject();
    w.Key("kind").String(finding.kind);
    w.Key("summary").String(finding.summary);
    w.Key("details").BeginArray();
    for (const std::string& line : finding.details) w.String(line);
    w.EndArray();
    w.Key("ops").BeginArray();
    for (int32_t op : finding.ops) w.Int(op);
    w.EndArray();
    w.Key("order").BeginArray();
    for (int32_t op : finding.order) w.Int(op);
    w.EndArray();
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
  return out;
}

}  // namespace ekv::checkers
