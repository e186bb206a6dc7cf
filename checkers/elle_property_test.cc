// Properties of the transactional checker: histories of a serial store
// (history_gen.h) have no anomalies, with or without real-time and process
// order; and one anomaly injected into such a history is reported as exactly
// its kind.
#include <set>
#include <string>
#include <vector>

#include "checkers/elle.h"
#include "checkers/history_gen.h"
#include "checkers/history_io.h"
#include "gtest/gtest.h"
#include "rapidcheck.h"
#include "rapidcheck/gtest.h"

namespace ekv::checkers {
namespace {

TxnGenOptions GenOptions(TxnModel model) {
  TxnGenOptions o;
  o.model = model;
  o.processes = *rc::gen::inRange(1, 6);
  o.txns = *rc::gen::inRange(0, 120);
  o.keys = *rc::gen::inRange(1, 5);
  o.mops_max = *rc::gen::inRange(1, 5);
  o.writes_per_key_max = *rc::gen::inRange(1, 12);
  o.info_probability = *rc::gen::element(0.0, 0.1);
  o.fail_probability = *rc::gen::element(0.0, 0.1);
  o.final_reads = *rc::gen::arbitrary<bool>();
  return o;
}

ElleResult CheckOrDie(const History& h, TxnModel model,
                      const ElleOptions& options) {
  absl::StatusOr<ElleResult> r = CheckTransactions(h, model, options);
  RC_ASSERT(r.ok());
  return *r;
}

std::string Dump(const History& h, TxnModel model, const ElleResult& r) {
  return ReportToText(ElleReport(h, model, r), true) + HistoryToJsonLines(h);
}

RC_GTEST_PROP(ElleProperty, SerialHistoriesHaveNoAnomalies, ()) {
  const TxnModel model =
      *rc::gen::element(TxnModel::kListAppend, TxnModel::kRwRegister);
  const History h = BuildHistory(
      GenerateSerialTxns(*rc::gen::arbitrary<uint64_t>(), GenOptions(model)));
  ElleOptions options;
  options.realtime = *rc::gen::arbitrary<bool>();
  options.process_order = *rc::gen::arbitrary<bool>();
  const ElleResult r = CheckOrDie(h, model, options);
  RC_LOG() << Dump(h, model, r);
  RC_ASSERT(r.verdict == Verdict::kValid);
  RC_ASSERT(r.counts.empty());
}

// Builders for injected txns, on keys and processes of their own.
constexpr int64_t kA = 1'000'001, kB = 1'000'002;

Value Append(int64_t k, int64_t v) {
  return Value::MakeList(
      {Value::String("append"), Value::Int(k), Value::Int(v)});
}
Value Read(int64_t k, std::vector<int64_t> seen = {}, bool known = true) {
  Value::List items;
  for (int64_t v : seen) items.push_back(Value::Int(v));
  return Value::MakeList({Value::String("r"), Value::Int(k),
                          known ? Value::MakeList(items) : Value::Nil()});
}

// The invocation of `done` (its reads unknown), then `done` itself.
struct Txn {
  int process;
  EventType type;
  std::vector<Value> mops;  // as completed
  Event invoke() const {
    Event e;
    e.process = process;
    e.f = "txn";
    Value::List asked;
    for (const Value& m : mops) {
      asked.push_back(m.list()[0].string_view() == "r"
                          ? Read(m.list()[1].int_value(), {}, false)
                          : m);
    }
    e.value = Value::MakeList(asked);
    return e;
  }
  Event complete() const {
    Event e = invoke();
    e.type = type;
    if (type == EventType::kOk) e.value = Value::MakeList(mops);
    return e;
  }
};

// The events of anomaly `kind`, each txn on its own process.
std::vector<Event> Injection(const std::string& kind) {
  std::vector<Txn> concurrent, after;
  const EventType ok = EventType::kOk;
  if (kind == "G0") {
    concurrent = {{1000, ok, {Append(kA, 1), Append(kB, 1)}},
                  {1001, ok, {Append(kA, 2), Append(kB, 2)}}};
    after = {{1002, ok, {Read(kA, {1, 2}), Read(kB, {2, 1})}}};
  } else if (kind == "G1a") {
    concurrent = {{1000, EventType::kFail, {Append(kA, 1)}}};
    after = {{1001, ok, {Read(kA, {1})}}};
  } else if (kind == "G1b") {
    concurrent = {{1000, ok, {Append(kA, 1), Append(kA, 2)}},
                  {1001, ok, {Read(kA, {1})}}};
  } else if (kind == "G1c") {
    concurrent = {{1000, ok, {Append(kA, 1), Read(kB, {1})}},
                  {1001, ok, {Append(kB, 1), Read(kA, {1})}}};
  } else if (kind == "G-single") {
    concurrent = {{1000, ok, {Append(kA, 1), Append(kB, 1)}},
                  {1001, ok, {Read(kA, {}), Read(kB, {1})}}};
    after = {{1002, ok, {Read(kA, {1})}}};
  } else if (kind == "G2-item") {
    concurrent = {{1000, ok, {Read(kA, {}), Append(kB, 1)}},
                  {1001, ok, {Read(kB, {}), Append(kA, 1)}}};
    after = {{1002, ok, {Read(kA, {1}), Read(kB, {1})}}};
  } else if (kind == "internal") {
    concurrent = {{1000, ok, {Append(kA, 1), Read(kA, {})}}};
  } else if (kind == "duplicate-elements") {
    concurrent = {{1000, ok, {Append(kA, 1)}}};
    after = {{1001, ok, {Read(kA, {1, 1})}}};
  } else if (kind == "garbage-read") {
    concurrent = {{1000, ok, {Read(kA, {7})}}};
  } else if (kind == "incompatible-order") {
    concurrent = {{1000, ok, {Append(kA, 1)}}, {1001, ok, {Append(kA, 2)}}};
    after = {{1002, ok, {Read(kA, {1, 2})}}, {1003, ok, {Read(kA, {2})}}};
  }
  std::vector<Event> events;
  for (const Txn& t : concurrent) events.push_back(t.invoke());
  for (const Txn& t : concurrent) events.push_back(t.complete());
  for (const Txn& t : after) {
    events.push_back(t.invoke());
    events.push_back(t.complete());
  }
  return events;
}

RC_GTEST_PROP(ElleProperty, AnInjectedAnomalyIsReportedAsItsKind, ()) {
  const std::string kind = *rc::gen::element<std::string>(
      "G0", "G1a", "G1b", "G1c", "G-single", "G2-item", "internal",
      "duplicate-elements", "garbage-read", "incompatible-order");
  std::vector<Event> events = GenerateSerialTxns(
      *rc::gen::arbitrary<uint64_t>(), GenOptions(TxnModel::kListAppend));
  std::vector<Event> injected = Injection(kind);
  const size_t at = *rc::gen::inRange<size_t>(0, events.size() + 1);
  const int64_t time = at < events.size() ? events[at].time
                       : events.empty()   ? 0
                                          : events.back().time;
  for (Event& e : injected) e.time = time;
  events.insert(events.begin() + at, injected.begin(), injected.end());
  const History h = BuildHistory(events);
  const ElleResult r = CheckOrDie(h, TxnModel::kListAppend, ElleOptions());
  RC_LOG() << "injected " << kind << " at event " << at << "\n"
           << Dump(h, TxnModel::kListAppend, r);
  RC_ASSERT(r.verdict == Verdict::kInvalid);
  std::set<std::string> kinds;
  for (const auto& [k, count] : r.counts) kinds.insert(k);
  RC_ASSERT(kinds == std::set<std::string>{kind});
}

}  // namespace
}  // namespace ekv::checkers
