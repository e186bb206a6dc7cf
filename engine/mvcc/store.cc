#include "engine/mvcc/store.h"

#include <algorithm>
#include <utility>

#include "absl/container/btree_set.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "engine/base/check.h"
#include "engine/base/status.h"
#include "engine/mvcc/encoding.h"

namespace ekv::mvcc {
namespace {

constexpr absl::string_view kSnapshotMagic = "EKVMVCC1";
constexpr uint8_t kFlagTombstone = 0x01;
constexpr size_t kConflictPrefixBytesMax = 32;
// Conflict labels come from user keys; past this many, new prefixes share one
// label so the metrics map stays bounded.
constexpr size_t kConflictLabelsMax = 1024;

absl::Status CheckLimit(int limit) {
  if (limit < 1 || limit > kScanLimitMax) {
    return InvalidRequestError(absl::StrCat(
        "scan limit ", limit, " outside [1, ", kScanLimitMax, "]"));
  }
  return absl::OkStatus();
}

}  // namespace

absl::string_view ConflictPrefix(absl::string_view key) {
  const size_t end = std::min(key.size(), kConflictPrefixBytesMax);
  for (size_t i = 1; i < end; ++i) {
    if (key[i] == '|' || key[i] == ':') return key.substr(0, i + 1);
  }
  return absl::string_view();
}

const Store::VersionList* Store::Find(absl::string_view key) const {
  const auto it = index_.find(key);
  return it == index_.end() ? nullptr : &it->second.versions;
}

bool Store::MayCompact(const VersionList& versions) {
  return versions.size() > 1 || versions.back().tombstone ||
         versions.back().expire_at != 0;
}

const Version* Store::VersionAt(const VersionList& versions, uint64_t ts) {
  for (auto it = versions.rbegin(); it != versions.rend(); ++it) {
    if (it->commit_ts <= ts) return &*it;
  }
  return nullptr;
}

absl::Status Store::CheckReadable(uint64_t ts) const {
  if (ts < compacted_ts_) return CompactedError(ts, compacted_ts_);
  return absl::OkStatus();
}

absl::Status Store::CheckWritable(absl::string_view key,
                                  uint64_t commit_ts) const {
  if (commit_ts == 0) return InvalidRequestError("commit timestamp 0");
  const auto latest = LatestCommitTS(key);
  if (latest.has_value() && *latest >= commit_ts) {
    return WriteConflictError(key);
  }
  return absl::OkStatus();
}

void Store::AppendVersion(absl::string_view key, Version version) {
  auto [it, inserted] = index_.try_emplace(key);
  KeyVersions& entry = it->second;
  if (inserted) order_.emplace(absl::string_view(it->first), &entry);
  EKV_CHECK(entry.versions.empty() ||
            entry.versions.back().commit_ts < version.commit_ts)
      << "versions of a key must be appended in commit order";
  last_commit_ts_ = std::max(last_commit_ts_, version.commit_ts);
  entry.versions.push_back(std::move(version));
  ++version_count_;
  if (!entry.compactable && MayCompact(entry.versions)) {
    entry.compactable = true;
    compactable_.emplace_back(absl::string_view(it->first), &entry);
  }
}

void Store::CountConflict(absl::string_view cause, absl::string_view key) {
  std::string label = absl::StrCat(cause, "|", ConflictPrefix(key));
  if (conflict_counts_.size() >= kConflictLabelsMax &&
      conflict_counts_.count(label) == 0) {
    label = absl::StrCat(cause, "|(other)");
  }
  ++conflict_counts_[label];
}

absl::StatusOr<std::optional<std::string>> Store::GetAt(absl::string_view key,
                                                        uint64_t ts) const {
  EKV_RETURN_IF_ERROR(CheckReadable(ts));
  const VersionList* versions = Find(key);
  if (versions == nullptr) return std::optional<std::string>();
  const Version* version = VersionAt(*versions, ts);
  if (version == nullptr || !version->VisibleAt(ts)) {
    return std::optional<std::string>();
  }
  return std::optional<std::string>(version->value);
}

absl::StatusOr<bool> Store::ExistsAt(absl::string_view key, uint64_t ts) const {
  EKV_RETURN_IF_ERROR(CheckReadable(ts));
  const VersionList* versions = Find(key);
  if (versions == nullptr) return false;
  const Version* version = VersionAt(*versions, ts);
  return version != nullptr && version->VisibleAt(ts);
}

absl::StatusOr<std::vector<KvPair>> Store::ScanAt(absl::string_view start,
                                                  absl::string_view end,
                                                  int limit,
                                                  uint64_t ts) const {
  EKV_RETURN_IF_ERROR(CheckReadable(ts));
  EKV_RETURN_IF_ERROR(CheckLimit(limit));
  std::vector<KvPair> out;
  for (auto it = order_.lower_bound(start); it != order_.end(); ++it) {
    if (!end.empty() && it->first >= end) break;
    if (static_cast<int>(out.size()) >= limit) break;
    const Version* version = VersionAt(it->second->versions, ts);
    if (version != nullptr && version->VisibleAt(ts)) {
      out.push_back(KvPair{std::string(it->first), version->value});
    }
  }
  return out;
}

absl::StatusOr<std::vector<KvPair>> Store::ReverseScanAt(
    absl::string_view start, absl::string_view end, int limit,
    uint64_t ts) const {
  EKV_RETURN_IF_ERROR(CheckReadable(ts));
  EKV_RETURN_IF_ERROR(CheckLimit(limit));
  std::vector<KvPair> out;
  auto it = end.empty() ? order_.end() : order_.lower_bound(end);
  while (it != order_.begin() && static_cast<int>(out.size()) < limit) {
    --it;
    if (it->first < start) break;
    const Version* version = VersionAt(it->second->versions, ts);
    if (version != nullptr && version->VisibleAt(ts)) {
      out.push_back(KvPair{std::string(it->first), version->value});
    }
  }
  return out;
}

std::optional<uint64_t> Store::LatestCommitTS(absl::string_view key) const {
  const VersionList* versions = Find(key);
  if (versions == nullptr || versions->empty()) return std::nullopt;
  return versions->back().commit_ts;
}

absl::Status Store::PutAt(absl::string_view key, absl::string_view value,
                          uint64_t commit_ts) {
  return PutWithTTLAt(key, value, commit_ts, 0);
}

absl::Status Store::PutWithTTLAt(absl::string_view key, absl::string_view value,
                                 uint64_t commit_ts, uint64_t expire_at) {
  EKV_RETURN_IF_ERROR(CheckWritable(key, commit_ts));
  AppendVersion(key, Version{commit_ts, expire_at, false, std::string(value)});
  return absl::OkStatus();
}

absl::Status Store::DeleteAt(absl::string_view key, uint64_t commit_ts) {
  EKV_RETURN_IF_ERROR(CheckWritable(key, commit_ts));
  AppendVersion(key, Version{commit_ts, 0, true, std::string()});
  return absl::OkStatus();
}

absl::StatusOr<bool> Store::ExpireAt(absl::string_view key, uint64_t expire_at,
                                     uint64_t commit_ts) {
  const VersionList* versions = Find(key);
  if (versions == nullptr) return false;
  const Version* version = VersionAt(*versions, commit_ts);
  if (version == nullptr || !version->VisibleAt(commit_ts)) return false;
  EKV_RETURN_IF_ERROR(CheckWritable(key, commit_ts));
  std::string value = version->value;
  AppendVersion(key, Version{commit_ts, expire_at, false, std::move(value)});
  return true;
}

absl::StatusOr<int64_t> Store::DeletePrefixAt(absl::string_view prefix,
                                              absl::string_view exclude_prefix,
                                              uint64_t commit_ts) {
  // Validate every key first so a refused delete changes nothing.
  std::vector<absl::string_view> doomed;
  for (auto it = order_.lower_bound(prefix);
       it != order_.end() && absl::StartsWith(it->first, prefix); ++it) {
    if (!exclude_prefix.empty() &&
        absl::StartsWith(it->first, exclude_prefix)) {
      continue;
    }
    const Version* version = VersionAt(it->second->versions, commit_ts);
    if (version == nullptr || !version->VisibleAt(commit_ts)) continue;
    EKV_RETURN_IF_ERROR(CheckWritable(it->first, commit_ts));
    doomed.push_back(it->first);
  }
  for (absl::string_view key : doomed) {
    AppendVersion(key, Version{commit_ts, 0, true, std::string()});
  }
  return static_cast<int64_t>(doomed.size());
}

absl::Status Store::ApplyMutations(absl::Span<const Mutation> mutations,
                                   absl::Span<const std::string> read_keys,
                                   uint64_t start_ts, uint64_t commit_ts) {
  if (commit_ts == 0 || start_ts > commit_ts) {
    return InvalidRequestError(
        absl::StrCat("start ts ", start_ts, " after commit ts ", commit_ts));
  }
  if (start_ts < compacted_ts_) return CompactedError(start_ts, compacted_ts_);
  // The last mutation of each key wins; ordered by key for a deterministic
  // choice of which conflict is reported.
  absl::btree_map<absl::string_view, const Mutation*> writes;
  for (const Mutation& mutation : mutations) writes[mutation.key] = &mutation;
  for (const auto& [key, mutation] : writes) {
    const auto latest = LatestCommitTS(key);
    if (latest.has_value() && (*latest > start_ts || *latest >= commit_ts)) {
      CountConflict("write", key);
      EKV_PROBE(probes_, kTxnAbortedWriteWriteConflict);
      return WriteConflictError(key);
    }
  }
  absl::btree_set<absl::string_view> reads(read_keys.begin(), read_keys.end());
  for (absl::string_view key : reads) {
    const auto latest = LatestCommitTS(key);
    if (latest.has_value() && *latest > start_ts) {
      CountConflict("read", key);
      EKV_PROBE(probes_, kTxnAbortedReadWriteConflict);
      return WriteConflictError(key);
    }
  }
  for (Mutation& mutation : Resolve(mutations, commit_ts)) {
    const bool tombstone = mutation.op == MutationOp::kDelete;
    AppendVersion(
        mutation.key,
        Version{commit_ts, tombstone ? 0 : mutation.expire_at, tombstone,
                tombstone ? std::string() : std::move(mutation.value)});
  }
  return absl::OkStatus();
}

std::vector<Mutation> Store::Resolve(absl::Span<const Mutation> mutations,
                                     uint64_t ts) const {
  absl::btree_map<absl::string_view, Mutation> effects;
  for (const Mutation& mutation : mutations) {
    if (mutation.op != MutationOp::kAppend) {
      effects[mutation.key] = mutation;
      continue;
    }
    auto it = effects.find(mutation.key);
    if (it == effects.end()) {
      Mutation base{MutationOp::kPut, mutation.key, std::string(), 0};
      const VersionList* versions = Find(mutation.key);
      const Version* before =
          versions == nullptr ? nullptr : VersionAt(*versions, ts);
      if (before != nullptr && before->VisibleAt(ts)) {
        base.value = before->value;
        base.expire_at = before->expire_at;
      }
      it = effects.emplace(mutation.key, std::move(base)).first;
    } else if (it->second.op == MutationOp::kDelete) {
      it->second = Mutation{MutationOp::kPut, mutation.key, std::string(), 0};
    }
    it->second.value.append(mutation.value);
  }
  std::vector<Mutation> out;
  out.reserve(effects.size());
  for (auto& [key, effect] : effects) out.push_back(std::move(effect));
  return out;
}

size_t Store::CompactVersions(VersionList& versions, uint64_t min_ts) {
  // Index of the newest version at or below min_ts, if any.
  size_t keep = versions.size();
  for (size_t i = versions.size(); i > 0; --i) {
    if (versions[i - 1].commit_ts <= min_ts) {
      keep = i - 1;
      break;
    }
  }
  if (keep == versions.size()) return 0;
  const Version& floor = versions[keep];
  const bool dead =
      floor.tombstone || (floor.expire_at != 0 && floor.expire_at <= min_ts);
  const size_t drop = keep + (dead ? 1 : 0);
  versions.erase(versions.begin(), versions.begin() + drop);
  return drop;
}

void Store::Compact(uint64_t min_ts) {
  if (min_ts <= compacted_ts_) return;
  compacted_ts_ = min_ts;
  size_t kept = 0;
  for (size_t i = 0; i < compactable_.size(); ++i) {
    const auto [key, entry] = compactable_[i];
    version_count_ -= CompactVersions(entry->versions, min_ts);
    if (!entry->versions.empty() && MayCompact(entry->versions)) {
      compactable_[kept++] = compactable_[i];
      continue;
    }
    entry->compactable = false;
    if (entry->versions.empty()) {
      order_.erase(key);
      index_.erase(key);  // frees the key `key` views: last use
    }
  }
  compactable_.resize(kept);
}

size_t Store::EncodedStateSize() const {
  size_t size = kSnapshotMagic.size() + VarintLength(last_commit_ts_) +
                VarintLength(compacted_ts_) + VarintLength(order_.size());
  for (const auto& [key, versions] : order_) {
    size += VarintLength(key.size()) + key.size() +
            VarintLength(versions->versions.size());
    for (const Version& version : versions->versions) {
      size += VarintLength(version.commit_ts) +
              VarintLength(version.expire_at) + 1 +
              VarintLength(version.value.size()) + version.value.size();
    }
  }
  return size;
}

void Store::AppendState(size_t size, size_t trailing_bytes,
                        std::string* out) const {
  const size_t start = out->size();
  out->reserve(start + size + trailing_bytes);
  out->resize(start + size);
  char* const at = out->data() + start;
  FixedWriter writer(at);
  writer.Bytes(kSnapshotMagic);
  writer.Varint64(last_commit_ts_);
  writer.Varint64(compacted_ts_);
  writer.Varint64(order_.size());
  for (const auto& [key, versions] : order_) {
    writer.LengthPrefixed(key);
    writer.Varint64(versions->versions.size());
    for (const Version& version : versions->versions) {
      writer.Varint64(version.commit_ts);
      writer.Varint64(version.expire_at);
      writer.Byte(version.tombstone ? kFlagTombstone : 0);
      writer.LengthPrefixed(version.value);
    }
  }
  EKV_CHECK_EQ(static_cast<size_t>(writer.position() - at), size)
      << "EncodedStateSize is off";
}

std::string Store::EncodeState() const {
  std::string out;
  AppendState(EncodedStateSize(), 0, &out);
  return out;
}

std::string Store::Snapshot() const {
  std::string out;
  AppendState(EncodedStateSize(), /*trailing_bytes=*/8, &out);  // the seal
  SealWithChecksum(&out);
  return out;
}

void Store::AppendSnapshot(std::string* out, size_t trailing_bytes) const {
  const size_t size = EncodedStateSize();
  constexpr size_t kChecksumBytes = 8;
  PutVarint64(out, size + kChecksumBytes);
  const size_t start = out->size();
  AppendState(size, kChecksumBytes + trailing_bytes, out);
  PutFixed64(out, Checksum64(absl::string_view(*out).substr(start, size)));
}

uint64_t Store::StateHash() const { return Checksum64(EncodeState()); }

absl::Status Store::Restore(absl::string_view snapshot) {
  absl::string_view body;
  if (!OpenSealed(snapshot, &body)) {
    return CorruptionError("mvcc snapshot: checksum mismatch or truncated");
  }
  if (!absl::StartsWith(body, kSnapshotMagic)) {
    return CorruptionError("mvcc snapshot: bad magic");
  }
  Decoder in(body.substr(kSnapshotMagic.size()));
  const auto bad = [](absl::string_view what) {
    return CorruptionError(absl::StrCat("mvcc snapshot: bad ", what));
  };
  uint64_t last_commit_ts = 0, compacted_ts = 0, key_count = 0;
  if (!in.GetVarint64(&last_commit_ts) || !in.GetVarint64(&compacted_ts) ||
      !in.GetVarint64(&key_count)) {
    return bad("header");
  }
  KeyIndex index;
  KeyOrder order;
  std::vector<std::pair<absl::string_view, KeyVersions*>> compactable;
  size_t version_count = 0;
  absl::string_view previous_key;
  for (uint64_t k = 0; k < key_count; ++k) {
    absl::string_view key;
    uint64_t count = 0;
    if (!in.GetLengthPrefixed(&key) || !in.GetVarint64(&count) || count == 0 ||
        count > in.remaining()) {
      return bad("key entry");
    }
    if (k > 0 && key <= previous_key) return bad("key order");
    previous_key = key;
    VersionList versions;
    for (uint64_t v = 0; v < count; ++v) {
      Version version;
      uint8_t flags = 0;
      absl::string_view value;
      if (!in.GetVarint64(&version.commit_ts) ||
          !in.GetVarint64(&version.expire_at) || !in.GetByte(&flags) ||
          (flags & ~kFlagTombstone) != 0 || !in.GetLengthPrefixed(&value)) {
        return bad("version");
      }
      if (!versions.empty() && versions.back().commit_ts >= version.commit_ts) {
        return bad("version order");
      }
      if (version.commit_ts > last_commit_ts) return bad("commit timestamp");
      version.tombstone = (flags & kFlagTombstone) != 0;
      version.value = std::string(value);
      versions.push_back(std::move(version));
    }
    version_count += versions.size();
    auto [it, inserted] = index.try_emplace(key);
    EKV_CHECK(inserted) << "keys were checked to be strictly increasing";
    it->second.versions = std::move(versions);
    order.emplace_hint(order.end(), absl::string_view(it->first), &it->second);
    if (MayCompact(it->second.versions)) {
      it->second.compactable = true;
      compactable.emplace_back(absl::string_view(it->first), &it->second);
    }
  }
  if (!in.done()) return bad("trailing bytes");
  // Moving a node_hash_map keeps its nodes, so the views in `order` stay valid.
  index_ = std::move(index);
  order_ = std::move(order);
  compactable_ = std::move(compactable);
  version_count_ = version_count;
  last_commit_ts_ = last_commit_ts;
  compacted_ts_ = compacted_ts;
  return absl::OkStatus();
}

std::vector<Version> Store::VersionsOf(absl::string_view key) const {
  const VersionList* versions = Find(key);
  if (versions == nullptr) return {};
  return std::vector<Version>(versions->begin(), versions->end());
}

}  // namespace ekv::mvcc
