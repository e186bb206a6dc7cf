#include "workloads/client_loop.h"

#include <utility>

#include "engine/base/check.h"

namespace ekv::workloads {

ClientLoop::ClientLoop(const Env& env, const ClientLoopOptions& options)
    : env_(env),
      options_(options),
      process_(options.process),
      started_ns_(env.clock->MonotonicNanos()) {
  EKV_CHECK(options_.think_ns_max >= 0 && options_.process_stride >= 1);
}

ClientLoop::~ClientLoop() {
  if (timer_ != kNoTimer) env_.timers->CancelTimer(timer_);
}

int64_t ClientLoop::Now() const { return env_.clock->MonotonicNanos(); }

void ClientLoop::Start(std::function<void()> invoke) {
  EKV_CHECK(invoke);
  invoke_ = std::move(invoke);
  ScheduleNext();
}

void ClientLoop::Completed(bool info) {
  EKV_CHECK(in_flight_) << "a completion without an invocation";
  in_flight_ = false;
  if (info) process_ += options_.process_stride;
  ScheduleNext();
}

void ClientLoop::ScheduleNext() {
  if (options_.ops_max > 0 && ops_invoked_ >= options_.ops_max) return;
  const int64_t think = env_.random->UniformRange(0, options_.think_ns_max);
  timer_ = env_.timers->StartTimer(think, [this] {
    timer_ = kNoTimer;
    if (options_.run_ns_max > 0 && Now() - started_ns_ >= options_.run_ns_max) {
      return;
    }
    ++ops_invoked_;
    in_flight_ = true;
    invoke_();
  });
}

}  // namespace ekv::workloads
