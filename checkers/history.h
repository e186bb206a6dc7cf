// History: what the clients of a system did, as operations in real-time order.
//
// A history is a sequence of events. A client process *invokes* an operation,
// and later the operation *completes* with one of three types:
//   ok    it took effect, with the result given;
//   fail  it certainly did not take effect (but see the cas rule below);
//   info  indeterminate: it may or may not have taken effect, now or at any
//         later time (a timeout, a crash). A process that never completes its
//         last operation is treated as info.
// A process has at most one operation in flight. Events are in real-time
// order: an operation A precedes B when A's completion comes before B's
// invocation. Checkers only ever compare event positions; times are for
// display.
//
// ## The JSON-lines format (ekv's own; the simulator writes it)
//
// One JSON object per line (blank lines are skipped), one line per event:
//
//   {"process":0,"type":"invoke","f":"write","key":"x","value":3,"time":1000}
//   {"process":0,"type":"ok","f":"write","key":"x","value":3,"time":2500}
//   {"process":1,"type":"invoke","f":"read","key":"x","value":null}
//   {"process":1,"type":"ok","f":"read","key":"x","value":3}
//   {"process":2,"type":"invoke","f":"cas","key":"x","value":[3,4]}
//   {"process":2,"type":"fail","f":"cas","key":"x","value":[3,4]}
//   {"process":3,"type":"invoke","f":"txn","value":[["append","k",1],["r","k",null]]}
//   {"process":3,"type":"ok","f":"txn","value":[["append","k",1],["r","k",[1]]]}
//
// Fields (any other field is an error, so that typos do not pass silently):
//   process  integer, required: the client issuing the event.
//   type     "invoke", "ok", "fail" or "info", required.
//   f        string, required: the function (read, write, cas, get, put,
//            append, delete, txn, transfer, ...). A completion repeats its
//            invocation's f.
//   key      optional: the key the operation addresses (any JSON value but an
//            object). Linearizability is checked per key. A completion may
//            omit it; if present it must equal the invocation's.
//   value    optional (null when absent): on an invocation the arguments, on a
//            completion the result. Reads invoke with null and complete with
//            the value read; a transaction completes with its micro-operations
//            with the reads filled in.
//   time     optional integer (for example virtual nanoseconds): never
//            decreases from one line to the next. Either every line has it or
//            none does. Shown in the HTML view; ordering comes from the line
//            order.
//   index    optional integer, strictly increasing; ignored otherwise.
//   error    optional string on a fail or info completion: why.
// Values are JSON null, true/false, integers (int64; no fractions), strings,
// arrays, and objects (the checkers accept objects only where a model says).
//
// Per model:
//   register      f read (value: result) or write (value: the new value).
//   cas-register  read, write, cas with value [expected, new]. A cas that
//                 completes fail *without* an error field means "the register
//                 did not hold `expected`" and is checked as such (that is how
//                 Jepsen's clients report a mismatch); a cas that fails with an
//                 error field (not leader, rejected) did not take effect.
//   kv            get, put, append (string concatenation), delete; key
//   required. list-append   txn; micro-ops ["append", k, v] and ["r", k, [v...]
//   or null];
//                 every appended value is unique per key.
//   rw-register   txn; micro-ops ["w", k, v] and ["r", k, v or null]; every
//                 written value is unique per key.
//
// The same history can be read from Jepsen logs and EDN (history_io.h). This
// header is the contract between writers (workloads) and the checkers.
#ifndef EKV_CHECKERS_HISTORY_H_
#define EKV_CHECKERS_HISTORY_H_

#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "checkers/value.h"

namespace ekv::checkers {

enum class EventType : uint8_t { kInvoke, kOk, kFail, kInfo };
enum class OpType : uint8_t { kOk, kFail, kInfo };

absl::string_view EventTypeName(EventType type);  // "invoke", "ok", ...
absl::string_view OpTypeName(OpType type);        // "ok", "fail", "info"
bool ParseEventType(absl::string_view name, EventType* out);

inline constexpr int64_t kNoTime = std::numeric_limits<int64_t>::min();

struct Event {
  int64_t process = 0;
  EventType type = EventType::kInvoke;
  std::string f;
  std::optional<Value> key;
  Value value;
  std::string error;       // fail and info only; empty when none given
  int64_t time = kNoTime;  // kNoTime when the source gives none
  int line = 0;            // source line; 0 when built in memory
};

// One operation: an invocation and its completion.
struct Operation {
  // An op's completion position when it has none (never completed).
  static constexpr int64_t kNever = std::numeric_limits<int64_t>::max();

  int32_t index = 0;  // position in History::ops (ops are in invoke order)
  int64_t process = 0;
  OpType type = OpType::kInfo;
  std::string f;
  std::optional<Value> key;
  Value value;   // the invocation's value: the arguments
  Value result;  // the completion's value: the result (nil if none)
  std::string error;
  int64_t invoke_event = 0;         // position of the invocation among events
  int64_t complete_event = kNever;  // position of the completion, or kNever
  int64_t invoke_time = 0;          // the `time` field, or the event position
  int64_t complete_time = 0;        // likewise; the last event's when kNever
  int invoke_line = 0;
  int complete_line = 0;

  bool completed() const { return complete_event != kNever; }
  // True when this op certainly finished before `other` started.
  bool Precedes(const Operation& other) const {
    return type != OpType::kInfo && complete_event < other.invoke_event;
  }
  // "line 12" or "op 7" (when built in memory), for messages.
  std::string Where() const;
  // A short description: "write(x, 3) -> ok", "read(x) -> 3", ...
  std::string Describe() const;
};

struct History {
  std::string source;          // the file name or a label, for messages
  std::vector<Operation> ops;  // in invocation order
  int64_t event_count = 0;
  bool has_time = false;  // the events carried `time` fields
};

// Pairs events into operations, checking the rules above. Used by every
// reader, and directly by in-process recorders (the simulator's workloads).
class HistoryBuilder {
 public:
  explicit HistoryBuilder(std::string source) { history_.source = source; }

  // Adds one event, in real-time order. Errors name the source and line.
  absl::Status Add(Event event);

  // Ends the history: operations still in flight become info operations that
  // never completed. The builder must not be used afterwards.
  History Finish();

 private:
  absl::Status Fail(const Event& event, absl::string_view why) const;

  History history_;
  std::vector<std::pair<int64_t, int32_t>> pending_;  // (process, op), sorted
  bool time_seen_ = false;
  int64_t last_time_ = kNoTime;
};

}  // namespace ekv::checkers

#endif  // EKV_CHECKERS_HISTORY_H_
