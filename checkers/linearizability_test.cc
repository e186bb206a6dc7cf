// The linearizability checker on small histories written out by hand.
#include "checkers/linearizability.h"

#include <string>

#include "checkers/check.h"
#include "checkers/history_io.h"
#include "checkers/lin_models.h"
#include "gtest/gtest.h"

namespace ekv::checkers {
namespace {

History Parse(const std::string& jsonl) {
  absl::StatusOr<History> h = ParseHistory(jsonl, "test", HistoryFormat::kJson);
  EXPECT_TRUE(h.ok()) << h.status();
  return *h;
}

Report CheckModel(const std::string& jsonl, CheckerModel model,
                  Value initial = Value::Nil()) {
  CheckOptions options;
  options.model = model;
  options.initial = initial;
  absl::StatusOr<Report> r = Check(Parse(jsonl), options);
  EXPECT_TRUE(r.ok()) << r.status();
  return r.ok() ? *r : Report();
}

// Line helpers: p(process) type f [key] value.
std::string L(int p, const char* type, const char* f, const std::string& value,
              const char* key = nullptr) {
  std::string s = "{\"process\":" + std::to_string(p) + ",\"type\":\"" + type +
                  "\",\"f\":\"" + f + "\"";
  if (key != nullptr) s += std::string(",\"key\":\"") + key + "\"";
  return s + ",\"value\":" + value + "}\n";
}

// MIT 6.824 quiz (2017, section VII), as in Porcupine's tests: write 100
// overlaps two reads; one reads 100, the later one 0.
TEST(Linearizability, ReadsOverlappingAWriteMayDisagreeInOneOrder) {
  std::string ok = L(0, "invoke", "write", "100") +
                   L(1, "invoke", "read", "null") +
                   L(2, "invoke", "read", "null") + L(2, "ok", "read", "0") +
                   L(1, "ok", "read", "100") + L(0, "ok", "write", "100");
  EXPECT_EQ(CheckModel(ok, CheckerModel::kRegister, Value::Int(0)).verdict,
            Verdict::kValid);
  // The read of 100 finishes before the read of 0 starts: no order works.
  std::string bad = L(0, "invoke", "write", "200") +
                    L(1, "invoke", "read", "null") + L(1, "ok", "read", "200") +
                    L(2, "invoke", "read", "null") + L(2, "ok", "read", "0") +
                    L(0, "ok", "write", "200");
  Report r = CheckModel(bad, CheckerModel::kRegister, Value::Int(0));
  EXPECT_EQ(r.verdict, Verdict::kInvalid);
  ASSERT_EQ(r.findings.size(), 1u);
  EXPECT_EQ(r.findings[0].kind, "not-linearizable");
  const std::string text = ReportToText(r, true);
  EXPECT_NE(text.find("it read 0 but the value was 200"), std::string::npos)
      << text;
}

TEST(Linearizability, UnwrittenRegisterReadsTheInitialValue) {
  std::string h = L(0, "invoke", "read", "null") + L(0, "ok", "read", "null");
  EXPECT_EQ(CheckModel(h, CheckerModel::kRegister).verdict, Verdict::kValid);
  EXPECT_EQ(CheckModel(h, CheckerModel::kRegister, Value::Int(0)).verdict,
            Verdict::kInvalid);
}

TEST(Linearizability, FailedCasWithoutErrorMeansTheCompareFailed) {
  // The register holds 1; a cas expecting 1 that "failed" contradicts it.
  std::string h = L(0, "invoke", "write", "1") + L(0, "ok", "write", "1") +
                  L(1, "invoke", "cas", "[1,2]") + L(1, "fail", "cas", "[1,2]");
  EXPECT_EQ(CheckModel(h, CheckerModel::kCasRegister).verdict,
            Verdict::kInvalid);
  // Refused (an error given): it did not happen, which is fine.
  std::string refused =
      L(0, "invoke", "write", "1") + L(0, "ok", "write", "1") +
      L(1, "invoke", "cas", "[1,2]") +
      "{\"process\":1,\"type\":\"fail\",\"f\":\"cas\",\"value\":[1,2],"
      "\"error\":\"not_leader\"}\n";
  EXPECT_EQ(CheckModel(refused, CheckerModel::kCasRegister).verdict,
            Verdict::kValid);
}

TEST(Linearizability, IndeterminateWritesMayTakeEffectLaterOrNever) {
  // An info write of 5 may take effect after its info completion...
  std::string later =
      L(0, "invoke", "write", "5") + L(0, "info", "write", "5") +
      L(1, "invoke", "read", "null") + L(1, "ok", "read", "null") +
      L(1, "invoke", "read", "null") + L(1, "ok", "read", "5");
  EXPECT_EQ(CheckModel(later, CheckerModel::kRegister).verdict,
            Verdict::kValid);
  // ...or never; but once seen it stays.
  std::string flicker =
      later + L(1, "invoke", "read", "null") + L(1, "ok", "read", "null");
  EXPECT_EQ(CheckModel(flicker, CheckerModel::kRegister).verdict,
            Verdict::kInvalid);
  // A write whose process never completes is indeterminate too.
  std::string pending = L(0, "invoke", "write", "7") +
                        L(1, "invoke", "read", "null") +
                        L(1, "ok", "read", "7");
  EXPECT_EQ(CheckModel(pending, CheckerModel::kRegister).verdict,
            Verdict::kValid);
}

TEST(Linearizability, KeysArePartitionsCheckedOnTheirOwn) {
  std::string h =
      L(0, "invoke", "put", "\"a\"", "x") + L(0, "ok", "put", "\"a\"", "x") +
      L(0, "invoke", "put", "\"b\"", "y") + L(0, "ok", "put", "\"b\"", "y") +
      L(1, "invoke", "get", "null", "x") + L(1, "ok", "get", "\"a\"", "x") +
      L(1, "invoke", "append", "\"c\"", "y") +
      L(1, "ok", "append", "\"c\"", "y") + L(1, "invoke", "get", "null", "y") +
      L(1, "ok", "get", "\"bc\"", "y") + L(2, "invoke", "delete", "null", "x") +
      L(2, "ok", "delete", "null", "x") + L(2, "invoke", "get", "null", "x") +
      L(2, "ok", "get", "null", "x");
  Report r = CheckModel(h, CheckerModel::kKv);
  EXPECT_EQ(r.verdict, Verdict::kValid) << ReportToText(r, true);
  EXPECT_NE(r.summary.find("2 partitions"), std::string::npos) << r.summary;
}

TEST(Linearizability, OpsTheModelDoesNotKnowAreErrorsNamingTheLine) {
  CheckOptions options;
  options.model = CheckerModel::kRegister;
  absl::StatusOr<Report> r =
      Check(Parse(L(0, "invoke", "cas", "[1,2]") + L(0, "ok", "cas", "[1,2]")),
            options);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("test: line 1"), std::string::npos)
      << r.status();
  options.model = CheckerModel::kCasRegister;
  r = Check(Parse(L(0, "invoke", "cas", "3") + L(0, "ok", "cas", "3")),
            options);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("[expected, new]"), std::string::npos);
  options.model = CheckerModel::kKv;
  r = Check(Parse(L(0, "invoke", "get", "null") + L(0, "ok", "get", "null")),
            options);
  EXPECT_FALSE(r.ok()) << "kv needs keys";
}

// Many concurrent indeterminate writes make the search space explode; a step
// budget turns that into "unknown" instead of an endless search.
TEST(Linearizability, ABudgetAnswersUnknown) {
  std::string h;
  for (int p = 0; p < 12; ++p) {
    h += L(p, "invoke", "write", std::to_string(p));
  }
  for (int p = 0; p < 12; ++p) h += L(p, "ok", "write", std::to_string(p));
  for (int i = 0; i < 12; ++i) {
    h += L(20, "invoke", "read", "null") + L(20, "ok", "read", "99");
  }
  const History history = Parse(h);
  std::unique_ptr<Model> model = MakeRegisterModel(Value::Nil());
  LinearizabilityOptions options;
  options.budget.steps_max = 5;
  absl::StatusOr<LinearizabilityResult> r =
      CheckLinearizability(history, *model, options);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->verdict, Verdict::kUnknown);
  ASSERT_EQ(r->findings.size(), 1u);
  EXPECT_EQ(r->findings[0].kind, "unknown");
  options.budget.steps_max = 0;
  r = CheckLinearizability(history, *model, options);
  EXPECT_EQ(r->verdict, Verdict::kInvalid);
}

TEST(Linearizability, StopsAtTheFirstInvalidPartitionUnlessAskedForAll) {
  // Key "a" fails at once; "b" and "c" only after several puts.
  std::string h =
      L(0, "invoke", "put", "\"v\"", "a") + L(0, "ok", "put", "\"v\"", "a") +
      L(0, "invoke", "get", "null", "a") + L(0, "ok", "get", "\"w\"", "a");
  for (const char* key : {"b", "c"}) {
    for (int i = 0; i < 8; ++i) {
      const std::string v = "\"" + std::to_string(i) + "\"";
      h += L(1, "invoke", "put", v, key) + L(1, "ok", "put", v, key);
    }
    h += L(1, "invoke", "get", "null", key) + L(1, "ok", "get", "\"w\"", key);
  }
  const History history = Parse(h);
  std::unique_ptr<Model> model = MakeKvModel(Value::Nil());
  LinearizabilityOptions options;
  options.slice_steps = 1;  // so that partitions take turns
  absl::StatusOr<LinearizabilityResult> first =
      CheckLinearizability(history, *model, options);
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(first->verdict, Verdict::kInvalid);
  ASSERT_EQ(first->findings.size(), 1u);
  EXPECT_NE(first->findings[0].summary.find("key \"a\""), std::string::npos);
  EXPECT_TRUE(first->partitions[1].stopped);
  options.stop_at_first_invalid = false;
  absl::StatusOr<LinearizabilityResult> all =
      CheckLinearizability(history, *model, options);
  EXPECT_EQ(all->findings.size(), 3u);
}

}  // namespace
}  // namespace ekv::checkers
