// ClientLoop: the rhythm every workload client follows. Invoke an operation,
// wait for its completion, think a random while (env.random), invoke the
// next; stop after ops_max operations or once run_ns_max has passed since the
// loop was built (the client's boot; local monotonic time), whichever comes
// first (0: no bound): time a client spends before Start() counts too. Keeps
// the client's Jepsen process id: after an info completion the client
// continues as a new process (process += process_stride), because the old
// operation may still take effect.
#ifndef EKV_WORKLOADS_CLIENT_LOOP_H_
#define EKV_WORKLOADS_CLIENT_LOOP_H_

#include <cstdint>
#include <functional>

#include "engine/base/env.h"

namespace ekv::workloads {

struct ClientLoopOptions {
  int64_t think_ns_max = 20'000'000;
  int64_t ops_max = 0;
  int64_t run_ns_max = 0;
  int64_t process = 0;         // the first process id
  int64_t process_stride = 1;  // added after an info completion
};

class ClientLoop {
 public:
  ClientLoop(const Env& env, const ClientLoopOptions& options);
  ~ClientLoop();
  ClientLoop(const ClientLoop&) = delete;
  ClientLoop& operator=(const ClientLoop&) = delete;

  // Begins the loop; `invoke` runs for each operation, and the client calls
  // Completed() once that operation has completed.
  void Start(std::function<void()> invoke);
  // `info`: the operation completed info (indeterminate).
  void Completed(bool info);

  int64_t process() const { return process_; }
  int64_t ops_invoked() const { return ops_invoked_; }
  bool in_flight() const { return in_flight_; }

 private:
  void ScheduleNext();
  int64_t Now() const;

  Env env_;
  ClientLoopOptions options_;
  std::function<void()> invoke_;
  int64_t process_;
  int64_t started_ns_;
  int64_t ops_invoked_ = 0;
  bool in_flight_ = false;
  TimerId timer_ = kNoTimer;
};

}  // namespace ekv::workloads

#endif  // EKV_WORKLOADS_CLIENT_LOOP_H_
