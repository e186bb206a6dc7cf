// The trace of a simulated run: every event is folded into a running XXH64
// (the trace hash, DESIGN.md rule 4) and, when a log is attached, written as
// one readable line.
//
// Two runs of one seed on one binary must fold the same records in the same
// order; a difference in the hash is a determinism bug (or a code change). The
// records hold only values that are themselves deterministic: virtual times,
// endpoint ids, sequence numbers, sizes and hashes of payloads, never pointer
// values or wall-clock readings.
//
// Not thread-safe: one World owns one Trace.
#ifndef EKV_SIM_TRACE_H_
#define EKV_SIM_TRACE_H_

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <string>

#include "absl/strings/string_view.h"
// The state struct is only complete with static linking declarations.
#ifndef XXH_STATIC_LINKING_ONLY
#define XXH_STATIC_LINKING_ONLY
#endif
#include "xxhash.h"

namespace ekv::sim {

// What a trace record is about. The numeric values are part of the hash: add
// new kinds at the end.
enum class TraceKind : uint32_t {
  kSend = 1,        // a = from, b = to, c = message id
  kDeliver = 2,     // a = from, b = to, c = message id
  kDrop = 3,        // a = from, b = to, c = DropReason
  kTimer = 4,       // a = endpoint, b = timer id
  kCallback = 5,    // b = callback id
  kBoot = 6,        // a = endpoint, b = boot number
  kCrash = 7,       // a = endpoint, b = boot number
  kPause = 8,       // a = endpoint, b = until
  kResume = 9,      // a = endpoint
  kDisk = 10,       // a = endpoint, b = DiskOp, c = size or offset
  kFault = 11,      // a = fault kind, b, c: its arguments
  kDefer = 12,      // a = endpoint, b = event kind
  kNote = 13,       // folded bytes of a note
  kDuplicate = 14,  // a = from, b = to, c = message id
  kBuggify = 15,    // a = hash of the site name
};

class Trace {
 public:
  Trace();
  Trace(const Trace&) = delete;
  Trace& operator=(const Trace&) = delete;

  // Folds one fixed-size record. The hot path: no allocation.
  void Fold(TraceKind kind, int64_t time_ns, uint64_t a = 0, uint64_t b = 0,
            uint64_t c = 0);

  // Folds arbitrary bytes (a payload, a note), as one more record.
  void FoldBytes(absl::string_view bytes);

  // The hash of everything folded so far; does not change the state.
  uint64_t hash() const;
  uint64_t records() const { return records_; }

  // Readable log. Callers test logging() before formatting a line, so a run
  // without a log pays nothing for the text. The file is not owned.
  void set_log(std::FILE* log) { log_ = log; }
  bool logging() const { return log_ != nullptr; }
  void Log(int64_t time_ns, absl::string_view line);

 private:
  void Flush();

  // Records wait in buffer_ and reach the XXH64 state a kilobyte at a time;
  // streaming XXH64 gives the same hash however its input is split.
  XXH64_state_t state_;
  uint64_t buffer_[128];
  size_t buffered_ = 0;  // words used in buffer_
  uint64_t records_ = 0;
  std::FILE* log_ = nullptr;
};

// "0123456789abcdef": a hash as 16 lower-case hex digits.
std::string HashHex(uint64_t hash);

// "12.345678901s": a virtual time, readable and exact.
std::string FormatTimeNs(int64_t time_ns);

}  // namespace ekv::sim

#endif  // EKV_SIM_TRACE_H_
