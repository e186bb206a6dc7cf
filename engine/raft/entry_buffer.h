// EntryBuffer: a run of log entries, contiguous in memory (so a range of it
// is an absl::Span), that recycles its entries instead of destroying them.
//
// Live entries are slots [head, tail) of one vector. Slots past the tail are
// spares: entries used before, whose data strings keep their buffers, handed
// out again by PushSlot so that appending usually allocates nothing. Popping
// from the front only moves `head`; when the dead front reaches half of the
// live range, the live entries are rotated to the front (swaps, no copies),
// and the dead ones become spares. At most kSpareSlotsMax spares are kept.
#ifndef EKV_ENGINE_RAFT_ENTRY_BUFFER_H_
#define EKV_ENGINE_RAFT_ENTRY_BUFFER_H_

#include <algorithm>
#include <cstddef>
#include <vector>

#include "absl/types/span.h"
#include "engine/base/check.h"
#include "engine/proto/raft.pb.h"

namespace ekv::raft {

class EntryBuffer {
 public:
  static constexpr size_t kSpareSlotsMax = 4096;

  size_t size() const { return tail_ - head_; }
  bool empty() const { return tail_ == head_; }
  const raftpb::Entry& operator[](size_t i) const { return slots_[head_ + i]; }
  raftpb::Entry& operator[](size_t i) { return slots_[head_ + i]; }
  const raftpb::Entry& back() const { return slots_[tail_ - 1]; }

  // Live entries [from, from + count).
  absl::Span<const raftpb::Entry> Span(size_t from, size_t count) const {
    EKV_CHECK_LE(from + count, size());
    return absl::MakeConstSpan(slots_.data() + head_ + from, count);
  }

  // A new live entry at the back, to be filled in completely by the caller
  // (it may hold an old entry's fields).
  raftpb::Entry& PushSlot() {
    if (tail_ == slots_.size()) slots_.emplace_back();
    return slots_[tail_++];
  }

  // Keeps the first `count` live entries; the rest become spares.
  void Truncate(size_t count) {
    EKV_CHECK_LE(count, size());
    tail_ = head_ + count;
    TrimSpares();
  }

  // Drops the first `count` live entries.
  void PopFront(size_t count) {
    EKV_CHECK_LE(count, size());
    head_ += count;
    if (head_ == tail_) {
      head_ = tail_ = 0;
    } else if (head_ >= kCompactAfterDeadSlots && head_ * 2 >= tail_) {
      std::rotate(slots_.begin(), slots_.begin() + static_cast<long>(head_),
                  slots_.begin() + static_cast<long>(tail_));
      tail_ -= head_;
      head_ = 0;
    }
    TrimSpares();
  }

  void Clear() {
    head_ = tail_ = 0;
    TrimSpares();
  }

 private:
  static constexpr size_t kCompactAfterDeadSlots = 64;

  void TrimSpares() {
    if (slots_.size() > tail_ + kSpareSlotsMax) {
      slots_.resize(tail_ + kSpareSlotsMax);
    }
  }

  std::vector<raftpb::Entry> slots_;
  size_t head_ = 0;
  size_t tail_ = 0;
};

}  // namespace ekv::raft

#endif  // EKV_ENGINE_RAFT_ENTRY_BUFFER_H_
