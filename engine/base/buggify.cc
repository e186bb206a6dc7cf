#include "engine/base/buggify.h"

#include <utility>

#include "absl/strings/str_cat.h"

namespace ekv {

Buggify::Buggify(uint64_t run_seed, double site_rate, double fire_rate)
    : run_seed_(run_seed),
      site_rate_(site_rate),
      fire_rate_(fire_rate),
      random_(Random::ForStream(run_seed, "buggify/fire")) {}

bool Buggify::Fire(absl::string_view site) {
  auto indexed = site_index_.find(site);
  if (indexed == site_index_.end()) {
    Site fresh;
    fresh.enabled =
        Random::ForStream(run_seed_, absl::StrCat("buggify/site/", site))
            .Bernoulli(site_rate_);
    const auto it = sites_.emplace(std::string(site), fresh).first;
    indexed = site_index_.emplace(it->first, &it->second).first;
  }
  Site& state = *indexed->second;
  ++state.reached;
  if (!state.enabled || !random_.Bernoulli(fire_rate_)) return false;
  ++state.fired;
  ++fired_total_;
  if (on_fire_) on_fire_(site);
  return true;
}

}  // namespace ekv
