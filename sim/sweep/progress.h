// Progress of a sweep, for a person watching: seeds done, failures, seeds per
// second and the time left. On a terminal one line is redrawn in place at most
// every 100 ms; into a file or a CI log a plain line is written every
// `plain_interval_seconds` (and at the end), so logs stay short. Times come in
// as arguments: the reporter reads no clock.
#ifndef EKV_SIM_SWEEP_PROGRESS_H_
#define EKV_SIM_SWEEP_PROGRESS_H_

#include <cstdint>
#include <cstdio>
#include <string>

namespace ekv::sweep {

struct ProgressLine {
  uint64_t done = 0;
  uint64_t total = 0;
  uint64_t failed = 0;
  double elapsed_seconds = 0;
};

// "[########............] 120/200 seeds  2 failed  35.1 seeds/s  ETA 0:02"
std::string FormatProgress(const ProgressLine& line, int bar_width = 24);

// "1:02:03" for 3723 seconds, "0:05" for 5.
std::string FormatDuration(double seconds);

class ProgressReporter {
 public:
  ProgressReporter(FILE* out, bool is_terminal,
                   double plain_interval_seconds = 10);

  // Shows `line` if enough time passed since the last time it showed one.
  void Update(const ProgressLine& line);

  // Shows `line` now and ends the progress display.
  void Finish(const ProgressLine& line);

 private:
  void Show(const ProgressLine& line);

  FILE* out_;
  bool is_terminal_;
  double plain_interval_seconds_;
  double last_shown_seconds_ = -1e9;
};

}  // namespace ekv::sweep

#endif  // EKV_SIM_SWEEP_PROGRESS_H_
