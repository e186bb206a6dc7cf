#include "workloads/register_check.h"

#include "gtest/gtest.h"

namespace ekv::workloads {
namespace {

RegisterEvent Ev(int64_t process, EventType type, RegisterF f,
                 std::optional<int64_t> value,
                 std::optional<int64_t> expected = std::nullopt) {
  RegisterEvent e;
  e.process = process;
  e.type = type;
  e.f = f;
  e.key = "r";
  e.value = value;
  e.expected = expected;
  return e;
}

TEST(RegisterCheck, ASequentialHistoryIsLinearizable) {
  RegisterHistory h;
  h.Add(Ev(0, EventType::kInvoke, RegisterF::kWrite, 1));
  h.Add(Ev(0, EventType::kOk, RegisterF::kWrite, 1));
  h.Add(Ev(1, EventType::kInvoke, RegisterF::kCas, 2, 1));
  h.Add(Ev(1, EventType::kOk, RegisterF::kCas, 2, 1));
  h.Add(Ev(0, EventType::kInvoke, RegisterF::kCas, 3, 1));
  h.Add(Ev(0, EventType::kFail, RegisterF::kCas, 3, 1));  // held 2, not 1
  h.Add(Ev(1, EventType::kInvoke, RegisterF::kRead, std::nullopt));
  h.Add(Ev(1, EventType::kOk, RegisterF::kRead, 2));
  const auto check = CheckRegisterHistory(h, "test", 0);
  ASSERT_TRUE(check.ok()) << check.status();
  EXPECT_EQ(check->result.verdict, checkers::Verdict::kValid) << check->text;
}

TEST(RegisterCheck, AStaleReadIsCaught) {
  RegisterHistory h;
  h.Add(Ev(0, EventType::kInvoke, RegisterF::kWrite, 1));
  h.Add(Ev(0, EventType::kOk, RegisterF::kWrite, 1));
  h.Add(Ev(0, EventType::kInvoke, RegisterF::kWrite, 2));
  h.Add(Ev(0, EventType::kOk, RegisterF::kWrite, 2));
  h.Add(Ev(1, EventType::kInvoke, RegisterF::kRead, std::nullopt));
  h.Add(Ev(1, EventType::kOk, RegisterF::kRead, 1));
  const auto check = CheckRegisterHistory(h, "test", 0);
  ASSERT_TRUE(check.ok()) << check.status();
  EXPECT_EQ(check->result.verdict, checkers::Verdict::kInvalid);
  EXPECT_FALSE(check->text.empty());
}

TEST(RegisterCheck, JsonLinesNameEveryField) {
  RegisterHistory h;
  h.Add(Ev(3, EventType::kInvoke, RegisterF::kCas, 4, std::nullopt));
  EXPECT_EQ(h.ToJsonLines(),
            "{\"process\":3,\"type\":\"invoke\",\"f\":\"cas\",\"key\":\"r\","
            "\"value\":[null,4],\"time\":0}\n");
}

}  // namespace
}  // namespace ekv::workloads
