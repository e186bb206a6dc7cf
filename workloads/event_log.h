// EventLog: the history a workload's clients record, as the checkers' events
// (checkers/history.h) in real-time order (the order Add is called in; the
// simulator runs one event at a time), stamped with the run's true time.
// Beside each event it keeps the commit timestamp of an acknowledged write,
// which is not part of the checkers' format but feeds the HLC checks.
#ifndef EKV_WORKLOADS_EVENT_LOG_H_
#define EKV_WORKLOADS_EVENT_LOG_H_

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "checkers/history.h"
#include "workloads/workload.h"

namespace ekv::workloads {

class EventLog {
 public:
  // `now_ns` stamps events; may be empty (then no event has a time).
  explicit EventLog(std::function<int64_t()> now_ns)
      : now_ns_(std::move(now_ns)) {}

  // `commit_ts`: of an ok completion that committed a write; 0 otherwise.
  void Add(checkers::Event event, uint64_t commit_ts = 0);

  const std::vector<checkers::Event>& events() const { return events_; }
  uint64_t commit_ts(size_t i) const { return commit_ts_[i]; }

  // ekv's JSON lines, one event per line.
  std::string ToJsonLines() const;
  // The events paired into operations; `source` names the history.
  absl::StatusOr<checkers::History> ToHistory(absl::string_view source) const;
  HistoryCounts Counts(int64_t after_ns) const;

 private:
  std::function<int64_t()> now_ns_;
  std::vector<checkers::Event> events_;
  std::vector<uint64_t> commit_ts_;
};

}  // namespace ekv::workloads

#endif  // EKV_WORKLOADS_EVENT_LOG_H_
