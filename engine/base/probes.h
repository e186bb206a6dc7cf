// Coverage probes (FoundationDB's CODE_PROBE idea): named counters that engine
// and simulator code bump when a rare event happens, so a sweep can show that
// it really drove clusters through leader changes, lease expiry, torn WAL tails
// and the like, and flag the probes no seed reached.
//
//   EKV_PROBE(env_.probes, kLeaderChange);
//
// The set of probes is fixed here, so a probe that never fires is visible as a
// zero. A ProbeCounters belongs to one run (or one server); nullptr counts
// nothing.
#ifndef EKV_ENGINE_BASE_PROBES_H_
#define EKV_ENGINE_BASE_PROBES_H_

#include <array>
#include <cstdint>
#include <string>

#include "absl/strings/string_view.h"

namespace ekv {

enum class Probe : uint8_t {
  kLeaderChange,           // a node became leader
  kPreVoteRejected,        // a pre-vote was refused
  kLeaseExpired,           // a leader's read lease ran out while it led
  kLeaseReadFellBack,      // a lease read fell back to ReadIndex
  kHlcCeilingRenewed,      // an HLC ceiling entry was applied
  kHlcIssueRefused,        // the HLC refused to issue at an expired ceiling
  kSnapshotSent,           // a leader sent a snapshot to a follower
  kSnapshotInstalled,      // a follower installed a snapshot
  kWalTornTailRecovered,   // recovery cut a torn record off the WAL's tail
  kCorruptRecordDetected,  // a checksum caught corrupt stored data
  kTxnAbortedReadWriteConflict,   // a transaction's read set changed under it
  kTxnAbortedWriteWriteConflict,  // a transaction's write set changed under it
  kCompactionRan,                 // the MVCC store dropped old versions
  kClientOpIndeterminate,  // a client operation ended with an unknown outcome
  kCount,
};

inline constexpr size_t kProbeCount = static_cast<size_t>(Probe::kCount);

// "leader_change", "pre_vote_rejected", ... stable, for output and JSON.
absl::string_view ProbeName(Probe probe);
// What the probe means, in a few words.
absl::string_view ProbeDescription(Probe probe);

class ProbeCounters {
 public:
  void Hit(Probe probe) { ++counts_[static_cast<size_t>(probe)]; }
  uint64_t count(Probe probe) const {
    return counts_[static_cast<size_t>(probe)];
  }
  const std::array<uint64_t, kProbeCount>& counts() const { return counts_; }
  // {"leader_change":3,...} with every probe, in enum order.
  std::string ToJson() const;

 private:
  std::array<uint64_t, kProbeCount> counts_{};
};

}  // namespace ekv

#define EKV_PROBE(probes, probe)                  \
  do {                                            \
    ::ekv::ProbeCounters* ekv_probes_ = (probes); \
    if (ekv_probes_ != nullptr) {                 \
      ekv_probes_->Hit(::ekv::Probe::probe);      \
    }                                             \
  } while (0)

#endif  // EKV_ENGINE_BASE_PROBES_H_
