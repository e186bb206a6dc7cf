#include "sim/trace.h"

#include <cinttypes>
#include <cstring>
#include <iterator>

#include "absl/strings/str_format.h"

namespace ekv::sim {

Trace::Trace() { XXH64_reset(&state_, 0); }

void Trace::Fold(TraceKind kind, int64_t time_ns, uint64_t a, uint64_t b,
                 uint64_t c) {
  // Fixed layout of five words, little-endian on every platform ekv targets
  // (x86-64, aarch64), so the hash does not depend on padding.
  if (buffered_ + 5 > std::size(buffer_)) Flush();
  uint64_t* record = buffer_ + buffered_;
  record[0] = static_cast<uint64_t>(kind);
  record[1] = static_cast<uint64_t>(time_ns);
  record[2] = a;
  record[3] = b;
  record[4] = c;
  buffered_ += 5;
  ++records_;
}

void Trace::Flush() {
  XXH64_update(&state_, buffer_, buffered_ * sizeof(uint64_t));
  buffered_ = 0;
}

void Trace::FoldBytes(absl::string_view bytes) {
  Flush();
  const uint64_t header[2] = {static_cast<uint64_t>(TraceKind::kNote),
                              bytes.size()};
  XXH64_update(&state_, header, sizeof(header));
  XXH64_update(&state_, bytes.data(), bytes.size());
  ++records_;
}

uint64_t Trace::hash() const {
  XXH64_state_t copy = state_;
  XXH64_update(&copy, buffer_, buffered_ * sizeof(uint64_t));
  return XXH64_digest(&copy);
}

void Trace::Log(int64_t time_ns, absl::string_view line) {
  if (log_ == nullptr) return;
  const std::string time = FormatTimeNs(time_ns);
  std::fprintf(log_, "%s %.*s\n", time.c_str(), static_cast<int>(line.size()),
               line.data());
}

std::string HashHex(uint64_t hash) { return absl::StrFormat("%016x", hash); }

std::string FormatTimeNs(int64_t time_ns) {
  const char* sign = time_ns < 0 ? "-" : "";
  const uint64_t magnitude =
      time_ns < 0 ? 0 - static_cast<uint64_t>(time_ns) : time_ns;
  return absl::StrFormat("%s%d.%09ds", sign, magnitude / 1'000'000'000,
                         magnitude % 1'000'000'000);
}

}  // namespace ekv::sim
