// Inflights: the MSG_APPs a leader has sent to one follower and not yet seen
// acknowledged — a bounded window (count and bytes) that throttles
// replication to what the follower and network can absorb.
//
// Each entry is (last index of the message, bytes of its entries); acks free
// every message up to an index. A ring buffer of fixed capacity, allocated
// once.
#ifndef EKV_ENGINE_RAFT_INFLIGHTS_H_
#define EKV_ENGINE_RAFT_INFLIGHTS_H_

#include <cstdint>
#include <vector>

namespace ekv::raft {

class Inflights {
 public:
  Inflights(int max_count, uint64_t max_bytes);

  // Records a message whose last entry is `index`; indexes must increase.
  void Add(uint64_t index, uint64_t bytes);
  // Frees the messages whose last index is <= `index`.
  void FreeLE(uint64_t index);
  // Frees the oldest message.
  void FreeFirstOne();
  void Reset();

  bool Full() const {
    return count_ == static_cast<int>(ring_.size()) || bytes_ >= max_bytes_;
  }
  int count() const { return count_; }
  uint64_t bytes() const { return bytes_; }

 private:
  struct Slot {
    uint64_t index = 0;
    uint64_t bytes = 0;
  };
  std::vector<Slot> ring_;
  int start_ = 0;
  int count_ = 0;
  uint64_t bytes_ = 0;
  const uint64_t max_bytes_;
};

}  // namespace ekv::raft

#endif  // EKV_ENGINE_RAFT_INFLIGHTS_H_
