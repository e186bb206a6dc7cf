// In-flight read and transaction timestamps that compaction must not pass.
//
// A reader pins its timestamp for as long as it reads; the compactor never
// proposes a compaction point above Oldest(). A Token releases its pin when
// released or destroyed, exactly once; it must not outlive the tracker.
// Single-threaded (the node's event loop).
#ifndef EKV_ENGINE_KV_ACTIVE_TIMESTAMP_TRACKER_H_
#define EKV_ENGINE_KV_ACTIVE_TIMESTAMP_TRACKER_H_

#include <cstddef>
#include <cstdint>
#include <map>
#include <utility>

namespace ekv::kv {

class ActiveTimestampTracker {
 public:
  class Token {
   public:
    Token() = default;
    Token(Token&& other) noexcept { *this = std::move(other); }
    Token& operator=(Token&& other) noexcept;
    Token(const Token&) = delete;
    Token& operator=(const Token&) = delete;
    ~Token() { Release(); }

    void Release();
    bool active() const { return tracker_ != nullptr; }
    uint64_t ts() const { return ts_; }

   private:
    friend class ActiveTimestampTracker;
    Token(ActiveTimestampTracker* tracker, uint64_t ts)
        : tracker_(tracker), ts_(ts) {}
    ActiveTimestampTracker* tracker_ = nullptr;
    uint64_t ts_ = 0;
  };

  ActiveTimestampTracker() = default;
  ActiveTimestampTracker(const ActiveTimestampTracker&) = delete;
  ActiveTimestampTracker& operator=(const ActiveTimestampTracker&) = delete;

  Token Pin(uint64_t ts);
  // The smallest pinned timestamp, or 0 when nothing is pinned.
  uint64_t Oldest() const;
  size_t pinned() const { return pinned_; }

 private:
  void Unpin(uint64_t ts);

  std::map<uint64_t, uint64_t> counts_;  // ts -> pins
  size_t pinned_ = 0;
};

}  // namespace ekv::kv

#endif  // EKV_ENGINE_KV_ACTIVE_TIMESTAMP_TRACKER_H_
