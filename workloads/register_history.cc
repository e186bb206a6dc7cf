#include "workloads/register_history.h"

#include "absl/strings/str_cat.h"

namespace ekv::workloads {
namespace {

std::string JsonValue(const std::optional<int64_t>& value) {
  return value.has_value() ? absl::StrCat(*value) : "null";
}

std::string JsonString(absl::string_view text) {
  std::string out = "\"";
  for (char c : text) {
    if (c == '"' || c == '\\') {
      out.push_back('\\');
      out.push_back(c);
    } else if (static_cast<unsigned char>(c) < 0x20) {
      absl::StrAppend(&out, "\\u00", c < 0x10 ? "0" : "",
                      absl::Hex(static_cast<unsigned char>(c)));
    } else {
      out.push_back(c);
    }
  }
  out.push_back('"');
  return out;
}

}  // namespace

const char* EventTypeName(EventType type) {
  switch (type) {
    case EventType::kInvoke:
      return "invoke";
    case EventType::kOk:
      return "ok";
    case EventType::kFail:
      return "fail";
    case EventType::kInfo:
      return "info";
  }
  return "info";
}

const char* RegisterFName(RegisterF f) {
  switch (f) {
    case RegisterF::kRead:
      return "read";
    case RegisterF::kWrite:
      return "write";
    case RegisterF::kCas:
      return "cas";
  }
  return "read";
}

void RegisterHistory::Add(RegisterEvent event) {
  if (now_ns_) event.time_ns = now_ns_();
  events_.push_back(std::move(event));
}

std::string RegisterHistory::ToJsonLines() const {
  std::string out;
  for (const RegisterEvent& e : events_) {
    std::string value;
    if (e.f == RegisterF::kCas) {
      value = absl::StrCat("[", JsonValue(e.expected), ",", JsonValue(e.value),
                           "]");
    } else if (e.f == RegisterF::kRead && e.type == EventType::kInvoke) {
      value = "null";
    } else {
      value = JsonValue(e.value);
    }
    absl::StrAppend(&out, "{\"process\":", e.process, ",\"type\":\"",
                    EventTypeName(e.type), "\",\"f\":\"", RegisterFName(e.f),
                    "\",\"key\":", JsonString(e.key), ",\"value\":", value);
    if (!e.error.empty())
      absl::StrAppend(&out, ",\"error\":", JsonString(e.error));
    absl::StrAppend(&out, ",\"time\":", e.time_ns, "}\n");
  }
  return out;
}

}  // namespace ekv::workloads
