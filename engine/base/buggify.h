// BUGGIFY: rare paths marked in engine code and forced on in simulation only
// (FoundationDB's idea).
//
//   if (EKV_BUGGIFY(env_.buggify)) { /* take the rare path */ }
//   if (EKV_BUGGIFY_AT(env_.buggify, "raft/append/truncate_batch")) { ... }
//
// A Buggify object belongs to one simulated run; the real server passes
// nullptr, which never fires. In a run, each site (a name; EKV_BUGGIFY uses
// file:line) is switched on for the whole run with probability site_rate,
// decided from the run seed and the site's name alone, so it does not depend
// on the order sites are reached. An enabled site then fires with probability
// fire_rate each time it is reached, drawn from the run's "buggify" stream.
// No global state: two runs in one process never influence each other.
// Not thread-safe: one run, one event loop.
#ifndef EKV_ENGINE_BASE_BUGGIFY_H_
#define EKV_ENGINE_BASE_BUGGIFY_H_

#include <cstdint>
#include <functional>
#include <map>
#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/string_view.h"
#include "engine/base/random.h"

namespace ekv {

class Buggify {
 public:
  struct Site {
    bool enabled = false;
    uint64_t reached = 0;
    uint64_t fired = 0;
  };

  Buggify(uint64_t run_seed, double site_rate, double fire_rate);
  Buggify(const Buggify&) = delete;
  Buggify& operator=(const Buggify&) = delete;

  // Whether the rare path at `site` runs this time.
  bool Fire(absl::string_view site);

  // Called with the site's name each time a site fires (the simulator folds
  // it into the trace). Optional.
  void set_on_fire(std::function<void(absl::string_view)> on_fire) {
    on_fire_ = std::move(on_fire);
  }

  // Every site reached so far, by name.
  const std::map<std::string, Site, std::less<>>& sites() const {
    return sites_;
  }
  uint64_t fired_total() const { return fired_total_; }

 private:
  uint64_t run_seed_;
  double site_rate_;
  double fire_rate_;
  Random random_;
  std::map<std::string, Site, std::less<>> sites_;
  // The same sites hashed by name (views of sites_'s keys, whose nodes never
  // move): sites are reached many thousand times a run, and the ordered map's
  // name comparisons showed in profiles. Looked up, never iterated.
  absl::flat_hash_map<absl::string_view, Site*> site_index_;
  uint64_t fired_total_ = 0;
  std::function<void(absl::string_view)> on_fire_;
};

}  // namespace ekv

#define EKV_BUGGIFY_STRINGIFY_(x) #x
#define EKV_BUGGIFY_LINE_(x) EKV_BUGGIFY_STRINGIFY_(x)

// True when the run's Buggify fires at the named site; false for nullptr.
#define EKV_BUGGIFY_AT(buggify, site) \
  ((buggify) != nullptr && (buggify)->Fire(site))

// The same, with this file and line as the site's name.
#define EKV_BUGGIFY(buggify) \
  EKV_BUGGIFY_AT(buggify, __FILE__ ":" EKV_BUGGIFY_LINE_(__LINE__))

#endif  // EKV_ENGINE_BASE_BUGGIFY_H_
