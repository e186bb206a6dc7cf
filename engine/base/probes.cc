#include "engine/base/probes.h"

#include "absl/strings/str_cat.h"
#include "engine/base/check.h"

namespace ekv {
namespace {

struct ProbeInfo {
  Probe probe;
  absl::string_view name;
  absl::string_view description;
};

constexpr std::array<ProbeInfo, kProbeCount> kProbes = {{
    {Probe::kLeaderChange, "leader_change", "a node became leader"},
    {Probe::kPreVoteRejected, "pre_vote_rejected", "a pre-vote was refused"},
    {Probe::kLeaseExpired, "lease_expired", "a leader's read lease expired"},
    {Probe::kLeaseReadFellBack, "lease_read_fell_back",
     "a lease read fell back to ReadIndex"},
    {Probe::kHlcCeilingRenewed, "hlc_ceiling_renewed",
     "an HLC ceiling was applied"},
    {Probe::kHlcIssueRefused, "hlc_issue_refused",
     "the HLC refused to issue at an expired ceiling"},
    {Probe::kSnapshotSent, "snapshot_sent", "a leader sent a snapshot"},
    {Probe::kSnapshotInstalled, "snapshot_installed",
     "a follower installed a snapshot"},
    {Probe::kWalTornTailRecovered, "wal_torn_tail_recovered",
     "recovery cut a torn record off a WAL tail"},
    {Probe::kCorruptRecordDetected, "corrupt_record_detected",
     "a checksum caught corrupt stored data"},
    {Probe::kTxnAbortedReadWriteConflict, "txn_aborted_read_write_conflict",
     "a transaction aborted: its read set changed"},
    {Probe::kTxnAbortedWriteWriteConflict, "txn_aborted_write_write_conflict",
     "a transaction aborted: its write set changed"},
    {Probe::kCompactionRan, "compaction_ran",
     "the MVCC store dropped old versions"},
    {Probe::kClientOpIndeterminate, "client_op_indeterminate",
     "a client operation ended with an unknown outcome"},
}};

const ProbeInfo& InfoOf(Probe probe) {
  const auto index = static_cast<size_t>(probe);
  EKV_CHECK_LT(index, kProbeCount);
  EKV_CHECK(kProbes[index].probe == probe) << "kProbes is out of enum order";
  return kProbes[index];
}

}  // namespace

absl::string_view ProbeName(Probe probe) { return InfoOf(probe).name; }

absl::string_view ProbeDescription(Probe probe) {
  return InfoOf(probe).description;
}

std::string ProbeCounters::ToJson() const {
  std::string out = "{";
  for (size_t i = 0; i < kProbeCount; ++i) {
    absl::StrAppend(&out, i == 0 ? "" : ",", "\"", kProbes[i].name,
                    "\":", counts_[i]);
  }
  out += "}";
  return out;
}

}  // namespace ekv
