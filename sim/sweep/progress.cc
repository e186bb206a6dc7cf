#include "sim/sweep/progress.h"

#include <cmath>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace ekv::sweep {

std::string FormatDuration(double seconds) {
  if (!(seconds >= 0) || seconds > 1e8) return "?";
  const auto total = static_cast<int64_t>(std::llround(seconds));
  const int64_t hours = total / 3600;
  const int64_t minutes = total / 60 % 60;
  const int64_t secs = total % 60;
  if (hours > 0) return absl::StrFormat("%d:%02d:%02d", hours, minutes, secs);
  return absl::StrFormat("%d:%02d", minutes, secs);
}

std::string FormatProgress(const ProgressLine& line, int bar_width) {
  const double fraction = line.total == 0 ? 1.0
                                          : static_cast<double>(line.done) /
                                                static_cast<double>(line.total);
  const int filled = static_cast<int>(fraction * bar_width);
  const double rate =
      line.elapsed_seconds > 0
          ? static_cast<double>(line.done) / line.elapsed_seconds
          : 0;
  const double left_seconds =
      rate > 0 ? static_cast<double>(line.total - line.done) / rate : -1;
  return absl::StrFormat(
      "[%s%s] %d/%d seeds  %d failed  %.1f seeds/s  ETA %s",
      std::string(filled, '#'), std::string(bar_width - filled, '.'), line.done,
      line.total, line.failed, rate,
      line.done == line.total ? "0:00" : FormatDuration(left_seconds));
}

ProgressReporter::ProgressReporter(FILE* out, bool is_terminal,
                                   double plain_interval_seconds)
    : out_(out),
      is_terminal_(is_terminal),
      plain_interval_seconds_(plain_interval_seconds) {}

void ProgressReporter::Update(const ProgressLine& line) {
  const double interval = is_terminal_ ? 0.1 : plain_interval_seconds_;
  if (line.elapsed_seconds - last_shown_seconds_ < interval) return;
  Show(line);
}

void ProgressReporter::Finish(const ProgressLine& line) {
  Show(line);
  if (is_terminal_) std::fputc('\n', out_);
  std::fflush(out_);
}

void ProgressReporter::Show(const ProgressLine& line) {
  last_shown_seconds_ = line.elapsed_seconds;
  const std::string text = FormatProgress(line);
  if (is_terminal_) {
    std::fprintf(out_, "\r%s\x1b[K", text.c_str());
  } else {
    std::fprintf(out_, "%s\n", text.c_str());
  }
  std::fflush(out_);
}

}  // namespace ekv::sweep
