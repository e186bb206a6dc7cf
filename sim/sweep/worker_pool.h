// WorkerPool: runs many small tasks in a few long-lived child processes.
//
// Each worker is a child process started from `worker_argv` that reads one task
// per line on stdin and writes exactly one result line per task on stdout, in
// order. The pool keeps up to `jobs` workers busy, one task each, and reports
// every task exactly once: with the worker's line, or as crashed (the worker
// died: an assertion, a signal) or timed out (killed after `task_timeout_ms`),
// with the tail of its stderr. A dead worker is replaced, so one bad seed never
// stops a sweep.
//
// This is the sweep's real-world driver, outside every simulated run: it uses
// processes, pipes and the real clock. Not thread-safe; Run() blocks until
// every task is reported.
#ifndef EKV_SIM_SWEEP_WORKER_POOL_H_
#define EKV_SIM_SWEEP_WORKER_POOL_H_

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "absl/status/status.h"

namespace ekv::sweep {

struct WorkerPoolOptions {
  std::vector<std::string> worker_argv;    // argv[0] is the program's path
  int jobs = 1;                            // workers at once, >= 1
  int64_t task_timeout_ms = 600'000;       // a task running longer is killed
  size_t stderr_tail_bytes_max = 4096;     // kept per worker for crash reports
  size_t result_line_bytes_max = 1 << 20;  // a longer line counts as a crash
};

struct TaskOutcome {
  enum class Kind { kDone, kCrashed, kTimedOut };
  Kind kind = Kind::kDone;
  std::string line;         // the result line, without its newline (kDone only)
  std::string how;          // for kCrashed: "signal 6 (Aborted)", "exit 1", ...
  std::string stderr_tail;  // the last bytes the worker wrote to stderr
};

class WorkerPool {
 public:
  explicit WorkerPool(WorkerPoolOptions options);

  // Runs every task (one line each, no newline inside) and calls
  // `on_outcome(index, outcome)` once per task as it completes, in completion
  // order. A task for which `should_start(index)` (when given) answers false
  // when its turn comes is skipped and not reported: a sweep that stops at its
  // first failure uses it. Returns an error only when workers cannot be
  // started at all.
  absl::Status Run(
      const std::vector<std::string>& tasks,
      const std::function<void(size_t, const TaskOutcome&)>& on_outcome,
      const std::function<bool(size_t)>& should_start = nullptr);

 private:
  WorkerPoolOptions options_;
};

}  // namespace ekv::sweep

#endif  // EKV_SIM_SWEEP_WORKER_POOL_H_
