#include "workloads/event_log.h"

#include <utility>

#include "checkers/history_io.h"

namespace ekv::workloads {

void EventLog::Add(checkers::Event event, uint64_t commit_ts) {
  if (now_ns_) event.time = now_ns_();
  events_.push_back(std::move(event));
  commit_ts_.push_back(commit_ts);
}

std::string EventLog::ToJsonLines() const {
  std::string out;
  for (const checkers::Event& event : events_) {
    out.append(checkers::EventToJsonLine(event));
    out.push_back('\n');
  }
  return out;
}

absl::StatusOr<checkers::History> EventLog::ToHistory(
    absl::string_view source) const {
  checkers::HistoryBuilder builder{std::string(source)};
  for (const checkers::Event& event : events_) {
    if (absl::Status s = builder.Add(event); !s.ok()) return s;
  }
  return builder.Finish();
}

HistoryCounts EventLog::Counts(int64_t after_ns) const {
  HistoryCounts counts;
  for (const checkers::Event& e : events_) {
    switch (e.type) {
      case checkers::EventType::kInvoke:
        break;
      case checkers::EventType::kOk:
        ++counts.ok;
        if (e.time >= after_ns) ++counts.ok_after;
        break;
      case checkers::EventType::kFail:
        ++counts.fail;
        break;
      case checkers::EventType::kInfo:
        ++counts.info;
        break;
    }
  }
  return counts;
}

}  // namespace ekv::workloads
