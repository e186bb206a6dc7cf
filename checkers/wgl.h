// The Wing-Gong-Lowe linearizability search over one partition.
//
// Input: the partition's ops, each with the event position of its call and of
// its return (kNever for open-ended ops, whose returns all go after the last
// event), and a SequentialSpec. The search walks the history's events in
// order, linearizing a pending call whenever the spec accepts it, and
// backtracking when it reaches the return of an op it has not linearized. A
// cache of (set of linearized ops, state) pairs — a bitset and a state id,
// found through an incremental Zobrist hash — prunes configurations already
// explored, which is what makes the search practical (Lowe 2017).
//
// When every completed op is linearized the rest are open-ended and go last,
// so the search succeeds. On failure it returns the longest partial
// linearization it saw. Budgets (steps, cache bytes, an out-of-time callback)
// end the search with kUnknown; all but the callback are deterministic.
#ifndef EKV_CHECKERS_WGL_H_
#define EKV_CHECKERS_WGL_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "checkers/lin_model.h"

namespace ekv::checkers {

struct SearchOp {
  int64_t call = 0;  // event position of the invocation
  int64_t ret = 0;   // event position of the completion; kNever: open-ended
  bool open_ended = false;
};

struct SearchBudget {
  uint64_t steps_max = 0;  // 0: unbounded
  uint64_t cache_bytes_max = 1ULL << 30;
  // Polled every few thousand steps; true ends the search as unknown. May be
  // empty. Not deterministic: for command-line use, never in a simulation.
  std::function<bool()> out_of_time;
};

enum class SearchOutcome : uint8_t {
  kLinearizable,
  kNotLinearizable,
  kUnknown
};

struct SearchResult {
  SearchOutcome outcome = SearchOutcome::kUnknown;
  // A linearization of every completed op (when linearizable), or the longest
  // partial linearization found; part op indices in linearization order.
  std::vector<int> order;
  std::string unknown_reason;  // which budget ran out
  uint64_t steps = 0;
  uint64_t cache_entries = 0;
  uint64_t cache_bytes = 0;
};

// A search that can run in slices, so that several partitions can take turns
// deterministically and stop as soon as one of them is proven invalid.
class LinearizationSearch {
 public:
  // `ops` must be sorted by call position; `spec` is stepped with their
  // indices. Both must outlive the search.
  LinearizationSearch(SequentialSpec& spec, const std::vector<SearchOp>& ops,
                      const SearchBudget& budget);
  ~LinearizationSearch();
  LinearizationSearch(const LinearizationSearch&) = delete;
  LinearizationSearch& operator=(const LinearizationSearch&) = delete;

  // Runs up to `steps` more steps; true once the search has ended.
  bool Run(uint64_t steps);
  bool done() const;
  // The outcome so far; final once done().
  const SearchResult& result() const;

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

// Runs a whole search.
SearchResult SearchLinearization(SequentialSpec& spec,
                                 const std::vector<SearchOp>& ops,
                                 const SearchBudget& budget);

}  // namespace ekv::checkers

#endif  // EKV_CHECKERS_WGL_H_
