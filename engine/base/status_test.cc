#include "engine/base/status.h"

#include <set>

#include "absl/status/statusor.h"
#include "gtest/gtest.h"

namespace ekv {
namespace {

TEST(ErrorVocabulary, KindSurvivesTheStatusAndMapsToItsCode) {
  const absl::Status status = WriteConflictError("k1");
  EXPECT_EQ(GetErrorKind(status), ErrorKind::kWriteConflict);
  EXPECT_EQ(status.code(), absl::StatusCode::kAborted);
  EXPECT_NE(status.message().find("k1"), absl::string_view::npos);
}

TEST(ErrorVocabulary, NotLeaderCarriesTheLeaderHint) {
  const absl::Status with_hint = NotLeaderError(2);
  EXPECT_TRUE(IsErrorKind(with_hint, ErrorKind::kNotLeader));
  EXPECT_EQ(GetLeaderHint(with_hint), 2);
  EXPECT_NE(with_hint.message().find("try node 2"), absl::string_view::npos);
  EXPECT_EQ(GetLeaderHint(NotLeaderError(-1)), -1);
}

TEST(ErrorVocabulary, ForeignAndOkStatusesHaveNoKind) {
  EXPECT_EQ(GetErrorKind(absl::OkStatus()), ErrorKind::kNone);
  EXPECT_EQ(GetErrorKind(absl::InternalError("x")), ErrorKind::kNone);
}

TEST(ErrorVocabulary, EveryKindHasADistinctName) {
  const ErrorKind kinds[] = {
      ErrorKind::kNotLeader,
      ErrorKind::kLeaderNotFound,
      ErrorKind::kTxnLocked,
      ErrorKind::kWriteConflict,
      ErrorKind::kTxnAlreadyCommitted,
      ErrorKind::kTxnAlreadyAborted,
      ErrorKind::kInvalidRequest,
      ErrorKind::kNotImplemented,
      ErrorKind::kCompacted,
      ErrorKind::kCorruption,
      ErrorKind::kIoError,
      ErrorKind::kDiskFull,
      ErrorKind::kTimeout,
      ErrorKind::kHlcCeilingExpired,
      ErrorKind::kShuttingDown,
      ErrorKind::kResourceExhausted,
  };
  std::set<absl::string_view> names;
  for (ErrorKind kind : kinds) {
    EXPECT_EQ(GetErrorKind(MakeError(kind, "m")), kind);
    names.insert(ErrorKindName(kind));
  }
  EXPECT_EQ(names.size(), std::size(kinds));
  EXPECT_EQ(names.count("none"), 0u);
}

TEST(ErrorVocabulary, CompactedSaysWhatToDo) {
  const absl::Status status = CompactedError(10, 20);
  EXPECT_EQ(status.code(), absl::StatusCode::kOutOfRange);
  EXPECT_NE(status.message().find("read timestamp compacted"),
            absl::string_view::npos);
}

absl::StatusOr<int> Half(int x) {
  if (x % 2 != 0) return InvalidRequestError("odd");
  return x / 2;
}

absl::StatusOr<int> Quarter(int x) {
  EKV_ASSIGN_OR_RETURN(int half, Half(x));
  EKV_ASSIGN_OR_RETURN(int quarter, Half(half));
  return quarter;
}

TEST(StatusMacros, AssignOrReturnPropagatesTheFirstError) {
  EXPECT_EQ(*Quarter(8), 2);
  EXPECT_TRUE(IsErrorKind(Quarter(6).status(), ErrorKind::kInvalidRequest));
}

}  // namespace
}  // namespace ekv
