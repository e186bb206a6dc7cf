#include "checkers/history_io.h"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "checkers/edn.h"
#include "checkers/json.h"
#include "checkers/syntax.h"
#include "engine/base/status.h"

namespace ekv::checkers {
namespace {

bool IsBlank(absl::string_view line) {
  for (char c : line) {
    if (c != ' ' && c != '\t' && c != '\r') return false;
  }
  return true;
}

// Calls visit(line_number, line) for every non-blank line; stops at an error.
template <typename Visit>
absl::Status ForEachLine(absl::string_view text, Visit visit) {
  int number = 0;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == absl::string_view::npos) end = text.size();
    absl::string_view line = text.substr(start, end - start);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    ++number;
    if (!IsBlank(line)) {
      if (absl::Status s = visit(number, line); !s.ok()) return s;
    }
    start = end + 1;
  }
  return absl::OkStatus();
}

absl::Status LineError(absl::string_view source, int line,
                       absl::string_view why) {
  return InvalidRequestError(absl::StrCat(source, ":", line, ": ", why));
}

enum class Dialect { kJson, kEdn };

// The fields of one event map. In JSON every field must be known; EDN maps
// from Jepsen carry extra fields, which are ignored.
absl::Status EventFromMap(const Value& map, Dialect dialect, int line,
                          absl::string_view source, Event* out, bool* skip) {
  auto fail = [&](absl::string_view why) {
    return LineError(source, line, why);
  };
  if (!map.is_map()) return fail("expected an object (one event per line)");
  if (dialect == Dialect::kJson) {
    for (const auto& [key, value] : map.map()) {
      static constexpr absl::string_view kKnown[] = {
          "process", "type", "f", "key", "value", "time", "index", "error"};
      if (std::find(std::begin(kKnown), std::end(kKnown), key.string_view()) ==
          std::end(kKnown)) {
        return fail(absl::StrCat("unknown field \"", key.string_view(),
                                 "\" (see checkers/history.h)"));
      }
    }
  }
  const Value* process = map.Find("process");
  if (process == nullptr) return fail("missing field process");
  if (dialect == Dialect::kEdn && process->is_string() &&
      process->string_view() == "nemesis") {
    *skip = true;
    return absl::OkStatus();
  }
  if (!process->is_int()) return fail("process must be an integer");
  out->process = process->int_value();

  const Value* type = map.Find("type");
  if (type == nullptr) return fail("missing field type");
  if (!type->is_string() || !ParseEventType(type->string_view(), &out->type)) {
    return fail(absl::StrCat("type must be invoke, ok, fail or info, not ",
                             type->ToText()));
  }
  const Value* f = map.Find("f");
  if (f == nullptr) return fail("missing field f");
  if (!f->is_string() || f->string_view().empty()) {
    return fail("f must be a non-empty string");
  }
  out->f = std::string(f->string_view());
  if (const Value* key = map.Find("key"); key != nullptr) out->key = *key;
  if (const Value* value = map.Find("value"); value != nullptr) {
    out->value = *value;
  }
  if (const Value* time = map.Find("time"); time != nullptr) {
    if (!time->is_int()) return fail("time must be an integer");
    out->time = time->int_value();
  }
  if (const Value* error = map.Find("error"); error != nullptr) {
    if (dialect == Dialect::kJson && !error->is_string()) {
      return fail("error must be a string");
    }
    out->error = error->is_string() ? std::string(error->string_view())
                                    : error->ToText();
    if (out->type != EventType::kFail && out->type != EventType::kInfo) {
      return fail("only fail and info events may carry an error");
    }
  }
  out->line = line;
  return absl::OkStatus();
}

absl::Status ParseMapLines(absl::string_view text, absl::string_view source,
                           Dialect dialect, HistoryBuilder* builder) {
  int64_t last_index = std::numeric_limits<int64_t>::min();
  return ForEachLine(text, [&](int number, absl::string_view line) {
    Value map;
    SyntaxError error;
    bool parsed =
        dialect == Dialect::kJson
            ? ParseJson(line, JsonReadOptions{64, number}, &map, &error)
            : ParseEdn(line, EdnReadOptions{64, number}, &map, &error);
    if (!parsed) return SyntaxErrorStatus(source, error);
    Event event;
    bool skip = false;
    EKV_RETURN_IF_ERROR(
        EventFromMap(map, dialect, number, source, &event, &skip));
    if (skip) return absl::OkStatus();
    if (dialect == Dialect::kJson) {
      if (const Value* index = map.Find("index"); index != nullptr) {
        if (!index->is_int() || index->int_value() <= last_index) {
          return LineError(source, number,
                           "index must be an integer that increases");
        }
        last_index = index->int_value();
      }
    }
    return builder->Add(std::move(event));
  });
}

size_t SkipSpaces(absl::string_view line, size_t pos) {
  while (pos < line.size() && (line[pos] == ' ' || line[pos] == '\t')) ++pos;
  return pos;
}

// The next whitespace-separated field of `line` from `*pos`.
absl::string_view NextField(absl::string_view line, size_t* pos) {
  *pos = SkipSpaces(line, *pos);
  size_t start = *pos;
  while (*pos < line.size() && line[*pos] != ' ' && line[*pos] != '\t') ++*pos;
  return line.substr(start, *pos - start);
}

absl::Status ParseJepsenLine(absl::string_view line, int number,
                             absl::string_view source, Event* out, bool* skip) {
  auto fail = [&](size_t column, absl::string_view why) {
    return InvalidRequestError(absl::StrCat(
        source, ":", number, ":", column + 1, ": ", why,
        " (expected `INFO  jepsen.util - PROCESS :TYPE :F VALUE`)"));
  };
  size_t marker = line.find("jepsen.util");
  if (marker == absl::string_view::npos ||
      line.substr(0, marker).find("INFO") == absl::string_view::npos) {
    return fail(0, "not a Jepsen log line");
  }
  size_t pos = SkipSpaces(line, marker + std::strlen("jepsen.util"));
  if (pos >= line.size() || line[pos] != '-') {
    return fail(pos, "expected '-' after jepsen.util");
  }
  ++pos;
  size_t field_start = SkipSpaces(line, pos);
  absl::string_view process = NextField(line, &pos);
  if (process == ":nemesis") {
    *skip = true;
    return absl::OkStatus();
  }
  int64_t process_id = 0;
  if (process.empty() || process.size() > 18 ||
      process.find_first_not_of("0123456789") != absl::string_view::npos) {
    return fail(field_start, "the process must be a non-negative integer");
  }
  for (char c : process) process_id = process_id * 10 + (c - '0');
  field_start = SkipSpaces(line, pos);
  absl::string_view type = NextField(line, &pos);
  if (type.size() < 2 || type[0] != ':' ||
      !ParseEventType(type.substr(1), &out->type)) {
    return fail(field_start, "the type must be :invoke, :ok, :fail or :info");
  }
  field_start = SkipSpaces(line, pos);
  absl::string_view f = NextField(line, &pos);
  if (f.size() < 2 || f[0] != ':') {
    return fail(field_start, "the function must be a keyword such as :read");
  }
  size_t value_start = SkipSpaces(line, pos);
  if (value_start >= line.size()) return fail(value_start, "missing value");
  SyntaxError error;
  if (!ParseEdn(line.substr(value_start), EdnReadOptions{64, number},
                &out->value, &error)) {
    error.column += static_cast<int>(value_start);
    return SyntaxErrorStatus(source, error);
  }
  out->process = process_id;
  out->f = std::string(f.substr(1));
  out->line = number;
  return absl::OkStatus();
}

absl::Status ParseJepsenLines(absl::string_view text, absl::string_view source,
                              HistoryBuilder* builder) {
  return ForEachLine(text, [&](int number, absl::string_view line) {
    Event event;
    bool skip = false;
    EKV_RETURN_IF_ERROR(ParseJepsenLine(line, number, source, &event, &skip));
    if (skip) return absl::OkStatus();
    return builder->Add(std::move(event));
  });
}

absl::StatusOr<HistoryFormat> DetectFormat(absl::string_view text,
                                           absl::string_view source) {
  HistoryFormat format = HistoryFormat::kAuto;
  int first = 0;
  absl::Status probe = ForEachLine(text, [&](int number, absl::string_view l) {
    first = number;
    size_t pos = SkipSpaces(l, 0);
    if (l[pos] == '{') {
      size_t next = SkipSpaces(l, pos + 1);
      if (next < l.size() && l[next] == ':') {
        format = HistoryFormat::kEdn;
      } else if (next < l.size() && (l[next] == '"' || l[next] == '}')) {
        format = HistoryFormat::kJson;
      }
    } else if (l.find("jepsen.util") != absl::string_view::npos) {
      format = HistoryFormat::kJepsen;
    }
    return InvalidRequestError("stop");  // only the first line is looked at
  });
  (void)probe;
  if (first == 0) return HistoryFormat::kJson;  // empty: any format will do
  if (format == HistoryFormat::kAuto) {
    return LineError(source, first,
                     "cannot tell the history format from this line; pass "
                     "--format json|edn|jepsen");
  }
  return format;
}

}  // namespace

bool ParseHistoryFormat(absl::string_view name, HistoryFormat* out) {
  for (HistoryFormat f : {HistoryFormat::kAuto, HistoryFormat::kJson,
                          HistoryFormat::kEdn, HistoryFormat::kJepsen}) {
    if (name == HistoryFormatName(f)) {
      *out = f;
      return true;
    }
  }
  return false;
}

absl::string_view HistoryFormatName(HistoryFormat format) {
  switch (format) {
    case HistoryFormat::kAuto:
      return "auto";
    case HistoryFormat::kJson:
      return "json";
    case HistoryFormat::kEdn:
      return "edn";
    case HistoryFormat::kJepsen:
      return "jepsen";
  }
  return "?";
}

absl::StatusOr<History> ParseHistory(absl::string_view text,
                                     absl::string_view source,
                                     HistoryFormat format) {
  if (format == HistoryFormat::kAuto) {
    EKV_ASSIGN_OR_RETURN(format, DetectFormat(text, source));
  }
  HistoryBuilder builder{std::string(source)};
  switch (format) {
    case HistoryFormat::kJson:
      EKV_RETURN_IF_ERROR(
          ParseMapLines(text, source, Dialect::kJson, &builder));
      break;
    case HistoryFormat::kEdn:
      EKV_RETURN_IF_ERROR(ParseMapLines(text, source, Dialect::kEdn, &builder));
      break;
    case HistoryFormat::kJepsen:
      EKV_RETURN_IF_ERROR(ParseJepsenLines(text, source, &builder));
      break;
    case HistoryFormat::kAuto:
      break;
  }
  return builder.Finish();
}

absl::Status ReadFileToString(const std::string& path, std::string* out) {
  std::FILE* file = std::fopen(path.c_str(), "rb");
  if (file == nullptr) {
    return IoError(
        absl::StrCat("cannot open ", path, ": ", std::strerror(errno)));
  }
  out->clear();
  char buffer[1 << 16];
  size_t n;
  while ((n = std::fread(buffer, 1, sizeof(buffer), file)) > 0) {
    out->append(buffer, n);
  }
  bool failed = std::ferror(file) != 0;
  int read_errno = errno;
  std::fclose(file);
  if (failed) {
    return IoError(
        absl::StrCat("cannot read ", path, ": ", std::strerror(read_errno)));
  }
  return absl::OkStatus();
}

absl::StatusOr<History> ReadHistoryFile(const std::string& path,
                                        HistoryFormat format) {
  std::string text;
  EKV_RETURN_IF_ERROR(ReadFileToString(path, &text));
  return ParseHistory(text, path, format);
}

std::string EventToJsonLine(const Event& event) {
  std::string out;
  JsonWriter w(&out);
  w.BeginObject();
  w.Key("process").Int(event.process);
  w.Key("type").String(EventTypeName(event.type));
  w.Key("f").String(event.f);
  if (event.key.has_value()) w.Key("key").Raw(*event.key);
  w.Key("value").Raw(event.value);
  if (event.time != kNoTime) w.Key("time").Int(event.time);
  if (!event.error.empty()) w.Key("error").String(event.error);
  w.EndObject();
  return out;
}

std::string HistoryToJsonLines(const History& history) {
  std::vector<std::pair<int64_t, Event>> events;
  events.reserve(history.ops.size() * 2);
  for (const Operation& op : history.ops) {
    Event invoke;
    invoke.process = op.process;
    invoke.type = EventType::kInvoke;
    invoke.f = op.f;
    invoke.key = op.key;
    invoke.value = op.value;
    if (history.has_time) invoke.time = op.invoke_time;
    events.emplace_back(op.invoke_event, std::move(invoke));
    if (!op.completed()) continue;
    Event done = events.back().second;
    done.type = op.type == OpType::kOk     ? EventType::kOk
                : op.type == OpType::kFail ? EventType::kFail
                                           : EventType::kInfo;
    done.value = op.result;
    done.error = op.error;
    if (history.has_time) done.time = op.complete_time;
    events.emplace_back(op.complete_event, std::move(done));
  }
  std::sort(events.begin(), events.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });
  std::string out;
  for (const auto& [position, event] : events) {
    out.append(EventToJsonLine(event));
    out.push_back('\n');
  }
  return out;
}

}  // namespace ekv::checkers
