// The simulator's event queue: one event at a time, in order of (virtual time
// in nanoseconds, sequence number) (DESIGN.md rule 3).
//
// An event is a small plain record (kind, endpoint, argument); the owner of the
// queue (the World) decides what a kind means, so scheduling allocates nothing
// beyond the amortised growth of one vector. Sequence numbers are given in
// scheduling order, so events at the same time run in the order they were
// scheduled, and no pointer value ever decides an order.
//
// Bounded: at most `pending_max` events may wait at once; more is a runaway
// (a timer storm, an unbounded queue) and fails a check.
#ifndef EKV_SIM_SCHEDULER_H_
#define EKV_SIM_SCHEDULER_H_

#include <cstddef>
#include <cstdint>
#include <vector>

namespace ekv::sim {

struct Event {
  int64_t time_ns = 0;
  uint64_t seq = 0;
  uint32_t kind = 0;
  uint32_t endpoint = 0;
  uint64_t arg = 0;
};

class Scheduler {
 public:
  explicit Scheduler(uint64_t pending_max = 1 << 24);

  // Virtual time of the event being run (or of the last one run).
  int64_t now_ns() const { return now_ns_; }

  // Queues an event at `time_ns` (>= now). Returns its sequence number.
  uint64_t Schedule(int64_t time_ns, uint32_t kind, uint32_t endpoint,
                    uint64_t arg);

  bool empty() const { return heap_.empty(); }
  uint64_t pending() const { return heap_.size(); }
  // Time of the next event; only when not empty.
  int64_t next_time_ns() const { return heap_.front().time_ns; }

  // Removes the next event and advances now to its time. Not when empty.
  Event Pop();

  // Moves now forward to `time_ns`, which must not pass the next event.
  void AdvanceTo(int64_t time_ns);

  // Drops every queued event (the end of a run).
  void Clear() { heap_.clear(); }

 private:
  void SiftUp(size_t index);

  int64_t now_ns_ = 0;
  uint64_t next_seq_ = 1;
  uint64_t pending_max_;
  std::vector<Event> heap_;  // a binary min-heap on (time_ns, seq)
};

// A node's local time: the virtual time, or later while the node is still
// busy with a slow disk operation it started (its time runs ahead).
struct LocalTime {
  const Scheduler* scheduler = nullptr;
  const int64_t* busy_until_ns = nullptr;
  int64_t now_ns() const {
    const int64_t now = scheduler->now_ns();
    return *busy_until_ns > now ? *busy_until_ns : now;
  }
};

}  // namespace ekv::sim

#endif  // EKV_SIM_SCHEDULER_H_
