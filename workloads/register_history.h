// The history of a register workload: invocations and completions of reads,
// writes and compare-and-sets on integer registers, in real-time order (the
// order Add is called in; the simulator runs one event at a time).
//
// ToJsonLines writes the checkers' JSON-lines format (checkers/history.h):
//   {"process":0,"type":"invoke","f":"cas","key":"r1","value":[3,4]}
// with null for an absent register ("cas from nil": expected null).
#ifndef EKV_WORKLOADS_REGISTER_HISTORY_H_
#define EKV_WORKLOADS_REGISTER_HISTORY_H_

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace ekv::workloads {

enum class EventType : uint8_t { kInvoke, kOk, kFail, kInfo };
enum class RegisterF : uint8_t { kRead, kWrite, kCas };

const char* EventTypeName(EventType type);
const char* RegisterFName(RegisterF f);

struct RegisterEvent {
  int64_t process = 0;
  EventType type = EventType::kInvoke;
  RegisterF f = RegisterF::kRead;
  std::string key;
  // read: the value read (completion only); write: the value written;
  // cas: the new value. nullopt: absent / unknown.
  std::optional<int64_t> value;
  std::optional<int64_t> expected;  // cas only; nullopt: expects absent
  std::string error;                // fail / info only
  int64_t time_ns = 0;
  // The commit timestamp of a completed write or cas (0 otherwise); not part
  // of the checkers' format, kept for the HLC checks.
  uint64_t commit_ts = 0;
};

class RegisterHistory {
 public:
  // `now_ns` stamps events (the simulator's true time); may be empty.
  explicit RegisterHistory(std::function<int64_t()> now_ns = nullptr)
      : now_ns_(std::move(now_ns)) {}

  void Add(RegisterEvent event);
  const std::vector<RegisterEvent>& events() const { return events_; }
  std::string ToJsonLines() const;

 private:
  std::function<int64_t()> now_ns_;
  std::vector<RegisterEvent> events_;
};

}  // namespace ekv::workloads

#endif  // EKV_WORKLOADS_REGISTER_HISTORY_H_
