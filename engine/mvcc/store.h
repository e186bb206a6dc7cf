// The multi-version key-value store: every key keeps its versions ordered by
// commit timestamp, and every read names the timestamp it reads at.
//
// Semantics (what the model tests check at every timestamp):
// - A version is visible to a read at `ts` when commit_ts <= ts, it is not a
//   tombstone, and it has not expired (expire_at == 0 or ts < expire_at).
//   A read sees the newest version with commit_ts <= ts, if it is visible.
// - A key's versions have strictly increasing commit timestamps; a write at or
//   below a key's latest commit timestamp is refused as a write conflict.
// - ApplyMutations is the transactional write: with start_ts <= commit_ts it
//   aborts with a write conflict when any written key or any key of the read
//   set has a version committed after start_ts (serializable: a read-write
//   conflict aborts like a write-write one), and otherwise applies every
//   mutation at commit_ts, all or nothing.
// - Compact(min_ts) keeps, per key, the newest version at or below min_ts and
//   everything above it (dropping that newest one too when it is a tombstone
//   or has expired by min_ts): reads at ts >= min_ts are unchanged; reads and
//   transactions below the compaction point fail with a "compacted" error.
// - Snapshot() is a self-contained, checksummed byte string; Restore() of a
//   bad one changes nothing and returns a corruption error.
//
// Timestamps are HLC values (engine/hlc); expire_at is one too. Not
// thread-safe: one owner (the node's event loop). Pure: no I/O.
#ifndef EKV_ENGINE_MVCC_STORE_H_
#define EKV_ENGINE_MVCC_STORE_H_

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/container/btree_map.h"
#include "absl/container/inlined_vector.h"
#include "absl/container/node_hash_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "engine/base/probes.h"

namespace ekv::mvcc {

inline constexpr uint64_t kMaxTimestamp = ~uint64_t{0};

// Upper bound on one scan's `limit`: a scan is one event of the node's loop.
inline constexpr int kScanLimitMax = 100'000;

struct KvPair {
  std::string key;
  std::string value;

  friend bool operator==(const KvPair& a, const KvPair& b) {
    return a.key == b.key && a.value == b.value;
  }
};

// kAppend is a blind append, resolved when the mutation applies: the key's
// new value is the value before it (the latest visible one, or the group's
// own earlier write of the key; empty when absent) followed by `value`, with
// the expiry the key had (Redis's APPEND). Every replica resolves it against
// the same state, so all reach the same bytes.
enum class MutationOp : uint8_t { kPut, kDelete, kAppend };

struct Mutation {
  MutationOp op = MutationOp::kPut;
  std::string key;
  std::string value;       // kPut: the value; kAppend: the bytes appended
  uint64_t expire_at = 0;  // kPut only; 0: never expires
};

// One stored version. Exposed for tests and the FSM's state hash.
struct Version {
  uint64_t commit_ts = 0;
  uint64_t expire_at = 0;
  bool tombstone = false;
  std::string value;

  bool VisibleAt(uint64_t ts) const {
    return commit_ts <= ts && !tombstone && (expire_at == 0 || ts < expire_at);
  }
};

class Store {
 public:
  Store() = default;
  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;

  // Coverage probes bumped at conflicts (not owned; nullptr: none).
  void set_probes(ProbeCounters* probes) { probes_ = probes; }

  // Reads. Each fails with a kCompacted error when ts < compacted_ts().
  absl::StatusOr<std::optional<std::string>> GetAt(absl::string_view key,
                                                   uint64_t ts) const;
  absl::StatusOr<bool> ExistsAt(absl::string_view key, uint64_t ts) const;
  // Visible keys in [start, end) in ascending order; an empty `end` means no
  // upper bound. 1 <= limit <= kScanLimitMax.
  absl::StatusOr<std::vector<KvPair>> ScanAt(absl::string_view start,
                                             absl::string_view end, int limit,
                                             uint64_t ts) const;
  // The same range in descending order, starting from the largest key < end.
  absl::StatusOr<std::vector<KvPair>> ReverseScanAt(absl::string_view start,
                                                    absl::string_view end,
                                                    int limit,
                                                    uint64_t ts) const;

  // The commit timestamp of the key's newest version (tombstones included),
  // or nullopt when the store holds no version of it.
  std::optional<uint64_t> LatestCommitTS(absl::string_view key) const;
  // The largest commit timestamp ever applied (kept across compaction).
  uint64_t LastCommitTS() const { return last_commit_ts_; }

  // Single writes, each at commit_ts > the key's latest commit timestamp.
  absl::Status PutAt(absl::string_view key, absl::string_view value,
                     uint64_t commit_ts);
  absl::Status PutWithTTLAt(absl::string_view key, absl::string_view value,
                            uint64_t commit_ts, uint64_t expire_at);
  absl::Status DeleteAt(absl::string_view key, uint64_t commit_ts);
  // Re-writes the value visible at commit_ts with a new expiry (0: never).
  // Returns whether the key was visible; a missing key is left alone.
  absl::StatusOr<bool> ExpireAt(absl::string_view key, uint64_t expire_at,
                                uint64_t commit_ts);
  // Writes a tombstone at commit_ts for every key visible at commit_ts that
  // starts with `prefix` and not with `exclude_prefix` (empty: exclude none).
  // Returns how many keys it deleted.
  absl::StatusOr<int64_t> DeletePrefixAt(absl::string_view prefix,
                                         absl::string_view exclude_prefix,
                                         uint64_t commit_ts);

  // The transactional write described above. `mutations` may repeat a key:
  // they apply in order (a put or delete replaces what came before it, an
  // append extends it), as Resolve does at commit_ts. An appended key is
  // written: it is checked for write conflicts like any other.
  absl::Status ApplyMutations(absl::Span<const Mutation> mutations,
                              absl::Span<const std::string> read_keys,
                              uint64_t start_ts, uint64_t commit_ts);

  // The effect of `mutations`, in order, on the state visible at `ts`: one
  // put or delete per key, in key order, every append resolved.
  std::vector<Mutation> Resolve(absl::Span<const Mutation> mutations,
                                uint64_t ts) const;

  // Drops versions no read at ts >= min_ts can see. A min_ts at or below the
  // current compaction point does nothing.
  void Compact(uint64_t min_ts);
  uint64_t compacted_ts() const { return compacted_ts_; }

  std::string Snapshot() const;
  // Appends Snapshot() to `out` with a varint length before it (as
  // PutLengthPrefixed would), encoding it in place; `out` grows once, with
  // room for `trailing_bytes` more that the caller appends next.
  void AppendSnapshot(std::string* out, size_t trailing_bytes) const;
  absl::Status Restore(absl::string_view snapshot);
  // XXH64 over the replicated state (versions, last commit ts, compaction
  // point); equal on replicas that applied the same log.
  uint64_t StateHash() const;

  // Aborted transactions by cause and key prefix: "write|<prefix>" and
  // "read|<prefix>" (see ConflictPrefix). Local metrics, not replicated
  // state: not in snapshots or the state hash.
  const std::map<std::string, uint64_t>& WriteConflictCountsByPrefix() const {
    return conflict_counts_;
  }

  size_t key_count() const { return order_.size(); }
  size_t version_count() const { return version_count_; }
  // All versions of `key`, oldest first (tests and debugging).
  std::vector<Version> VersionsOf(absl::string_view key) const;

 private:
  using VersionList = absl::InlinedVector<Version, 1>;
  struct KeyVersions {
    VersionList versions;
    bool compactable = false;  // listed in compactable_
  };
  // Point reads and writes go through a hash index (one probe instead of a
  // deep descent: a btree of ~100-byte slots holds two or three per node);
  // ranges go through an ordered index of views of the hash index's keys,
  // whose nodes never move. Only the ordered index is ever iterated, so no
  // hash order reaches behaviour (DESIGN.md, determinism rule 2).
  using KeyIndex = absl::node_hash_map<std::string, KeyVersions>;
  using KeyOrder = absl::btree_map<absl::string_view, KeyVersions*>;

  const VersionList* Find(absl::string_view key) const;
  // Whether Compact may find something to drop in these versions: more than
  // one, or a tombstone, or an expiry.
  static bool MayCompact(const VersionList& versions);
  // Compacts one key's versions; returns how many it dropped.
  static size_t CompactVersions(VersionList& versions, uint64_t min_ts);
  static const Version* VersionAt(const VersionList& versions, uint64_t ts);
  absl::Status CheckReadable(uint64_t ts) const;
  absl::Status CheckWritable(absl::string_view key, uint64_t commit_ts) const;
  void AppendVersion(absl::string_view key, Version version);
  void CountConflict(absl::string_view cause, absl::string_view key);
  std::string EncodeState() const;
  // The exact size of EncodeState(), and that encoding appended to `out`
  // (its size checked), which grows once, with room for `trailing_bytes` more.
  size_t EncodedStateSize() const;
  void AppendState(size_t size, size_t trailing_bytes, std::string* out) const;

  KeyIndex index_;
  KeyOrder order_;
  // The keys that MayCompact, each once (KeyVersions::compactable), so that
  // Compact visits only them. In the order they became compactable: the
  // outcome of Compact does not depend on the order it visits keys in.
  std::vector<std::pair<absl::string_view, KeyVersions*>> compactable_;
  size_t version_count_ = 0;
  uint64_t last_commit_ts_ = 0;
  uint64_t compacted_ts_ = 0;
  std::map<std::string, uint64_t> conflict_counts_;
  ProbeCounters* probes_ = nullptr;
};

// The label under which a conflict on `key` is counted: the key up to and
// including its first '|' or ':' after the first byte (so "!txn|lock|k" gives
// "!txn|", "user:42" gives "user:"), or "" when it has none within 32 bytes.
absl::string_view ConflictPrefix(absl::string_view key);

}  // namespace ekv::mvcc

#endif  // EKV_ENGINE_MVCC_STORE_H_
