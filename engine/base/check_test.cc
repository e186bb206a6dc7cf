#include "engine/base/check.h"

#include "gtest/gtest.h"

namespace ekv {
namespace {

TEST(CheckDeathTest, FailedCheckAbortsWithConditionAndContext) {
  const int term = 3;
  EXPECT_DEATH(EKV_CHECK(term == 4) << "term moved",
               "check failed: term == 4 term moved");
}

TEST(CheckDeathTest, FailedComparisonPrintsBothOperands) {
  const int commit = 5;
  const int last = 4;
  EXPECT_DEATH(EKV_CHECK_LE(commit, last), "commit <= last \\(5 vs. 4\\)");
}

TEST(CheckDeathTest, CheckOkPrintsTheStatus) {
  EXPECT_DEATH(EKV_CHECK_OK(absl::InternalError("disk gone")), "disk gone");
}

TEST(Check, PassingChecksEvaluateOnceAndDoNothing) {
  int evaluations = 0;
  EKV_CHECK(++evaluations == 1);
  EKV_CHECK_OK(absl::OkStatus());
  EXPECT_EQ(evaluations, 1);
}

}  // namespace
}  // namespace ekv
