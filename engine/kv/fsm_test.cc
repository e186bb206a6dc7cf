#include "engine/kv/fsm.h"

#include <memory>
#include <string>
#include <vector>

#include "engine/base/status.h"
#include "engine/kv/operation.h"
#include "engine/proto/kv.pb.h"
#include "engine/txn/txn_codec.h"
#include "engine/txn/txn_keys.h"
#include "gtest/gtest.h"
#include "rapidcheck.h"
#include "rapidcheck/gtest.h"

namespace ekv::kv {
namespace {

class FixedClock final : public Clock {
 public:
  int64_t MonotonicNanos() override { return 0; }
  int64_t WallNanos() override { return 1'700'000'000'000 * kNanosPerMilli; }
};

// One replica: store, clock, HLC and FSM, with a log index of its own.
struct Replica {
  Replica() : hlc(&clock, {}), fsm(&store, &hlc, FsmOptions{3}) {}
  ApplyResult Apply(const kvpb::Command& command) {
    return fsm.Apply(++index, command.SerializeAsString());
  }
  ApplyResult ApplyBytes(const std::string& bytes) {
    return fsm.Apply(++index, bytes);
  }
  std::optional<std::string> Get(const std::string& key, uint64_t ts) {
    auto got = store.GetAt(key, ts);
    EXPECT_TRUE(got.ok()) << got.status();
    return got.ok() ? *got : std::nullopt;
  }
  FixedClock clock;
  mvcc::Store store;
  hlc::Hlc hlc;
  Fsm fsm;
  uint64_t index = 0;
};

OperationGroup Puts(std::vector<std::pair<std::string, std::string>> kvs) {
  OperationGroup group;
  for (auto& [k, v] : kvs)
    group.elems.push_back(Elem{ElemOp::kPut, k, v, 0, ""});
  return group;
}

OperationGroup Tagged(OperationGroup group, uint64_t client, uint64_t seq) {
  group.client_id = client;
  group.seq = seq;
  return group;
}

TEST(Fsm, AppliesAWriteAtItsCommitTsAndObservesIt) {
  Replica r;
  ASSERT_TRUE(
      r.Apply(EncodeGroup(Puts({{"a", "1"}, {"b", "2"}}), 100)).status.ok());
  EXPECT_EQ(r.Get("a", 99), std::nullopt);
  EXPECT_EQ(r.Get("b", 100), "2");
  EXPECT_GE(r.hlc.Current(), 100u);
  EXPECT_EQ(r.fsm.applied_index(), 1u);
}

TEST(Fsm, ACommitTsNotAboveTheLastIsAnHlcRegression) {
  Replica r;
  ASSERT_TRUE(r.Apply(EncodeGroup(Puts({{"a", "1"}}), 100)).status.ok());
  const ApplyResult stale = r.Apply(EncodeGroup(Puts({{"b", "2"}}), 100));
  EXPECT_TRUE(IsErrorKind(stale.status, ErrorKind::kWriteConflict))
      << stale.status;
  EXPECT_EQ(r.fsm.stats().hlc_regressions, 1u);
  EXPECT_EQ(r.Get("b", 1000), std::nullopt);
}

TEST(Fsm, OnePhaseTransactionAbortsOnAChangedReadKey) {
  Replica r;
  ASSERT_TRUE(r.Apply(EncodeGroup(Puts({{"x", "0"}}), 100)).status.ok());
  OperationGroup txn = Puts({{"y", "1"}});
  txn.is_txn = true;
  txn.start_ts = 90;
  txn.read_keys = {"x"};
  const ApplyResult aborted = r.Apply(EncodeGroup(txn, 110));
  EXPECT_TRUE(IsErrorKind(aborted.status, ErrorKind::kWriteConflict));
  txn.start_ts = 100;
  const ApplyResult committed = r.Apply(EncodeGroup(txn, 120));
  ASSERT_TRUE(committed.status.ok()) << committed.status;
  EXPECT_EQ(committed.commit_ts, 120u);
  EXPECT_EQ(r.Get("y", 120), "1");
}

TEST(Fsm, ARetriedClientOperationAppliesOnce) {
  Replica r;
  const auto first =
      r.Apply(EncodeGroup(Tagged(Puts({{"a", "1"}}), 7, 1), 100));
  ASSERT_TRUE(first.status.ok());
  // The retry was proposed with a new timestamp; it must not apply again.
  const auto retry =
      r.Apply(EncodeGroup(Tagged(Puts({{"a", "1"}}), 7, 1), 200));
  EXPECT_TRUE(retry.status.ok());
  EXPECT_TRUE(retry.deduplicated);
  EXPECT_EQ(retry.commit_ts, 100u);
  EXPECT_EQ(r.store.VersionsOf("a").size(), 1u);
  EXPECT_TRUE(r.fsm.AppliedOutcome(7, 1).has_value());
  // An older seq is refused; a failed outcome replays as the same failure.
  EXPECT_TRUE(IsErrorKind(
      r.Apply(EncodeGroup(Tagged(Puts({{"a", "0"}}), 7, 0), 300)).status,
      ErrorKind::kInvalidRequest));
  const auto failed =
      r.Apply(EncodeGroup(Tagged(Puts({{"b", "1"}}), 7, 2), 50));
  EXPECT_TRUE(IsErrorKind(failed.status, ErrorKind::kWriteConflict));
  const auto replay =
      r.Apply(EncodeGroup(Tagged(Puts({{"b", "1"}}), 7, 2), 400));
  EXPECT_TRUE(IsErrorKind(replay.status, ErrorKind::kWriteConflict));
  EXPECT_EQ(replay.status.message(), failed.status.message());
  EXPECT_EQ(r.Get("b", 1000), std::nullopt);
}

OperationGroup Appends(std::vector<std::pair<std::string, std::string>> kvs) {
  OperationGroup group;
  for (auto& [k, v] : kvs) {
    group.elems.push_back(Elem{ElemOp::kAppend, k, v, 0, ""});
  }
  return group;
}

TEST(Fsm, AppendsResolveAtApplyAndARetryAppliesOnce) {
  Replica r;
  ASSERT_TRUE(r.Apply(EncodeGroup(Appends({{"l", "1,"}}), 100)).status.ok());
  OperationGroup txn = Tagged(Appends({{"l", "2,"}, {"l", "3,"}}), 7, 1);
  txn.is_txn = true;
  txn.start_ts = 100;
  ASSERT_TRUE(r.Apply(EncodeGroup(txn, 110)).status.ok());
  EXPECT_EQ(r.Get("l", 110), "1,2,3,");
  // The same operation proposed again, from a later start: applied once.
  txn.start_ts = 110;
  const ApplyResult retry = r.Apply(EncodeGroup(txn, 120));
  EXPECT_TRUE(retry.deduplicated);
  EXPECT_EQ(r.Get("l", 1000), "1,2,3,");
}

TEST(Fsm, PlantedRetryAppliedTwiceDuplicatesARetriedAppend) {
  Replica r;
  PlantedBugs bugs(PlantedBug::kRetryAppliedTwice);
  Fsm buggy(&r.store, &r.hlc, FsmOptions{3, &bugs});
  OperationGroup txn = Tagged(Appends({{"l", "1,"}}), 7, 1);
  txn.is_txn = true;
  txn.start_ts = 50;
  ASSERT_TRUE(
      buggy.Apply(1, EncodeGroup(txn, 100).SerializeAsString()).status.ok());
  txn.start_ts = 100;
  const ApplyResult retry =
      buggy.Apply(2, EncodeGroup(txn, 110).SerializeAsString());
  EXPECT_FALSE(retry.deduplicated);
  EXPECT_EQ(r.Get("l", 1000), "1,1,");
}

TEST(Fsm, ATransactionAppendingCommitsOnlyIfItsReadsHeld) {
  // Write skew: T1 reads x, appends to y; T2 reads y, appends to x; both
  // start at 100. Read-set validation aborts T2; the planted bug commits it.
  for (const bool planted : {false, true}) {
    Replica r;
    PlantedBugs bugs(PlantedBug::kTxnReadSetNotValidated);
    Fsm fsm(&r.store, &r.hlc, FsmOptions{3, planted ? &bugs : nullptr});
    ASSERT_TRUE(
        fsm.Apply(1, EncodeGroup(Appends({{"x", "0,"}, {"y", "0,"}}), 100)
                         .SerializeAsString())
            .status.ok());
    OperationGroup t1 = Appends({{"y", "1,"}});
    t1.is_txn = true;
    t1.start_ts = 100;
    t1.read_keys = {"x"};
    OperationGroup t2 = Appends({{"x", "2,"}});
    t2.is_txn = true;
    t2.start_ts = 100;
    t2.read_keys = {"y"};
    ASSERT_TRUE(
        fsm.Apply(2, EncodeGroup(t1, 110).SerializeAsString()).status.ok());
    const ApplyResult second =
        fsm.Apply(3, EncodeGroup(t2, 120).SerializeAsString());
    if (planted) {
      EXPECT_TRUE(second.status.ok()) << second.status;
      EXPECT_EQ(r.Get("x", 1000), "0,2,");
    } else {
      EXPECT_TRUE(IsErrorKind(second.status, ErrorKind::kWriteConflict));
      EXPECT_EQ(r.Get("x", 1000), "0,");
    }
  }
}

TEST(Fsm, GuardsMakeACompareAndSetWhoseFailureIsRecorded) {
  Replica r;
  OperationGroup cas = Tagged(Puts({{"k", "2"}}), 5, 1);
  cas.guards.push_back(Guard{"k", true, ""});  // expect absent
  ApplyResult first = r.Apply(EncodeGroup(cas, 100));
  ASSERT_TRUE(first.status.ok());
  EXPECT_FALSE(first.condition_failed);
  EXPECT_EQ(r.Get("k", 100), "2");
  cas = Tagged(Puts({{"k", "3"}}), 5, 2);
  cas.guards.push_back(Guard{"k", false, "1"});
  const ApplyResult mismatch = r.Apply(EncodeGroup(cas, 110));
  EXPECT_TRUE(mismatch.status.ok());
  EXPECT_TRUE(mismatch.condition_failed);
  EXPECT_EQ(r.Get("k", 200), "2");
  // A duplicate delivered later, when the comparison would hold, replays the
  // recorded failure instead of applying.
  ASSERT_TRUE(r.Apply(EncodeGroup(Puts({{"k", "1"}}), 120)).status.ok());
  const ApplyResult late = r.Apply(EncodeGroup(cas, 130));
  EXPECT_TRUE(late.deduplicated);
  EXPECT_TRUE(late.condition_failed);
  EXPECT_EQ(r.Get("k", 200), "1");
}

TEST(Fsm, DedupTableIsBoundedAndEvictsTheIdlestClient) {
  Replica r;  // dedup_clients_max = 3
  uint64_t ts = 100;
  for (uint64_t client = 1; client <= 4; ++client) {
    ASSERT_TRUE(
        r.Apply(EncodeGroup(Tagged(Puts({{"k", "v"}}), client, 1), ++ts))
            .status.ok());
  }
  EXPECT_FALSE(r.fsm.AppliedOutcome(1, 1).has_value());
  for (uint64_t client = 2; client <= 4; ++client) {
    EXPECT_TRUE(r.fsm.AppliedOutcome(client, 1).has_value());
  }
}

TEST(Fsm, LeaseEntriesAdvanceTheCeilingOnly) {
  Replica r;
  ASSERT_TRUE(r.Apply(HlcLeaseCommand(5000)).status.ok());
  ASSERT_TRUE(r.Apply(HlcLeaseCommand(4000)).status.ok());
  EXPECT_EQ(r.hlc.ceiling_ms(), 5000u);
  EXPECT_EQ(r.fsm.stats().hlc_leases, 2u);
}

TEST(Fsm, CompactionIsClampedToTheLastCommit) {
  Replica r;
  ASSERT_TRUE(r.Apply(EncodeGroup(Puts({{"a", "1"}}), 100)).status.ok());
  ASSERT_TRUE(r.Apply(CompactCommand(1'000'000)).status.ok());
  EXPECT_EQ(r.store.compacted_ts(), 100u);
  EXPECT_EQ(r.Get("a", 100), "1");
  EXPECT_TRUE(
      IsErrorKind(r.store.GetAt("a", 99).status(), ErrorKind::kCompacted));
}

TEST(Fsm, DeletePrefixSparesTransactionKeys) {
  Replica r;
  ASSERT_TRUE(r.store.PutAt(txn::TxnRollbackKey("p", 1), "r", 10).ok());
  ASSERT_TRUE(r.Apply(EncodeGroup(Puts({{"a", "1"}}), 100)).status.ok());
  OperationGroup wipe;
  wipe.elems.push_back(Elem{ElemOp::kDeletePrefix, "", "", 0, ""});
  ASSERT_TRUE(r.Apply(EncodeGroup(wipe, 200)).status.ok());
  EXPECT_EQ(r.Get("a", 200), std::nullopt);
  EXPECT_TRUE(*r.store.ExistsAt(txn::TxnRollbackKey("p", 1), 200));
  wipe.elems[0].exclude_prefix = "a";
  EXPECT_TRUE(IsErrorKind(r.Apply(EncodeGroup(wipe, 300)).status,
                          ErrorKind::kInvalidRequest));
}

TEST(Fsm, TwoPhaseCommandsRunThePercolatorPhases) {
  Replica r;
  kvpb::Command prepare;
  kvpb::Request* req = prepare.mutable_request();
  req->set_is_txn(true);
  req->set_phase(kvpb::PREPARE);
  req->set_ts(50);
  auto* meta = req->add_mutations();
  meta->set_key(txn::TxnMetaKey("a"));
  meta->set_value(txn::EncodeTxnMeta({"a", 1000, 0}));
  auto* put = req->add_mutations();
  put->set_key("a");
  put->set_value("1");
  ASSERT_TRUE(r.Apply(prepare).status.ok());
  // A non-transactional write to a locked key waits for the transaction.
  EXPECT_TRUE(IsErrorKind(r.Apply(EncodeGroup(Puts({{"a", "x"}}), 60)).status,
                          ErrorKind::kTxnLocked));
  kvpb::Command commit = prepare;
  commit.mutable_request()->set_phase(kvpb::COMMIT);
  commit.mutable_request()->mutable_mutations(0)->set_value(
      txn::EncodeTxnMeta({"a", 1000, 70}));
  ASSERT_TRUE(r.Apply(commit).status.ok());
  EXPECT_EQ(r.Get("a", 70), "1");
  kvpb::Command abort = commit;
  abort.mutable_request()->set_phase(kvpb::ABORT);
  EXPECT_TRUE(
      IsErrorKind(r.Apply(abort).status, ErrorKind::kTxnAlreadyCommitted));
}

TEST(Fsm, SnapshotRoundTripsAndACorruptOneChangesNothing) {
  Replica a, b;
  ASSERT_TRUE(
      a.Apply(EncodeGroup(Tagged(Puts({{"k", "v"}}), 9, 3), 100)).status.ok());
  ASSERT_TRUE(a.Apply(HlcLeaseCommand(777)).status.ok());
  const std::string snapshot = a.fsm.Snapshot();
  ASSERT_TRUE(b.fsm.Restore(snapshot).ok());
  EXPECT_EQ(b.fsm.StateHash(), a.fsm.StateHash());
  EXPECT_EQ(b.fsm.applied_index(), a.fsm.applied_index());
  EXPECT_EQ(b.hlc.ceiling_ms(), 777u);
  EXPECT_GE(b.hlc.Current(), 100u);
  EXPECT_TRUE(b.fsm.AppliedOutcome(9, 3).has_value());
  Replica c;
  const uint64_t empty_hash = c.fsm.StateHash();
  for (size_t i = 0; i < snapshot.size(); i += 7) {
    std::string bad = snapshot;
    bad[i] ^= 0x10;
    EXPECT_TRUE(IsErrorKind(c.fsm.Restore(bad), ErrorKind::kCorruption));
    EXPECT_EQ(c.fsm.StateHash(), empty_hash);
  }
}

// Random commands (valid ones, stale ones, retries, garbage) applied to two
// replicas give equal outcomes and equal state; a replica restored from a
// snapshot taken midway continues in step with them.
RC_GTEST_PROP(Fsm, ReplicasApplyingTheSameLogAgree, ()) {
  Replica a, b, c;
  const int steps = *rc::gen::inRange(1, 120);
  const int snapshot_at = *rc::gen::inRange(0, steps);
  uint64_t ts = 100;
  for (int i = 0; i < steps; ++i) {
    std::string bytes;
    const int kind = *rc::gen::inRange(0, 6);
    ts += *rc::gen::inRange(-2, 5);
    const std::string key(1, static_cast<char>('a' + *rc::gen::inRange(0, 4)));
    if (kind == 0) {
      bytes = *rc::gen::arbitrary<std::string>();
    } else if (kind == 1) {
      OperationGroup txn = Puts({{key, std::to_string(i)}});
      txn.is_txn = true;
      txn.start_ts = ts > 10 ? ts - *rc::gen::inRange<uint64_t>(1, 10) : 1;
      txn.read_keys = {
          std::string(1, static_cast<char>('a' + *rc::gen::inRange(0, 4)))};
      bytes = EncodeGroup(txn, ts).SerializeAsString();
    } else if (kind == 5) {
      OperationGroup cas = Tagged(Puts({{key, std::to_string(i)}}), 9,
                                  *rc::gen::inRange<uint64_t>(1, 4));
      cas.guards.push_back(Guard{key, *rc::gen::arbitrary<bool>(),
                                 std::to_string(*rc::gen::inRange(0, i + 1))});
      bytes = EncodeGroup(cas, ts).SerializeAsString();
    } else if (kind == 2) {
      bytes = CompactCommand(ts - *rc::gen::inRange<uint64_t>(0, 20))
                  .SerializeAsString();
    } else {
      const uint64_t client = *rc::gen::inRange<uint64_t>(1, 6);
      const uint64_t seq = *rc::gen::inRange<uint64_t>(1, 4);
      bytes =
          EncodeGroup(Tagged(Puts({{key, std::to_string(i)}}), client, seq), ts)
              .SerializeAsString();
    }
    const ApplyResult ra = a.ApplyBytes(bytes);
    const ApplyResult rb = b.ApplyBytes(bytes);
    RC_ASSERT(ra.status == rb.status);
    RC_ASSERT(ra.commit_ts == rb.commit_ts);
    RC_ASSERT(ra.deduplicated == rb.deduplicated);
    RC_ASSERT(ra.condition_failed == rb.condition_failed);
    if (i == snapshot_at) {
      RC_ASSERT(c.fsm.Restore(a.fsm.Snapshot()).ok());
      c.index = a.index;
    } else if (i > snapshot_at) {
      c.ApplyBytes(bytes);
    }
  }
  RC_ASSERT(a.fsm.StateHash() == b.fsm.StateHash());
  RC_ASSERT(a.fsm.StateHash() == c.fsm.StateHash());
  RC_ASSERT(a.fsm.stats().hlc_regressions == b.fsm.stats().hlc_regressions);
}

}  // namespace
}  // namespace ekv::kv
