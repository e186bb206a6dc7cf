// Report: what every checker answers for one history, and how it is printed.
//
// A verdict (valid, invalid, unknown), a one-line summary, and findings: each a
// reason the history is invalid (or could not be decided), with the operations
// involved so that views can mark them. Reports are deterministic: the same
// history and options give the same report, byte for byte, in every format.
#ifndef EKV_CHECKERS_REPORT_H_
#define EKV_CHECKERS_REPORT_H_

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/string_view.h"

namespace ekv::checkers {

enum class Verdict : uint8_t { kValid, kInvalid, kUnknown };

absl::string_view VerdictName(Verdict verdict);  // "valid", "invalid", ...

// Invalid beats unknown beats valid.
Verdict CombineVerdicts(Verdict a, Verdict b);

struct Finding {
  std::string kind;     // "not-linearizable", "G1c", "G-single", "unknown", ...
  std::string summary;  // one line
  std::vector<std::string> details;  // explanation, one line each
  std::vector<int32_t> ops;          // History::ops indices involved
  // A sequence of ops that says something in order (the longest partial
  // linearization, or a cycle); may be empty.
  std::vector<int32_t> order;
};

struct Report {
  std::string source;  // the history's file or label
  std::string model;
  Verdict verdict = Verdict::kValid;
  std::string summary;  // one line, without the source and verdict
  std::vector<Finding> findings;
  std::vector<std::pair<std::string, int64_t>> stats;  // in a fixed order
};

// "SOURCE: VERDICT (MODEL) SUMMARY"; with `explain`, then each finding's
// summary and details, indented.
std::string ReportToText(const Report& report, bool explain);

// One JSON object on one line (no newline).
std::string ReportToJson(const Report& report);

}  // namespace ekv::checkers

#endif  // EKV_CHECKERS_REPORT_H_
