#include "engine/raft/inflights.h"

#include "engine/base/check.h"

namespace ekv::raft {

Inflights::Inflights(int max_count, uint64_t max_bytes)
    : ring_(static_cast<size_t>(max_count)), max_bytes_(max_bytes) {
  EKV_CHECK_GT(max_count, 0);
}

void Inflights::Add(uint64_t index, uint64_t bytes) {
  EKV_CHECK(!Full()) << "inflights window overflow";
  const int size = static_cast<int>(ring_.size());
  if (count_ > 0) {
    const int last = (start_ + count_ - 1) % size;
    EKV_CHECK_GT(index, ring_[last].index) << "inflight indexes must increase";
  }
  ring_[(start_ + count_) % size] = Slot{index, bytes};
  ++count_;
  bytes_ += bytes;
}

void Inflights::FreeLE(uint64_t index) {
  const int size = static_cast<int>(ring_.size());
  while (count_ > 0 && ring_[start_].index <= index) {
    bytes_ -= ring_[start_].bytes;
    start_ = (start_ + 1) % size;
    --count_;
  }
  if (count_ == 0) start_ = 0;
}

void Inflights::FreeFirstOne() {
  if (count_ == 0) return;
  FreeLE(ring_[start_].index);
}

void Inflights::Reset() {
  start_ = 0;
  count_ = 0;
  bytes_ = 0;
}

}  // namespace ekv::raft
