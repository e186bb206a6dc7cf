#include "sim/scheduler.h"

#include <utility>

#include "engine/base/check.h"

namespace ekv::sim {
namespace {

// (time, seq) as one 128-bit number: one compare without branches, where two
// fields compared in turn mispredict about every other time. Times are never
// negative (they start at 0 and never go back), so the cast keeps their order.
inline unsigned __int128 Key(const Event& e) {
  return (static_cast<unsigned __int128>(static_cast<uint64_t>(e.time_ns))
          << 64) |
         e.seq;
}

inline bool Before(const Event& a, const Event& b) { return Key(a) < Key(b); }

}  // namespace

Scheduler::Scheduler(uint64_t pending_max) : pending_max_(pending_max) {
  heap_.reserve(1024);
}

uint64_t Scheduler::Schedule(int64_t time_ns, uint32_t kind, uint32_t endpoint,
                             uint64_t arg) {
  EKV_CHECK_GE(time_ns, now_ns_) << "an event may not be scheduled in the past";
  EKV_CHECK_LT(heap_.size(), pending_max_) << "event queue runaway";
  const uint64_t seq = next_seq_++;
  heap_.push_back(Event{time_ns, seq, kind, endpoint, arg});
  SiftUp(heap_.size() - 1);
  return seq;
}

Event Scheduler::Pop() {
  EKV_CHECK(!heap_.empty());
  const Event next = heap_.front();
  const Event last = heap_.back();
  heap_.pop_back();
  if (!heap_.empty()) {
    // Floyd's pop: the hole at the root goes down along the earlier child to
    // a leaf (one comparison per level), and the last event, which belongs
    // near the bottom, rises from there. The order events come out in is the
    // same as with a plain sift-down: (time, seq) is a total order.
    const size_t size = heap_.size();
    size_t hole = 0;
    for (size_t child = 1; child < size; child = 2 * hole + 1) {
      if (child + 1 < size && Before(heap_[child + 1], heap_[child])) ++child;
      heap_[hole] = heap_[child];
      hole = child;
    }
    heap_[hole] = last;
    SiftUp(hole);
  }
  EKV_CHECK_GE(next.time_ns, now_ns_);
  now_ns_ = next.time_ns;
  return next;
}

void Scheduler::AdvanceTo(int64_t time_ns) {
  EKV_CHECK(heap_.empty() || time_ns <= heap_.front().time_ns);
  if (time_ns > now_ns_) now_ns_ = time_ns;
}

void Scheduler::SiftUp(size_t index) {
  const Event moving = heap_[index];
  while (index > 0) {
    const size_t parent = (index - 1) / 2;
    if (!Before(moving, heap_[parent])) break;
    heap_[index] = heap_[parent];
    index = parent;
  }
  heap_[index] = moving;
}

}  // namespace ekv::sim
