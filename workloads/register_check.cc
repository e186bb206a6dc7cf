#include "workloads/register_check.h"

#include <memory>
#include <utility>

#include "checkers/lin_models.h"

namespace ekv::workloads {
namespace {

checkers::Value IntOrNil(const std::optional<int64_t>& value) {
  return value.has_value() ? checkers::Value::Int(*value)
                           : checkers::Value::Nil();
}

checkers::EventType ToEventType(EventType type) {
  switch (type) {
    case EventType::kInvoke:
      return checkers::EventType::kInvoke;
    case EventType::kOk:
      return checkers::EventType::kOk;
    case EventType::kFail:
      return checkers::EventType::kFail;
    case EventType::kInfo:
      return checkers::EventType::kInfo;
  }
  return checkers::EventType::kInfo;
}

checkers::Value EventValue(const RegisterEvent& e) {
  switch (e.f) {
    case RegisterF::kRead:
      return e.type == EventType::kOk ? IntOrNil(e.value)
                                      : checkers::Value::Nil();
    case RegisterF::kWrite:
      return IntOrNil(e.value);
    case RegisterF::kCas:
      return checkers::Value::MakeList(
          {IntOrNil(e.expected), IntOrNil(e.value)});
  }
  return checkers::Value::Nil();
}

}  // namespace

absl::StatusOr<checkers::History> ToCheckerHistory(
    const RegisterHistory& history, absl::string_view source) {
  checkers::HistoryBuilder builder{std::string(source)};
  for (const RegisterEvent& e : history.events()) {
    checkers::Event event;
    event.process = e.process;
    event.type = ToEventType(e.type);
    event.f = RegisterFName(e.f);
    event.key = checkers::Value::String(e.key);
    event.value = EventValue(e);
    event.error = e.error;
    event.time = e.time_ns;
    if (absl::Status s = builder.Add(std::move(event)); !s.ok()) return s;
  }
  return builder.Finish();
}

absl::StatusOr<RegisterCheck> CheckRegisterHistory(
    const RegisterHistory& history, absl::string_view source,
    uint64_t steps_max) {
  auto checker_history = ToCheckerHistory(history, source);
  if (!checker_history.ok()) return checker_history.status();
  const auto model = checkers::MakeCasRegisterModel(checkers::Value::Nil());
  checkers::LinearizabilityOptions options;
  options.budget.steps_max = steps_max;
  auto result =
      checkers::CheckLinearizability(*checker_history, *model, options);
  if (!result.ok()) return result.status();
  RegisterCheck check;
  check.report =
      checkers::LinearizabilityReport(*checker_history, *model, *result);
  check.text = checkers::ReportToText(check.report, /*explain=*/true);
  check.result = std::move(*result);
  check.history = std::move(*checker_history);
  return check;
}

}  // namespace ekv::workloads
