#include "checkers/dep_graph.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "engine/base/check.h"

namespace ekv::checkers {
namespace {

constexpr uint8_t kData = kWW | kWR | kRW;
constexpr uint8_t kOrder = kRT | kPO;

// The type an edge is counted as on a path allowed `mask`: the mildest.
uint8_t Label(uint8_t types, uint8_t mask) {
  for (uint8_t t : {kWW, kWR, kPO, kRT, kRW}) {
    if (types & mask & t) return t;
  }
  return 0;
}

// Scratch space for the searches, sized once per graph.
class Searcher {
 public:
  Searcher(const DepGraph& graph, uint64_t visits_max)
      : graph_(graph),
        visits_max_(visits_max),
        group_(graph.nodes(), -1),
        index_(graph.nodes(), -1),
        low_(graph.nodes(), 0),
        on_stack_(graph.nodes(), false),
        seen_(graph.nodes(), 0),
        parent_(graph.nodes(), -1),
        parent_type_(graph.nodes(), 0) {}

  bool out_of_budget() const { return visits_ > visits_max_; }

  // Strongly connected components of the subgraph induced by `members` over
  // edges of types in `mask`, each sorted, in order of their smallest node.
  std::vector<std::vector<int>> Components(const std::vector<int>& members,
                                           uint8_t mask) {
    ++generation_;
    for (int m : members) {
      group_[m] = generation_;
      index_[m] = -1;
    }
    std::vector<std::vector<int>> components;
    int counter = 0;
    std::vector<int> stack;
    std::vector<std::pair<int, size_t>> frames;  // (node, next edge)
    for (int root : members) {
      if (index_[root] >= 0) continue;
      Visit(root, &counter, &stack, &frames);
      while (!frames.empty()) {
        auto& [v, next] = frames.back();
        const auto& edges = graph_.out(v);
        bool descended = false;
        while (next < edges.size()) {
          const auto [w, types] = edges[next++];
          if (!(types & mask) || group_[w] != generation_) continue;
          if (index_[w] < 0) {
            Visit(w, &counter, &stack, &frames);
            descended = true;
            break;
          }
          if (on_stack_[w]) low_[v] = std::min(low_[v], index_[w]);
        }
        if (descended) continue;
        const int done = v;
        frames.pop_back();
        if (!frames.empty()) {
          int parent = frames.back().first;
          low_[parent] = std::min(low_[parent], low_[done]);
        }
        if (low_[done] == index_[done]) {
          std::vector<int> component;
          int w;
          do {
            w = stack.back();
            stack.pop_back();
            on_stack_[w] = false;
            component.push_back(w);
          } while (w != done);
          std::sort(component.begin(), component.end());
          components.push_back(std::move(component));
        }
      }
    }
    std::sort(components.begin(), components.end());
    return components;
  }

  // Marks `members` as the nodes the next paths may use.
  void Restrict(const std::vector<int>& members) {
    ++generation_;
    for (int m : members) group_[m] = generation_;
  }

  // A shortest path from `from` to `to` over edges of types in `mask`, within
  // the last Restrict; appended to `cycle` (without `from`). False if none.
  bool Path(int from, int to, uint8_t mask, Cycle* cycle) {
    ++stamp_;
    std::vector<int> queue = {from};
    seen_[from] = stamp_;
    parent_[from] = -1;
    for (size_t head = 0; head < queue.size(); ++head) {
      int v = queue[head];
      if (++visits_ > visits_max_) return false;
      if (v == to) break;
      for (const auto& [w, types] : graph_.out(v)) {
        if (!(types & mask) || group_[w] != generation_ || seen_[w] == stamp_) {
          continue;
        }
        seen_[w] = stamp_;
        parent_[w] = v;
        parent_type_[w] = Label(types, mask);
        queue.push_back(w);
      }
    }
    if (seen_[to] != stamp_) return false;
    std::vector<int> nodes;
    std::vector<uint8_t> types;
    for (int v = to; v != from; v = parent_[v]) {
      nodes.push_back(v);
      types.push_back(parent_type_[v]);
    }
    // cycle->nodes ends with `from`; the path's edges come after it.
    for (size_t i = nodes.size(); i-- > 0;) {
      cycle->types.push_back(types[i]);
      if (i > 0) cycle->nodes.push_back(nodes[i]);
    }
    return true;
  }

 private:
  void Visit(int v, int* counter, std::vector<int>* stack,
             std::vector<std::pair<int, size_t>>* frames) {
    index_[v] = low_[v] = (*counter)++;
    stack->push_back(v);
    on_stack_[v] = true;
    frames->push_back({v, 0});
    ++visits_;
  }

  const DepGraph& graph_;
  uint64_t visits_max_;
  uint64_t visits_ = 0;
  int generation_ = 0;
  std::vector<int> group_;  // == generation_: in the current subset
  std::vector<int> index_;
  std::vector<int> low_;
  std::vector<bool> on_stack_;
  uint64_t stamp_ = 0;
  std::vector<uint64_t> seen_;
  std::vector<int> parent_;
  std::vector<uint8_t> parent_type_;
};

// The kind of a cycle, from the types of its edges.
std::string Classify(const Cycle& cycle) {
  int rw = 0, wr = 0, rt = 0, po = 0;
  for (uint8_t t : cycle.types) {
    rw += t == kRW;
    wr += t == kWR;
    rt += t == kRT;
    po += t == kPO;
  }
  std::string kind = rw >= 2   ? "G2-item"
                     : rw == 1 ? "G-single"
                     : wr > 0  ? "G1c"
                               : "G0";
  if (rt > 0) return kind + "-realtime";
  if (po > 0) return kind + "-process";
  return kind;
}

int KindRank(const std::string& kind) {
  static const char* const kOrderOfKinds[] = {
      "G0",          "G1c",          "G-single",          "G2-item",
      "G0-process",  "G1c-process",  "G-single-process",  "G2-item-process",
      "G0-realtime", "G1c-realtime", "G-single-realtime", "G2-item-realtime"};
  for (int i = 0; i < 12; ++i) {
    if (kind == kOrderOfKinds[i]) return i;
  }
  return 12;
}

class CycleFinder {
 public:
  CycleFinder(const DepGraph& graph, const CycleSearchOptions& options)
      : graph_(graph), options_(options), search_(graph, options.visits_max) {}

  CycleSearchResult Run() {
    std::vector<int> all(graph_.nodes());
    for (int i = 0; i < graph_.nodes(); ++i) all[i] = i;
    for (const std::vector<int>& component :
         search_.Components(all, kData | kOrder)) {
      if (component.size() < 2) continue;
      ++result_.components;
      found_.clear();
      SearchComponent(component);
      if (search_.out_of_budget()) {
        result_.truncated = true;
        break;
      }
    }
    std::stable_sort(result_.cycles.begin(), result_.cycles.end(),
                     [](const Cycle& a, const Cycle& b) {
                       return KindRank(a.kind) < KindRank(b.kind);
                     });
    return std::move(result_);
  }

 private:
  void SearchComponent(const std::vector<int>& component) {
    FindWithin(component, kWW, kWW);                   // G0
    FindWithin(component, kWW | kWR, kWR);             // G1c
    FindFromEdges(component, kRW, kData);              // G-single, G2-item
    FindFromEdges(component, kOrder, kData | kOrder);  // the -process and
                                                       // -realtime kinds
  }

  // Cycles over `mask` that contain an edge whose only types among `mask` are
  // `need`: exact, through the components of the restricted graph.
  void FindWithin(const std::vector<int>& component, uint8_t mask,
                  uint8_t need) {
    for (const std::vector<int>& sub : search_.Components(component, mask)) {
      if (sub.size() < 2) continue;
      search_.Restrict(sub);
      for (int u : sub) {
        for (const auto& [v, types] : graph_.out(u)) {
          if (Label(types, mask) != need ||
              !std::binary_search(sub.begin(), sub.end(), v)) {
            continue;
          }
          Cycle cycle;
          cycle.nodes = {u, v};
          cycle.types = {need};
          if (search_.Path(v, u, mask, &cycle)) return Keep(std::move(cycle));
        }
      }
    }
  }

  // Cycles through an edge whose types are only in `edge_types`, closed by a
  // path over `mask`: first the mildest path (without rw), then any.
  void FindFromEdges(const std::vector<int>& component, uint8_t edge_types,
                     uint8_t mask) {
    search_.Restrict(component);
    int attempts = 0;
    for (int u : component) {
      for (const auto& [v, types] : graph_.out(u)) {
        if ((types & (kData | kOrder) & ~edge_types) != 0 ||
            (types & edge_types) == 0 ||
            !std::binary_search(component.begin(), component.end(), v)) {
          continue;
        }
        if (++attempts > options_.attempts_max || search_.out_of_budget()) {
          return;
        }
        for (uint8_t path_mask : {static_cast<uint8_t>(mask & ~kRW), mask}) {
          Cycle cycle;
          cycle.nodes = {u, v};
          cycle.types = {Label(types, edge_types)};
          if (search_.Path(v, u, path_mask, &cycle)) {
            Keep(std::move(cycle));
            break;
          }
        }
      }
    }
  }

  void Keep(Cycle cycle) {
    cycle.kind = Classify(cycle);
    if (std::find(found_.begin(), found_.end(), cycle.kind) != found_.end()) {
      return;  // one example of each kind per component
    }
    found_.push_back(cycle.kind);
    if (result_.counts[cycle.kind]++ < options_.cycles_max_per_kind) {
      result_.cycles.push_back(std::move(cycle));
    }
  }

  const DepGraph& graph_;
  const CycleSearchOptions& options_;
  Searcher search_;
  CycleSearchResult result_;
  std::vector<std::string> found_;  // kinds found in the current component
};

}  // namespace

const char* EdgeTypeName(uint8_t type) {
  switch (type) {
    case kWW:
      return "ww";
    case kWR:
      return "wr";
    case kRW:
      return "rw";
    case kRT:
      return "rt";
    case kPO:
      return "po";
  }
  return "?";
}

void DepGraph::Finalize() {
  for (auto& edges : out_) {
    std::sort(edges.begin(), edges.end());
    size_t kept = 0;
    for (size_t i = 0; i < edges.size(); ++i) {
      if (kept > 0 && edges[kept - 1].first == edges[i].first) {
        edges[kept - 1].second |= edges[i].second;
      } else {
        edges[kept++] = edges[i];
      }
    }
    edges.resize(kept);
  }
}

int64_t DepGraph::edge_count() const {
  int64_t n = 0;
  for (const auto& edges : out_) n += edges.size();
  return n;
}

CycleSearchResult FindCycles(const DepGraph& graph,
                             const CycleSearchOptions& options) {
  return CycleFinder(graph, options).Run();
}

}  // namespace ekv::checkers
