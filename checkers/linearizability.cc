#include "checkers/linearizability.h"

#include <algorithm>
#include <atomic>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <utility>

#include "absl/strings/str_cat.h"
#include "checkers/syntax.h"
#include "engine/base/check.h"
#include "engine/base/status.h"

namespace ekv::checkers {
namespace {

std::string PartitionName(const std::optional<Value>& key) {
  return key.has_value() ? absl::StrCat("key ", key->ToText())
                         : std::string("the ops without a key");
}

struct PartitionWork {
  std::vector<PartOp> part_ops;
  std::vector<SearchOp> search_ops;
  std::unique_ptr<SequentialSpec> spec;  // alive while the search runs
  std::unique_ptr<LinearizationSearch> search;
  std::optional<Finding> finding;
};

// Lines listing `ops` (part indices) of a partition, at most `max` of them.
void ListOps(const History& history, const PartitionResult& p,
             const std::vector<int>& part_indices, size_t max,
             absl::string_view indent, std::vector<std::string>* lines) {
  for (size_t i = 0; i < part_indices.size() && i < max; ++i) {
    const Operation& op = history.ops[p.ops[part_indices[i]]];
    lines->push_back(absl::StrCat(indent, op.Where(), ": p", op.process, " ",
                                  op.Describe()));
  }
  if (part_indices.size() > max) {
    lines->push_back(
        absl::StrCat(indent, "... and ", part_indices.size() - max, " more"));
  }
}

// Explains a partition that has no linearization: the longest partial one,
// the state it leaves, the op whose return blocks, and why each op that
// could come next cannot.
Finding ExplainFailure(const History& history, const PartitionResult& p,
                       const PartitionWork& work, SequentialSpec& spec,
                       const LinearizabilityOptions& options) {
  const std::vector<int>& best = p.search.order;
  const int n = static_cast<int>(p.ops.size());
  std::vector<bool> placed(n, false);
  uint64_t state = spec.InitialState();
  std::vector<std::string> steps;
  for (size_t k = 0; k < best.size(); ++k) {
    int i = best[k];
    EKV_CHECK(spec.Step(state, i, &state)) << "partial linearization replays";
    placed[i] = true;
    if (k + options.explain_ops_max >= best.size()) {
      const Operation& op = history.ops[p.ops[i]];
      steps.push_back(absl::StrCat("  ", k + 1, ". ", op.Where(), ": p",
                                   op.process, " ", op.Describe(), "  => ",
                                   spec.DescribeState(state)));
    }
  }
  int blocking = -1;
  for (int i = 0; i < n; ++i) {
    if (placed[i] || work.search_ops[i].open_ended) continue;
    if (blocking < 0 ||
        work.search_ops[i].ret < work.search_ops[blocking].ret) {
      blocking = i;
    }
  }
  EKV_CHECK_GE(blocking, 0);
  std::vector<int> rejected, accepted;
  for (int i = 0; i < n; ++i) {
    if (placed[i] || work.search_ops[i].call > work.search_ops[blocking].ret) {
      continue;
    }
    uint64_t next;
    (spec.Step(state, i, &next) ? accepted : rejected).push_back(i);
  }
  const Operation& blocker = history.ops[p.ops[blocking]];
  Finding f;
  f.kind = "not-linearizable";
  f.summary = absl::StrCat(
      PartitionName(p.key), ": the longest partial linearization orders ",
      best.size(), " of ", n, " ops; then ", blocker.Describe(), " (",
      blocker.Where(), ") cannot be placed");
  f.details.push_back(absl::StrCat("longest partial linearization (",
                                   best.size(), " ops), ending:"));
  if (best.size() > static_cast<size_t>(options.explain_ops_max)) {
    f.details.push_back(absl::StrCat(
        "  ... ", best.size() - options.explain_ops_max, " earlier ops"));
  }
  f.details.insert(f.details.end(), steps.begin(), steps.end());
  f.details.push_back(absl::StrCat("after it ", spec.DescribeState(state),
                                   ", and none of the ops that may come next "
                                   "leads to a linearization:"));
  for (int i : rejected) {
    const Operation& op = history.ops[p.ops[i]];
    f.details.push_back(absl::StrCat("  ", op.Where(), ": p", op.process, " ",
                                     op.Describe(), ": ",
                                     spec.WhyNot(state, i)));
    f.ops.push_back(op.index);
  }
  if (!accepted.empty()) {
    f.details.push_back(
        "  these fit now, but every order of the remaining ops fails after:");
    ListOps(history, p, accepted, options.explain_ops_max, "    ", &f.details);
    for (int i : accepted) f.ops.push_back(history.ops[p.ops[i]].index);
  }
  std::sort(f.ops.begin(), f.ops.end());
  for (int i : best) f.order.push_back(p.ops[i]);
  return f;
}

Finding ExplainUnknown(const History& history, const PartitionResult& p) {
  Finding f;
  f.kind = "unknown";
  f.summary = absl::StrCat(PartitionName(p.key), ": ", p.search.unknown_reason,
                           " after ", p.search.steps, " steps and ",
                           p.search.cache_entries, " cached configurations");
  f.details.push_back(
      absl::StrCat("the longest partial linearization so far "
                   "orders ",
                   p.search.order.size(), " of ", p.ops.size(), " ops"));
  for (int i : p.search.order) f.order.push_back(p.ops[i]);
  (void)history;
  return f;
}

// Gives one partition's search one slice; when it ends, keeps its result and
// explanation and frees the search.
void RunSlice(const History& history, const Model& model,
              const LinearizabilityOptions& options, uint64_t slice,
              PartitionResult* p, PartitionWork* w) {
  if (w->search == nullptr) {
    w->spec = model.Compile(w->part_ops);
    w->search = std::make_unique<LinearizationSearch>(*w->spec, w->search_ops,
                                                      options.budget);
  }
  if (!w->search->Run(slice)) return;
  p->search = w->search->result();
  if (p->search.outcome == SearchOutcome::kNotLinearizable) {
    w->finding = ExplainFailure(history, *p, *w, *w->spec, options);
  } else if (p->search.outcome == SearchOutcome::kUnknown) {
    w->finding = ExplainUnknown(history, *p);
  }
  w->search.reset();
  w->spec.reset();
}

// Runs `count` tasks on up to `threads` threads (the caller's included).
template <typename Task>
void RunParallel(size_t count, int threads, Task task) {
  std::atomic<size_t> next{0};
  auto worker = [&] {
    for (size_t k; (k = next.fetch_add(1)) < count;) task(k);
  };
  const size_t extra = std::min<size_t>(std::max(threads, 1), count) - 1;
  std::vector<std::thread> pool;
  for (size_t t = 0; t < extra; ++t) pool.emplace_back(worker);
  worker();
  for (std::thread& t : pool) t.join();
}

// Searches the partitions in rounds: each unfinished one gets a slice per
// round. Which partitions end in which round does not depend on threads.
void SearchAll(const History& history, const Model& model,
               const LinearizabilityOptions& options,
               std::vector<PartitionResult>* partitions,
               std::vector<PartitionWork>* work) {
  std::vector<size_t> running(partitions->size());
  for (size_t i = 0; i < running.size(); ++i) running[i] = i;
  uint64_t slice = std::max<uint64_t>(options.slice_steps, 1);
  while (!running.empty()) {
    RunParallel(running.size(), options.threads, [&](size_t k) {
      size_t i = running[k];
      RunSlice(history, model, options, slice, &(*partitions)[i], &(*work)[i]);
    });
    std::vector<size_t> still;
    bool failed = false;
    for (size_t i : running) {
      if ((*work)[i].search != nullptr) {
        still.push_back(i);
      } else {
        failed |=
            (*partitions)[i].search.outcome == SearchOutcome::kNotLinearizable;
      }
    }
    if (failed && options.stop_at_first_invalid) {
      for (size_t i : still) {
        PartitionResult& p = (*partitions)[i];
        p.search = (*work)[i].search->result();
        p.search.order.clear();
        p.stopped = true;
        (*work)[i].search.reset();
        (*work)[i].spec.reset();
      }
      return;
    }
    running.swap(still);
    slice = std::min(slice * 2, std::max(options.slice_steps_max, slice));
  }
}

}  // namespace

absl::StatusOr<LinearizabilityResult> CheckLinearizability(
    const History& history, const Model& model,
    const LinearizabilityOptions& options) {
  LinearizabilityResult result;
  std::map<std::optional<Value>, std::vector<PartOp>> by_key;
  for (const Operation& op : history.ops) {
    if (absl::Status s = model.Validate(op); !s.ok()) {
      return AddContext(s, history.source);
    }
    OpRole role = model.Role(op);
    if (role == OpRole::kSkip) {
      ++result.ops_skipped;
      continue;
    }
    ++result.ops_checked;
    by_key[model.PartitionKey(op)].push_back({&op, role});
  }
  std::vector<PartitionWork> work;
  for (auto& [key, part_ops] : by_key) {
    PartitionResult p;
    p.key = key;
    PartitionWork w;
    for (const PartOp& part : part_ops) {
      p.ops.push_back(part.op->index);
      SearchOp s;
      s.call = part.op->invoke_event;
      s.open_ended = part.role == OpRole::kOpenEnded;
      s.ret = s.open_ended ? Operation::kNever : part.op->complete_event;
      w.search_ops.push_back(s);
    }
    w.part_ops = std::move(part_ops);
    result.partitions.push_back(std::move(p));
    work.push_back(std::move(w));
  }
  SearchAll(history, model, options, &result.partitions, &work);
  for (size_t i = 0; i < work.size(); ++i) {
    const SearchOutcome outcome = result.partitions[i].search.outcome;
    if (result.partitions[i].stopped) continue;
    result.verdict = CombineVerdicts(
        result.verdict,
        outcome == SearchOutcome::kLinearizable      ? Verdict::kValid
        : outcome == SearchOutcome::kNotLinearizable ? Verdict::kInvalid
                                                     : Verdict::kUnknown);
    if (work[i].finding.has_value() &&
        result.findings.size() < static_cast<size_t>(options.findings_max)) {
      result.findings.push_back(std::move(*work[i].finding));
    }
  }
  return result;
}

Report LinearizabilityReport(const History& history, const Model& model,
                             const LinearizabilityResult& result) {
  Report report;
  report.source = history.source;
  report.model = std::string(model.name());
  report.verdict = result.verdict;
  int64_t invalid = 0, unknown = 0, stopped = 0, steps = 0, cache_entries = 0,
          cache_bytes_max = 0;
  for (const PartitionResult& p : result.partitions) {
    stopped += p.stopped;
    invalid +=
        !p.stopped && p.search.outcome == SearchOutcome::kNotLinearizable;
    unknown += !p.stopped && p.search.outcome == SearchOutcome::kUnknown;
    steps += p.search.steps;
    cache_entries += p.search.cache_entries;
    cache_bytes_max = std::max<int64_t>(cache_bytes_max, p.search.cache_bytes);
  }
  const int64_t parts = result.partitions.size();
  const std::string counts = absl::StrCat(
      history.ops.size(), " ops (", result.ops_skipped, " skipped) in ", parts,
      parts == 1 ? " partition" : " partitions");
  switch (result.verdict) {
    case Verdict::kValid:
      report.summary = absl::StrCat("linearizable: ", counts);
      break;
    case Verdict::kInvalid:
      report.summary = absl::StrCat("not linearizable: ", invalid, " of ",
                                    counts, " have no linearization");
      if (stopped > 0) {
        absl::StrAppend(&report.summary, " (", stopped,
                        " not searched to the end)");
      }
      break;
    case Verdict::kUnknown:
      report.summary = absl::StrCat("undecided: ", unknown, " of ", counts,
                                    " ran out of budget");
      break;
  }
  report.findings = result.findings;
  report.stats = {{"ops", static_cast<int64_t>(history.ops.size())},
                  {"ops_checked", result.ops_checked},
                  {"ops_skipped", result.ops_skipped},
                  {"partitions", parts},
                  {"partitions_invalid", invalid},
                  {"partitions_unknown", unknown},
                  {"partitions_stopped", stopped},
                  {"search_steps", steps},
                  {"cache_entries", cache_entries},
                  {"cache_bytes_max", cache_bytes_max}};
  return report;
}

}  // namespace ekv::checkers
