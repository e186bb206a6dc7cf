#include "engine/kv/active_timestamp_tracker.h"

#include "engine/base/check.h"

namespace ekv::kv {

ActiveTimestampTracker::Token& ActiveTimestampTracker::Token::operator=(
    Token&& other) noexcept {
  if (this != &other) {
    Release();
    tracker_ = other.tracker_;
    ts_ = other.ts_;
    other.tracker_ = nullptr;
  }
  return *this;
}

void ActiveTimestampTracker::Token::Release() {
  if (tracker_ == nullptr) return;
  tracker_->Unpin(ts_);
  tracker_ = nullptr;
}

ActiveTimestampTracker::Token ActiveTimestampTracker::Pin(uint64_t ts) {
  ++counts_[ts];
  ++pinned_;
  return Token(this, ts);
}

uint64_t ActiveTimestampTracker::Oldest() const {
  return counts_.empty() ? 0 : counts_.begin()->first;
}

void ActiveTimestampTracker::Unpin(uint64_t ts) {
  auto it = counts_.find(ts);
  EKV_CHECK(it != counts_.end() && it->second > 0)
      << "unpin of unpinned " << ts;
  if (--it->second == 0) counts_.erase(it);
  --pinned_;
}

}  // namespace ekv::kv
