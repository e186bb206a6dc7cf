#include "sim/sweep/progress.h"

#include <cstdio>
#include <string>

#include "gtest/gtest.h"

namespace ekv::sweep {
namespace {

TEST(FormatProgress, ShowsCountsRateAndTimeLeft) {
  EXPECT_EQ(FormatProgress({50, 200, 2, 10.0}, 8),
            "[##......] 50/200 seeds  2 failed  5.0 seeds/s  ETA 0:30");
  EXPECT_EQ(FormatProgress({200, 200, 0, 40.0}, 4),
            "[####] 200/200 seeds  0 failed  5.0 seeds/s  ETA 0:00");
  EXPECT_EQ(FormatProgress({0, 10, 0, 0.0}, 2),
            "[..] 0/10 seeds  0 failed  0.0 seeds/s  ETA ?");
}

TEST(FormatDuration, MinutesAndHours) {
  EXPECT_EQ(FormatDuration(5), "0:05");
  EXPECT_EQ(FormatDuration(3723), "1:02:03");
  EXPECT_EQ(FormatDuration(-1), "?");
}

std::string Captured(FILE* file) {
  std::fflush(file);
  std::rewind(file);
  std::string text;
  for (int c; (c = std::fgetc(file)) != EOF;)
    text.push_back(static_cast<char>(c));
  return text;
}

TEST(ProgressReporter, PlainOutputIsRateLimitedAndAlwaysEndsWithTheFinalLine) {
  FILE* file = std::tmpfile();
  ASSERT_NE(file, nullptr);
  ProgressReporter reporter(file, /*is_terminal=*/false,
                            /*plain_interval_seconds=*/10);
  for (int second = 0; second <= 25; ++second) {
    reporter.Update(
        {static_cast<uint64_t>(second), 30, 0, static_cast<double>(second)});
  }
  reporter.Finish({30, 30, 1, 26.0});
  const std::string text = Captured(file);
  std::fclose(file);
  size_t lines = 0;
  for (char c : text) lines += c == '\n';
  EXPECT_EQ(lines, 4u) << text;  // at 0 s, 10 s, 20 s, and the end
  EXPECT_NE(text.find("30/30 seeds  1 failed"), std::string::npos);
  EXPECT_EQ(text.find('\r'), std::string::npos);
}

TEST(ProgressReporter, TerminalOutputRedrawsOneLine) {
  FILE* file = std::tmpfile();
  ASSERT_NE(file, nullptr);
  ProgressReporter reporter(file, /*is_terminal=*/true);
  reporter.Update({1, 2, 0, 1.0});
  reporter.Finish({2, 2, 0, 2.0});
  const std::string text = Captured(file);
  std::fclose(file);
  EXPECT_EQ(text.front(), '\r');
  EXPECT_EQ(text.back(), '\n');
}

}  // namespace
}  // namespace ekv::sweep
