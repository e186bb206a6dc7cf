// A transaction dependency graph and the search for its anomalous cycles.
//
// Edges carry a set of types (Adya's dependencies, plus ordering):
//   ww  T1 installed a version that T2's write directly follows,
//   wr  T2 read a version T1 installed,
//   rw  T1 read a version that T2's write directly follows (anti-dependency),
//   rt  T1 completed before T2 was invoked (real time),
//   po  T1 and T2 are successive ops of one process.
// A serializable history has no cycle of ww, wr and rw edges; a strictly
// serializable one none when rt edges are added.
//
// FindCycles runs Tarjan's algorithm, then searches each strongly connected
// component for short example cycles of each kind, breadth first:
//   G0        ww edges only;
//   G1c       ww and wr, at least one wr;
//   G-single  exactly one rw, the rest ww or wr;
//   G2-item   two or more rw;
// and, when rt or po edges are present, the same kinds for cycles that need
// them, named with "-realtime" (an rt edge) or "-process" (po edges only).
// G0 and G1c are found exactly (components of the restricted graphs); the
// others by trying at most `attempts_max` edges per component, within a total
// budget of node visits. Output order is deterministic.
#ifndef EKV_CHECKERS_DEP_GRAPH_H_
#define EKV_CHECKERS_DEP_GRAPH_H_

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace ekv::checkers {

enum EdgeType : uint8_t {
  kWW = 1,
  kWR = 2,
  kRW = 4,
  kRT = 8,
  kPO = 16,
};

// "ww", "wr", "rw", "rt", "po" for a single type.
const char* EdgeTypeName(uint8_t type);

class DepGraph {
 public:
  explicit DepGraph(int nodes) : out_(nodes) {}

  // Adds `type` to the edge from -> to; self edges are ignored.
  void AddEdge(int from, int to, uint8_t type) {
    if (from != to) out_[from].push_back({to, type});
  }
  // Merges parallel edges; call once, after the last AddEdge.
  void Finalize();

  int nodes() const { return static_cast<int>(out_.size()); }
  int64_t edge_count() const;
  // (to, types) pairs, sorted by `to`, after Finalize.
  const std::vector<std::pair<int, uint8_t>>& out(int node) const {
    return out_[node];
  }

 private:
  std::vector<std::vector<std::pair<int, uint8_t>>> out_;
};

struct Cycle {
  std::string kind;
  // nodes[i] -> nodes[i+1] (and the last back to the first) by a dependency
  // of type types[i].
  std::vector<int> nodes;
  std::vector<uint8_t> types;
};

struct CycleSearchOptions {
  int cycles_max_per_kind = 4;  // example cycles kept for each kind
  int attempts_max = 64;        // edges tried per component for bounded kinds
  uint64_t visits_max = 100'000'000;  // node visits by all searches
};

struct CycleSearchResult {
  std::vector<Cycle> cycles;  // grouped by kind, in a fixed kind order
  // For each kind found: the number of components that show it.
  std::map<std::string, int64_t> counts;
  int64_t components = 0;  // nontrivial strongly connected components
  bool truncated = false;  // the visit budget ran out
};

CycleSearchResult FindCycles(const DepGraph& graph,
                             const CycleSearchOptions& options);

}  // namespace ekv::checkers

#endif  // EKV_CHECKERS_DEP_GRAPH_H_
