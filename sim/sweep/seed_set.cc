#include "sim/sweep/seed_set.h"

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "engine/base/check.h"

namespace ekv::sweep {
namespace {

absl::Status BadRange(absl::string_view text, absl::string_view why) {
  return absl::InvalidArgumentError(absl::StrCat(
      "--seeds '", text, "': ", why, " (expected A..B, for example 1..200)"));
}

}  // namespace

absl::StatusOr<SeedRange> ParseSeedRange(absl::string_view text,
                                         uint64_t seeds_max) {
  SeedRange range;
  const size_t dots = text.find("..");
  if (dots == absl::string_view::npos) {
    if (!absl::SimpleAtoi(text, &range.first))
      return BadRange(text, "not a seed");
    range.last = range.first;
    return range;
  }
  if (!absl::SimpleAtoi(text.substr(0, dots), &range.first) ||
      !absl::SimpleAtoi(text.substr(dots + 2), &range.last)) {
    return BadRange(text, "the ends must be unsigned integers");
  }
  if (range.first > range.last)
    return BadRange(text, "the first seed is after the last");
  if (range.last - range.first >= seeds_max) {
    return BadRange(text, absl::StrCat("more than ", seeds_max, " seeds"));
  }
  return range;
}

absl::StatusOr<Shard> ParseShard(absl::string_view text) {
  Shard shard;
  const size_t slash = text.find('/');
  if (slash == absl::string_view::npos ||
      !absl::SimpleAtoi(text.substr(0, slash), &shard.index) ||
      !absl::SimpleAtoi(text.substr(slash + 1), &shard.count) ||
      shard.count == 0 || shard.index >= shard.count) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--shard '", text, "': expected K/N with 0 <= K < N, for example 0/8"));
  }
  return shard;
}

std::vector<uint64_t> SeedsOfShard(const SeedRange& range, const Shard& shard) {
  EKV_CHECK_LE(range.first, range.last);
  EKV_CHECK_LT(shard.index, shard.count);
  std::vector<uint64_t> seeds;
  const uint64_t span = range.last - range.first;
  for (uint64_t offset = shard.index; offset <= span; offset += shard.count) {
    seeds.push_back(range.first + offset);
    if (span - offset < shard.count) break;  // the next step would pass the end
  }
  return seeds;
}

std::string FormatSeedRange(const SeedRange& range) {
  return absl::StrCat(range.first, "..", range.last);
}

std::string FormatShard(const Shard& shard) {
  return absl::StrCat(shard.index, "/", shard.count);
}

}  // namespace ekv::sweep
