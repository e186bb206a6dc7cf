#include "checkers/history.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "engine/base/status.h"

namespace ekv::checkers {

absl::string_view EventTypeName(EventType type) {
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
  return "?";
}

absl::string_view OpTypeName(OpType type) {
  switch (type) {
    case OpType::kOk:
      return "ok";
    case OpType::kFail:
      return "fail";
    case OpType::kInfo:
      return "info";
  }
  return "?";
}

bool ParseEventType(absl::string_view name, EventType* out) {
  for (EventType t : {EventType::kInvoke, EventType::kOk, EventType::kFail,
                      EventType::kInfo}) {
    if (name == EventTypeName(t)) {
      *out = t;
      return true;
    }
  }
  return false;
}

std::string Operation::Where() const {
  if (invoke_line > 0) return absl::StrCat("line ", invoke_line);
  return absl::StrCat("op ", index);
}

std::string Operation::Describe() const {
  std::string out = absl::StrCat(f, "(");
  if (key.has_value()) absl::StrAppend(&out, key->ToText());
  if (!value.is_nil()) {
    if (key.has_value()) out.append(", ");
    absl::StrAppend(&out, value.ToText());
  }
  out.append(")");
  switch (type) {
    case OpType::kOk:
      if (result != value) {
        absl::StrAppend(&out, " -> ", result.ToText());
      } else {
        out.append(" ok");
      }
      break;
    case OpType::kFail:
      out.append(" fail");
      break;
    case OpType::kInfo:
      out.append(completed() ? " info" : " never completed");
      break;
  }
  if (!error.empty()) absl::StrAppend(&out, " (", error, ")");
  return out;
}

absl::Status HistoryBuilder::Fail(const Event& event,
                                  absl::string_view why) const {
  if (event.line > 0) {
    return InvalidRequestError(
        absl::StrCat(history_.source, ":", event.line, ": ", why));
  }
  return InvalidRequestError(absl::StrCat(history_.source, ": event ",
                                          history_.event_count, ": ", why));
}

absl::Status HistoryBuilder::Add(Event event) {
  if (event.f.empty()) return Fail(event, "the function f is empty");
  bool has_time = event.time != kNoTime;
  if (history_.event_count > 0 && has_time != time_seen_) {
    return Fail(event, "either every event has a time or none does");
  }
  if (has_time && event.time < last_time_) {
    return Fail(event,
                absl::StrCat("time ", event.time,
                             " is before the previous event's ", last_time_));
  }
  time_seen_ = has_time;
  last_time_ = event.time;
  history_.has_time = has_time;
  const int64_t position = history_.event_count;
  const int64_t time = has_time ? event.time : position;
  auto pending = std::lower_bound(
      pending_.begin(), pending_.end(), std::make_pair(event.process, 0),
      [](const auto& a, const auto& b) { return a.first < b.first; });
  bool in_flight = pending != pending_.end() && pending->first == event.process;

  if (event.type == EventType::kInvoke) {
    if (in_flight) {
      const Operation& open = history_.ops[pending->second];
      return Fail(event, absl::StrCat("process ", event.process,
                                      " invokes while its operation from ",
                                      open.Where(), " is still in flight"));
    }
    Operation op;
    op.index = static_cast<int32_t>(history_.ops.size());
    op.process = event.process;
    op.f = std::move(event.f);
    op.key = std::move(event.key);
    op.value = std::move(event.value);
    op.invoke_event = position;
    op.invoke_time = time;
    op.invoke_line = event.line;
    pending_.insert(pending, {event.process, op.index});
    history_.ops.push_back(std::move(op));
    ++history_.event_count;
    return absl::OkStatus();
  }

  if (!in_flight) {
    return Fail(event, absl::StrCat("process ", event.process, " completes ",
                                    event.f, " without invoking it"));
  }
  Operation& op = history_.ops[pending->second];
  if (event.f != op.f) {
    return Fail(event, absl::StrCat("completion f ", event.f,
                                    " differs from the invocation's ", op.f,
                                    " (", op.Where(), ")"));
  }
  if (event.key.has_value() && op.key.has_value() && *event.key != *op.key) {
    return Fail(event, absl::StrCat("completion key ", event.key->ToText(),
                                    " differs from the invocation's ",
                                    op.key->ToText()));
  }
  if (event.key.has_value() && !op.key.has_value()) {
    return Fail(event, "completion has a key but its invocation has none");
  }
  if (!event.error.empty() && event.type == EventType::kOk) {
    return Fail(event, "an ok completion has an error");
  }
  op.type = event.type == EventType::kOk     ? OpType::kOk
            : event.type == EventType::kFail ? OpType::kFail
                                             : OpType::kInfo;
  op.result = std::move(event.value);
  op.error = std::move(event.error);
  op.complete_event = position;
  op.complete_time = time;
  op.complete_line = event.line;
  pending_.erase(pending);
  ++history_.event_count;
  return absl::OkStatus();
}

History HistoryBuilder::Finish() {
  const int64_t end_time =
      history_.has_time ? last_time_ : history_.event_count;
  for (const auto& [process, index] : pending_) {
    Operation& op = history_.ops[index];
    op.type = OpType::kInfo;
    op.complete_time = end_time;
  }
  pending_.clear();
  return std::move(history_);
}

}  // namespace ekv::checkers
