#include "checkers/history_gen.h"

#include <map>
#include <optional>
#include <utility>

#include "absl/strings/str_cat.h"
#include "engine/base/check.h"
#include "engine/base/random.h"

namespace ekv::checkers {
namespace {

// What happens to an op in flight.
enum class Fate { kOk, kInfo, kRefused };

// One op from invocation to completion. `apply` makes it take effect and
// fills in the completion event.
struct Flight {
  int process = 0;
  Fate fate = Fate::kOk;
  bool applied = false;
  Event invoke;
  Event done;
};

// Drives processes through invoke, take effect, complete. `start(process)`
// makes an op's invocation; `apply(flight)` makes it take effect.
template <typename Start, typename Apply>
std::vector<Event> Simulate(Random& rng, int processes, int ops, double info_p,
                            double fail_p, Start start, Apply apply) {
  std::vector<Event> events;
  std::vector<std::optional<Flight>> flights(processes);
  std::vector<Flight> ghosts;  // completed info, not yet applied
  int started = 0;
  int64_t time = 0;
  auto emit = [&](Event e) {
    e.time = time++;
    events.push_back(std::move(e));
  };
  while (true) {
    std::vector<int> idle, busy;
    for (int p = 0; p < processes; ++p) (flights[p] ? busy : idle).push_back(p);
    if (busy.empty() && started >= ops) break;
    const uint64_t choice = rng.Uniform(4);
    if (choice == 0 && started < ops && !idle.empty()) {
      Flight f;
      f.process = idle[rng.Uniform(idle.size())];
      f.fate = rng.Bernoulli(fail_p)   ? Fate::kRefused
               : rng.Bernoulli(info_p) ? Fate::kInfo
                                       : Fate::kOk;
      f.invoke = start(f.process);
      f.invoke.process = f.process;
      f.invoke.type = EventType::kInvoke;
      f.done = f.invoke;
      emit(f.invoke);
      flights[f.process] = std::move(f);
      ++started;
    } else if (choice == 1 && !busy.empty()) {
      Flight& f = *flights[busy[rng.Uniform(busy.size())]];
      if (!f.applied && f.fate != Fate::kRefused) {
        apply(f);
        f.applied = true;
      }
    } else if (choice == 2 && !ghosts.empty() && rng.OneIn(3)) {
      size_t g = rng.Uniform(ghosts.size());
      apply(ghosts[g]);  // an indeterminate op takes effect after all
      ghosts.erase(ghosts.begin() + g);
    } else if (choice == 3 && !busy.empty()) {
      int p = busy[rng.Uniform(busy.size())];
      Flight& f = *flights[p];
      if (f.fate == Fate::kOk && !f.applied) continue;
      Event done = f.done;
      if (f.fate == Fate::kRefused) {
        done = f.invoke;
        done.type = EventType::kFail;
        done.error = "not_leader";
      } else if (f.fate == Fate::kInfo) {
        done = f.invoke;
        done.type = EventType::kInfo;
        done.error = "timeout";
        if (!f.applied && rng.Bernoulli(0.5)) ghosts.push_back(f);
      }
      emit(done);
      flights[p].reset();
    }
  }
  return events;
}

Value Pair(Value a, Value b) {
  return Value::MakeList({std::move(a), std::move(b)});
}

}  // namespace

std::vector<Event> GenerateLinearizable(uint64_t seed,
                                        const LinGenOptions& options) {
  Random rng(seed);
  std::map<Value, Value> state;                 // key -> value; absent: nil
  std::vector<Value> written = {Value::Nil()};  // for cas expectations
  int64_t next = 1;
  auto key = [&] {
    return Value::String(absl::StrCat("k", rng.Uniform(options.keys)));
  };
  auto start = [&](int) {
    Event e;
    e.key = key();
    const Value current = state.count(*e.key) ? state[*e.key] : Value::Nil();
    const uint64_t kind = rng.Uniform(options.model == GenModel::kKv ? 4 : 3);
    switch (options.model) {
      case GenModel::kRegister:
        e.f = kind == 0 ? "write" : "read";
        if (kind == 0) e.value = Value::Int(next++);
        break;
      case GenModel::kCasRegister:
        e.f = kind == 0 ? "write" : kind == 1 ? "read" : "cas";
        if (kind == 0) e.value = Value::Int(next++);
        if (kind == 2) {
          Value expected = rng.Bernoulli(0.6)
                               ? current
                               : written[rng.Uniform(written.size())];
          e.value = Pair(expected, Value::Int(next++));
        }
        break;
      case GenModel::kKv:
        e.f = kind == 0   ? "put"
              : kind == 1 ? "get"
              : kind == 2 ? "append"
                          : "delete";
        if (kind == 0) e.value = Value::String(absl::StrCat("p", next++, ";"));
        if (kind == 2) e.value = Value::String(absl::StrCat("a", next++, ";"));
        if (kind == 3 && !rng.OneIn(4)) {  // deletes are rarer than the rest
          e.f = "get";
        }
        break;
    }
    return e;
  };
  auto apply = [&](Flight& f) {
    const Value& k = *f.invoke.key;
    Value current = state.count(k) ? state[k] : Value::Nil();
    Event& done = f.done;
    done.type = EventType::kOk;
    const std::string& fn = f.invoke.f;
    if (fn == "read" || fn == "get") {
      done.value = current;
    } else if (fn == "write" || fn == "put") {
      state[k] = f.invoke.value;
      written.push_back(f.invoke.value);
    } else if (fn == "delete") {
      state.erase(k);
    } else if (fn == "append") {
      state[k] = Value::String(
          absl::StrCat(current.is_string() ? current.string_view() : "",
                       f.invoke.value.string_view()));
    } else if (fn == "cas") {
      if (current == f.invoke.value.list()[0]) {
        state[k] = f.invoke.value.list()[1];
        written.push_back(f.invoke.value.list()[1]);
      } else {
        done.type = EventType::kFail;  // the compare failed
      }
    }
  };
  return Simulate(rng, options.processes, options.ops, options.info_probability,
                  options.fail_probability, start, apply);
}

std::vector<Event> GenerateSerialTxns(uint64_t seed,
                                      const TxnGenOptions& options) {
  Random rng(seed);
  const bool append = options.model == TxnModel::kListAppend;
  std::map<int64_t, std::vector<int64_t>> lists;  // list-append state
  std::map<int64_t, int64_t> registers;           // rw-register state
  std::map<int64_t, int> writes;                  // per key
  std::vector<int64_t> active;
  int64_t next_key = 0, next_value = 1;
  for (int i = 0; i < options.keys; ++i) active.push_back(next_key++);
  auto mop = [](const char* f, int64_t k, Value v) {
    return Value::MakeList({Value::String(f), Value::Int(k), std::move(v)});
  };
  auto start = [&](int) {
    Event e;
    e.f = "txn";
    Value::List mops;
    const int n = 1 + static_cast<int>(rng.Uniform(options.mops_max));
    for (int i = 0; i < n; ++i) {
      int64_t k = active[rng.Uniform(active.size())];
      if (rng.Bernoulli(0.5)) {
        mops.push_back(
            mop(append ? "append" : "w", k, Value::Int(next_value++)));
      } else {
        mops.push_back(mop("r", k, Value::Nil()));
      }
    }
    e.value = Value::MakeList(std::move(mops));
    return e;
  };
  auto apply = [&](Flight& f) {
    Value::List mops;
    for (const Value& m : f.invoke.value.list()) {
      const absl::string_view fn = m.list()[0].string_view();
      const int64_t k = m.list()[1].int_value();
      if (fn == "r") {
        Value read;
        if (append) {
          Value::List items;
          for (int64_t v : lists[k]) items.push_back(Value::Int(v));
          read = Value::MakeList(std::move(items));
        } else if (registers.count(k)) {
          read = Value::Int(registers[k]);
        }
        mops.push_back(mop("r", k, read));
        continue;
      }
      const int64_t v = m.list()[2].int_value();
      if (append) {
        lists[k].push_back(v);
      } else {
        registers[k] = v;
      }
      mops.push_back(m);
      if (++writes[k] >= options.writes_per_key_max) {
        for (int64_t& a : active) {
          if (a == k) a = next_key++;
        }
      }
    }
    f.done.type = EventType::kOk;
    f.done.value = Value::MakeList(std::move(mops));
  };
  std::vector<Event> events =
      Simulate(rng, options.processes, options.txns, options.info_probability,
               options.fail_probability, start, apply);
  if (options.final_reads) {
    Flight f;
    Value::List reads;
    for (int64_t k : active) reads.push_back(mop("r", k, Value::Nil()));
    f.invoke.process = options.processes;
    f.invoke.f = "txn";
    f.invoke.value = Value::MakeList(std::move(reads));
    f.invoke.time = events.empty() ? 0 : events.back().time + 1;
    f.done = f.invoke;
    apply(f);
    f.done.time = f.invoke.time + 1;
    events.push_back(f.invoke);
    events.push_back(f.done);
  }
  return events;
}

History BuildHistory(const std::vector<Event>& events,
                     const std::string& source) {
  HistoryBuilder builder(source);
  for (const Event& e : events) EKV_CHECK_OK(builder.Add(e));
  return builder.Finish();
}

}  // namespace ekv::checkers
