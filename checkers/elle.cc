#include "checkers/elle.h"

#include <algorithm>
#include <cstdint>
#include <memory>
#include <utility>

#include "absl/strings/str_cat.h"
#include "checkers/elle_inference.h"
#include "engine/base/status.h"

namespace ekv::checkers {
namespace {

// Real-time edges, transitively reduced: each txn gets an edge from every
// completed txn of the current "frontier" (those that nothing completed later
// follows), so a txn that precedes another in real time reaches it by a path.
void AddRealtimeEdges(const History& history, const TxnTable& table,
                      DepGraph* graph) {
  struct Event {
    int64_t position;
    bool completion;
    int txn;
    bool operator<(const Event& o) const { return position < o.position; }
  };
  std::vector<Event> events;
  const auto& txns = table.txns();
  for (int t = 0; t < static_cast<int>(txns.size()); ++t) {
    if (txns[t].type == OpType::kFail) continue;  // it never happened
    const Operation& op = history.ops[txns[t].op];
    events.push_back({op.invoke_event, false, t});
    if (txns[t].type == OpType::kOk) {
      events.push_back({op.complete_event, true, t});
    }
  }
  std::sort(events.begin(), events.end());
  std::vector<int> frontier;
  std::vector<bool> in_frontier(txns.size(), false);
  std::vector<std::vector<int>> predecessors(txns.size());
  for (const Event& e : events) {
    if (!e.completion) {
      for (int a : frontier) graph->AddEdge(a, e.txn, kRT);
      predecessors[e.txn] = frontier;
      continue;
    }
    for (int a : predecessors[e.txn]) in_frontier[a] = false;
    predecessors[e.txn].clear();
    frontier.erase(std::remove_if(frontier.begin(), frontier.end(),
                                  [&](int a) { return !in_frontier[a]; }),
                   frontier.end());
    frontier.push_back(e.txn);
    in_frontier[e.txn] = true;
  }
}

// Process-order edges: from each process's last completed txn to its next.
void AddProcessEdges(const History& history, const TxnTable& table,
                     DepGraph* graph) {
  std::vector<std::pair<int64_t, int>> by_process;  // (process, txn)
  const auto& txns = table.txns();
  for (int t = 0; t < static_cast<int>(txns.size()); ++t) {
    if (txns[t].type == OpType::kFail) continue;
    by_process.emplace_back(history.ops[txns[t].op].process, t);
  }
  // Txns are in invocation order already; a stable sort keeps it per process.
  std::stable_sort(
      by_process.begin(), by_process.end(),
      [](const auto& a, const auto& b) { return a.first < b.first; });
  int64_t process = INT64_MIN;
  int last_ok = -1;
  for (const auto& [p, t] : by_process) {
    if (p != process) {
      process = p;
      last_ok = -1;
    }
    if (last_ok >= 0) graph->AddEdge(last_ok, t, kPO);
    if (txns[t].type == OpType::kOk) last_ok = t;
  }
}

std::string ExplainOrderEdge(const History& history, const TxnTable& table,
                             int from, int to, uint8_t type) {
  const Operation& a = history.ops[table.txns()[from].op];
  const Operation& b = history.ops[table.txns()[to].op];
  const std::string ta = TxnName(history, table, from);
  const std::string tb = TxnName(history, table, to);
  if (type == kRT) {
    return absl::StrCat(ta, " completed (event ", a.complete_event, ") before ",
                        tb, " was invoked (event ", b.invoke_event, ")");
  }
  return absl::StrCat(ta, " and then ", tb, " ran on process ", a.process);
}

Anomaly ExplainCycle(const History& history, const TxnTable& table,
                     const Inference& inference, const Cycle& cycle) {
  Anomaly a;
  a.kind = cycle.kind;
  std::string chain;
  for (size_t i = 0; i < cycle.nodes.size(); ++i) {
    const int from = cycle.nodes[i];
    const int to = cycle.nodes[(i + 1) % cycle.nodes.size()];
    const uint8_t type = cycle.types[i];
    const std::string why =
        (type & (kRT | kPO)) != 0
            ? ExplainOrderEdge(history, table, from, to, type)
            : inference.Explain(from, to, type);
    absl::StrAppend(&chain, "T", table.txns()[from].op, " -",
                    EdgeTypeName(type), "-> ");
    a.details.push_back(absl::StrCat(EdgeTypeName(type), ": ", why));
    a.ops.push_back(table.txns()[from].op);
  }
  absl::StrAppend(&chain, "T", table.txns()[cycle.nodes[0]].op);
  a.summary = absl::StrCat("a cycle of ", cycle.nodes.size(), " txns: ", chain);
  return a;
}

int DirectKindRank(const std::string& kind) {
  static const char* const kKinds[] = {"G1a",
                                       "G1b",
                                       "internal",
                                       "garbage-read",
                                       "duplicate-elements",
                                       "incompatible-order",
                                       "cyclic-versions"};
  for (int i = 0; i < 7; ++i) {
    if (kind == kKinds[i]) return i;
  }
  return 7;
}

}  // namespace

absl::StatusOr<ElleResult> CheckTransactions(const History& history,
                                             TxnModel model,
                                             const ElleOptions& options) {
  EKV_ASSIGN_OR_RETURN(TxnTable table, TxnTable::Build(history, model));
  std::unique_ptr<Inference> inference =
      model == TxnModel::kListAppend ? MakeListAppendInference(history, table)
                                     : MakeRwRegisterInference(history, table);
  DepGraph graph(static_cast<int>(table.txns().size()));
  std::vector<Anomaly> direct;
  EKV_RETURN_IF_ERROR(inference->Run(&graph, &direct));
  if (options.realtime) AddRealtimeEdges(history, table, &graph);
  if (options.process_order) AddProcessEdges(history, table, &graph);
  graph.Finalize();
  const CycleSearchResult cycles = FindCycles(graph, options.cycles);

  ElleResult result;
  for (const Txn& t : table.txns()) {
    result.txns_ok += t.type == OpType::kOk;
    result.txns_info += t.type == OpType::kInfo;
    result.txns_fail += t.type == OpType::kFail;
  }
  result.edges = graph.edge_count();
  result.cycle_search_truncated = cycles.truncated;
  std::stable_sort(direct.begin(), direct.end(),
                   [](const Anomaly& a, const Anomaly& b) {
                     return DirectKindRank(a.kind) < DirectKindRank(b.kind);
                   });
  for (Anomaly& a : direct) {
    if (result.counts[a.kind]++ < options.anomalies_max_per_kind) {
      result.anomalies.push_back(std::move(a));
    }
  }
  for (const Cycle& c : cycles.cycles) {
    result.anomalies.push_back(ExplainCycle(history, table, *inference, c));
  }
  for (const auto& [kind, count] : cycles.counts) result.counts[kind] = count;
  if (!result.anomalies.empty() || cycles.components > 0) {
    result.verdict = Verdict::kInvalid;
  }
  return result;
}

Report ElleReport(const History& history, TxnModel model,
                  const ElleResult& result) {
  Report report;
  report.source = history.source;
  report.model = model == TxnModel::kListAppend ? "list-append" : "rw-register";
  report.verdict = result.verdict;
  const std::string txns = absl::StrCat(
      result.txns_ok + result.txns_info + result.txns_fail, " txns (",
      result.txns_ok, " ok, ", result.txns_info, " info, ", result.txns_fail,
      " failed), ", result.edges, " dependency edges");
  if (result.verdict == Verdict::kValid) {
    report.summary = absl::StrCat("no anomalies: ", txns);
  } else {
    std::string kinds;
    // Kinds in the order their examples are listed, then any others.
    std::vector<std::string> listed;
    for (const Anomaly& a : result.anomalies) {
      if (std::find(listed.begin(), listed.end(), a.kind) == listed.end()) {
        listed.push_back(a.kind);
      }
    }
    for (const auto& [kind, count] : result.counts) {
      if (std::find(listed.begin(), listed.end(), kind) == listed.end()) {
        listed.push_back(kind);
      }
    }
    for (const std::string& kind : listed) {
      absl::StrAppend(&kinds, kinds.empty() ? "" : ", ", kind, " x",
                      result.counts.at(kind));
    }
    report.summary = absl::StrCat("anomalies: ", kinds, "; ", txns);
  }
  if (result.cycle_search_truncated) {
    report.summary += " (cycle search budget ran out; more may exist)";
  }
  for (const Anomaly& a : result.anomalies) {
    Finding f;
    f.kind = a.kind;
    f.summary = a.summary;
    f.details = a.details;
    f.ops = a.ops;
    if (!a.details.empty()) f.order = a.ops;
    std::sort(f.ops.begin(), f.ops.end());
    f.ops.erase(std::unique(f.ops.begin(), f.ops.end()), f.ops.end());
    report.findings.push_back(std::move(f));
  }
  report.stats = {{"txns_ok", result.txns_ok},
                  {"txns_info", result.txns_info},
                  {"txns_fail", result.txns_fail},
                  {"edges", result.edges}};
  for (const auto& [kind, count] : result.counts) {
    report.stats.emplace_back(absl::StrCat("anomalies_", kind), count);
  }
  return report;
}

}  // namespace ekv::checkers
