#include "engine/node/kv_service.h"

#include <optional>
#include <string>

#include "engine/base/planted_bugs.h"
#include "engine/base/status.h"
#include "engine/kv/testing/fake_raft.h"
#include "engine/txn/txn_keys.h"
#include "gtest/gtest.h"

namespace ekv::node {
namespace {

class KvServiceTest : public ::testing::Test {
 protected:
  KvServiceTest() : KvServiceTest(kv::CoordinatorOptions()) {}
  explicit KvServiceTest(const kv::CoordinatorOptions& options)
      : group_(options),
        service_(&group_.coordinator, &group_.store, &group_.tracker,
                 group_.time, {}) {
    group_.Lead(1);
    group_.raft.lease = true;
  }

  // Sends `request` and commits whatever it proposed; returns the reply.
  kvpb::ClientResponse Call(kvpb::ClientRequest request) {
    return CallOn(service_, std::move(request));
  }
  kvpb::ClientResponse CallOn(KvService& service, kvpb::ClientRequest request) {
    request.set_client_id(7);
    request.set_request_id(++request_id_);
    if (request.seq() == 0) request.set_seq(++seq_);
    std::optional<kvpb::ClientResponse> out;
    service.Handle(request,
                   [&](kvpb::ClientResponse r) { out = std::move(r); });
    group_.CommitAll();
    EXPECT_TRUE(out.has_value());
    return out.value_or(kvpb::ClientResponse());
  }
  kvpb::ClientResponse Put(const std::string& key, const std::string& value) {
    kvpb::ClientRequest request;
    request.mutable_put()->set_key(key);
    request.mutable_put()->set_value(value);
    return Call(request);
  }
  kvpb::ClientResponse Get(const std::string& key, uint64_t read_ts = 0) {
    kvpb::ClientRequest request;
    request.mutable_get()->set_key(key);
    request.mutable_get()->set_read_ts(read_ts);
    return Call(request);
  }
  kvpb::ClientResponse Cas(const std::string& key, const std::string& expected,
                           const std::string& value, uint64_t seq = 0) {
    kvpb::ClientRequest request;
    request.set_seq(seq);
    request.mutable_cas()->set_key(key);
    request.mutable_cas()->set_expect_absent(expected.empty());
    request.mutable_cas()->set_expected(expected);
    request.mutable_cas()->set_value(value);
    return Call(request);
  }

  kv::testing::FakeGroup group_;
  KvService service_;
  uint64_t request_id_ = 0;
  uint64_t seq_ = 0;
};

TEST_F(KvServiceTest, PutThenGetSeesTheValue) {
  const auto put = Put("k", "v");
  ASSERT_EQ(put.error_kind(), 0u) << put.error_message();
  EXPECT_TRUE(put.outcome_recorded());
  const auto got = Get("k");
  ASSERT_EQ(got.error_kind(), 0u) << got.error_message();
  EXPECT_TRUE(got.found());
  EXPECT_EQ(got.value(), "v");
  EXPECT_EQ(got.read_ts(), put.commit_ts());
  EXPECT_FALSE(Get("other").found());
}

TEST_F(KvServiceTest, AFollowerNamesTheLeader) {
  group_.raft.leader = false;
  group_.raft.hint = 2;
  const auto got = Get("k");
  EXPECT_EQ(got.error_kind(), static_cast<uint32_t>(ErrorKind::kNotLeader));
  EXPECT_EQ(got.leader_hint(), 2);
}

TEST_F(KvServiceTest, CasComparesInTheFsmAndRetriesAreDeduplicated) {
  const auto first = Cas("k", "", "1", 100);
  EXPECT_TRUE(first.cas_succeeded()) << first.error_message();
  const auto mismatch = Cas("k", "0", "2", 101);
  EXPECT_EQ(mismatch.error_kind(), 0u);
  EXPECT_FALSE(mismatch.cas_succeeded());
  EXPECT_TRUE(mismatch.outcome_recorded());
  const auto second = Cas("k", "1", "2", 102);
  EXPECT_TRUE(second.cas_succeeded());
  // A late duplicate of 101 (which would now match "2"? no: expects "0").
  // A late duplicate of 102 replays its success without writing again.
  const auto dup = Cas("k", "1", "2", 102);
  EXPECT_TRUE(dup.cas_succeeded());
  EXPECT_TRUE(dup.deduplicated());
  EXPECT_EQ(Get("k").value(), "2");
  EXPECT_EQ(group_.store.VersionsOf("k").size(), 2u);
}

TEST_F(KvServiceTest, TransactionAbortsWhenItsReadChangedAfterItsStart) {
  ASSERT_EQ(Put("x", "0").error_kind(), 0u);
  const uint64_t start_ts = Get("x").read_ts();
  ASSERT_EQ(Put("x", "1").error_kind(), 0u);  // after the start
  kvpb::ClientRequest request;
  request.mutable_txn()->set_start_ts(start_ts);
  auto* read = request.mutable_txn()->add_ops();
  read->set_kind(kvpb::TxnOp::READ);
  read->set_key("x");
  auto* write = request.mutable_txn()->add_ops();
  write->set_kind(kvpb::TxnOp::PUT);
  write->set_key("y");
  write->set_value("from x=0");
  const auto aborted = Call(request);
  EXPECT_EQ(aborted.error_kind(),
            static_cast<uint32_t>(ErrorKind::kWriteConflict));
  EXPECT_TRUE(aborted.outcome_recorded());
  request.mutable_txn()->set_start_ts(0);  // a fresh start
  const auto committed = Call(request);
  ASSERT_EQ(committed.error_kind(), 0u) << committed.error_message();
  ASSERT_EQ(committed.reads_size(), 1);
  EXPECT_EQ(committed.reads(0).value(), "1");
  EXPECT_GT(committed.commit_ts(), committed.read_ts());
  EXPECT_EQ(group_.tracker.pinned(), 0u);
}

TEST_F(KvServiceTest, TransactionAppendsAreResolvedWhenTheyApply) {
  ASSERT_EQ(Put("l", "0,").error_kind(), 0u);
  kvpb::ClientRequest request;
  auto* read = request.mutable_txn()->add_ops();
  read->set_kind(kvpb::TxnOp::READ);
  read->set_key("l");
  for (const char* element : {"1,", "2,"}) {
    auto* append = request.mutable_txn()->add_ops();
    append->set_kind(kvpb::TxnOp::APPEND);
    append->set_key("l");
    append->set_value(element);
  }
  const auto first = Call(request);
  ASSERT_EQ(first.error_kind(), 0u) << first.error_message();
  ASSERT_EQ(first.reads_size(), 1);
  EXPECT_EQ(first.reads(0).value(), "0,") << "reads see the start";
  const auto second = Call(request);
  ASSERT_EQ(second.error_kind(), 0u) << second.error_message();
  EXPECT_EQ(second.reads(0).value(), "0,1,2,");
  EXPECT_EQ(Get("l").value(), "0,1,2,1,2,");
}

TEST_F(KvServiceTest, AReadTimestampFromAnEmptyStoreIsAcceptedBack) {
  // Read-then-create from nothing: the create's start is the read's timestamp.
  kvpb::ClientRequest read;
  auto* op = read.mutable_txn()->add_ops();
  op->set_kind(kvpb::TxnOp::READ);
  op->set_key("k");
  const auto first = Call(read);
  ASSERT_EQ(first.error_kind(), 0u) << first.error_message();
  ASSERT_FALSE(first.reads(0).found());
  kvpb::ClientRequest create;
  create.mutable_txn()->set_start_ts(first.read_ts());
  create.mutable_txn()->add_read_keys("k");
  auto* put = create.mutable_txn()->add_ops();
  put->set_kind(kvpb::TxnOp::PUT);
  put->set_key("k");
  put->set_value("v");
  const auto created = Call(create);
  EXPECT_EQ(created.error_kind(), 0u) << created.error_message();
  EXPECT_EQ(Get("k").value(), "v");
}

kvpb::ClientRequest PutFrom(uint64_t start_ts, const std::string& key) {
  kvpb::ClientRequest request;
  request.mutable_txn()->set_start_ts(start_ts);
  auto* put = request.mutable_txn()->add_ops();
  put->set_kind(kvpb::TxnOp::PUT);
  put->set_key(key);
  put->set_value("v");
  return request;
}

TEST_F(KvServiceTest, AStartBelowTheCompactionPointIsRefusedAtOnce) {
  ASSERT_EQ(Put("x", "1").error_kind(), 0u);
  const uint64_t start_ts = Get("x").read_ts();
  ASSERT_EQ(Put("x", "2").error_kind(), 0u);
  group_.store.Compact(group_.store.LastCommitTS());
  const size_t proposed = group_.raft.log.size();
  const auto refused = Call(PutFrom(start_ts, "z"));
  EXPECT_EQ(refused.error_kind(), static_cast<uint32_t>(ErrorKind::kCompacted));
  EXPECT_EQ(group_.raft.log.size(), proposed) << "nothing proposed";
  EXPECT_EQ(group_.tracker.pinned(), 0u);
  EXPECT_EQ(service_.stats().pinned_snapshots_compacted, 0u);
}

TEST_F(KvServiceTest, ACompactionProposedBeforeThePinIsNoPinViolation) {
  ASSERT_EQ(Put("x", "1").error_kind(), 0u);
  const uint64_t start_ts = Get("x").read_ts();
  // Past the retention window, with a later write for compaction to keep.
  group_.clock.AdvanceMs(kv::CompactionOptions().retention_window_ms + 1000);
  group_.coordinator.OnTick();
  group_.CommitAll();
  ASSERT_EQ(Put("y", "1").error_kind(), 0u);
  // The leader proposes a compaction above start_ts; before it applies, a
  // transaction arrives from start_ts: its pin comes too late to matter.
  group_.clock.AdvanceMs(kv::CompactionOptions().interval_ms);
  group_.coordinator.OnTick();
  ASSERT_GT(group_.coordinator.compaction_proposed_ts(), start_ts);
  const auto doomed = Call(PutFrom(start_ts, "z"));
  EXPECT_EQ(doomed.error_kind(), static_cast<uint32_t>(ErrorKind::kCompacted))
      << doomed.error_message();
  EXPECT_EQ(service_.stats().pinned_snapshots_compacted, 0u);
  EXPECT_FALSE(Get("z").found());
}

TEST_F(KvServiceTest, AnUnknownTxnOpKindIsNotImplemented) {
  kvpb::ClientRequest request;
  auto* op = request.mutable_txn()->add_ops();
  op->set_kind(static_cast<kvpb::TxnOp::Kind>(9));
  op->set_key("k");
  op->set_value("v");
  const auto reply = Call(request);
  EXPECT_EQ(reply.error_kind(),
            static_cast<uint32_t>(ErrorKind::kNotImplemented));
  EXPECT_FALSE(Get("k").found());
}

TEST_F(KvServiceTest, ScansSkipTransactionKeysInBothDirections) {
  for (const char* key : {"!a", "!z", "a", "b"})
    ASSERT_EQ(Put(key, key).error_kind(), 0u);
  ASSERT_TRUE(group_.store
                  .PutAt(txn::TxnRollbackKey("a", 1), "r",
                         group_.store.LastCommitTS() + 1)
                  .ok());
  kvpb::ClientRequest request;
  request.mutable_scan()->set_limit(10);
  auto forward = Call(request);
  ASSERT_EQ(forward.pairs_size(), 4);
  EXPECT_EQ(forward.pairs(0).key(), "!a");
  EXPECT_EQ(forward.pairs(1).key(), "!z");
  request.mutable_scan()->set_reverse(true);
  request.mutable_scan()->set_limit(3);
  auto reverse = Call(request);
  ASSERT_EQ(reverse.pairs_size(), 3);
  EXPECT_EQ(reverse.pairs(0).key(), "b");
  EXPECT_EQ(reverse.pairs(2).key(), "!z");
}

TEST_F(KvServiceTest, AnUnknownRequestKindIsNotImplemented) {
  EXPECT_EQ(Call(kvpb::ClientRequest()).error_kind(),
            static_cast<uint32_t>(ErrorKind::kNotImplemented));
}

TEST_F(KvServiceTest, ReservedKeysAndFutureReadTimestampsAreRefused) {
  EXPECT_EQ(Put("!txn|x", "v").error_kind(),
            static_cast<uint32_t>(ErrorKind::kInvalidRequest));
  EXPECT_EQ(Get("k", group_.store.LastCommitTS() + 1000).error_kind(),
            static_cast<uint32_t>(ErrorKind::kInvalidRequest));
}

// Reads `key` in a read-only transaction from `start_ts` (0: fresh), asking
// the node to hold the snapshot for `hold_ms`.
kvpb::ClientRequest ReadTxn(const std::string& key, uint64_t start_ts,
                            uint32_t hold_ms) {
  kvpb::ClientRequest request;
  request.mutable_txn()->set_start_ts(start_ts);
  request.mutable_txn()->set_hold_snapshot_ms(hold_ms);
  auto* read = request.mutable_txn()->add_ops();
  read->set_kind(kvpb::TxnOp::READ);
  read->set_key(key);
  return request;
}

// Compaction every 100 ms keeping 100 ms: anything a hold does not protect
// is gone within a few hundred milliseconds.
kv::CoordinatorOptions FastCompaction(const PlantedBugs* bugs) {
  kv::CoordinatorOptions options;
  options.timing.compaction.interval_ms = 100;
  options.timing.compaction.retention_window_ms = 100;
  options.bugs = bugs;
  return options;
}

class HeldSnapshotTest : public KvServiceTest {
 protected:
  explicit HeldSnapshotTest(const PlantedBugs* bugs = nullptr)
      : KvServiceTest(FastCompaction(bugs)) {}

  // Moves time on by `ms` in ticks of 100 ms, writing one key per tick so
  // that compaction has newer versions to keep.
  void Advance(int64_t ms) {
    for (int64_t done = 0; done < ms; done += 100) {
      group_.clock.AdvanceMs(100);
      service_.OnTick();
      group_.coordinator.OnTick();
      group_.CommitAll();
      ASSERT_EQ(Put("tick", std::to_string(done)).error_kind(), 0u);
    }
  }
  // Writes a=1, b=1, holds a snapshot of them for `hold_ms`, then writes
  // a=2, b=2; returns the snapshot's timestamp.
  uint64_t HoldThenOverwrite(uint32_t hold_ms) {
    EXPECT_EQ(Put("a", "1").error_kind(), 0u);
    EXPECT_EQ(Put("b", "1").error_kind(), 0u);
    const auto first = Call(ReadTxn("a", 0, hold_ms));
    EXPECT_EQ(first.error_kind(), 0u) << first.error_message();
    EXPECT_EQ(first.reads(0).value(), "1");
    EXPECT_EQ(Put("a", "2").error_kind(), 0u);
    EXPECT_EQ(Put("b", "2").error_kind(), 0u);
    return first.read_ts();
  }
};

TEST_F(HeldSnapshotTest, AHeldSnapshotStaysReadableAcrossRequests) {
  const uint64_t held = HoldThenOverwrite(5'000);
  EXPECT_EQ(service_.snapshot_holds(), 1u);
  Advance(1'000);
  // Compaction ran up to the hold and no further.
  EXPECT_EQ(group_.store.compacted_ts(), held);
  const auto second = Call(ReadTxn("b", held, 0));
  ASSERT_EQ(second.error_kind(), 0u) << second.error_message();
  EXPECT_EQ(second.read_ts(), held);
  EXPECT_EQ(second.reads(0).value(), "1") << "the snapshot, not b=2";
  EXPECT_EQ(service_.stats().pinned_snapshots_compacted, 0u);
  EXPECT_EQ(service_.stats().snapshot_holds_taken, 1u);
}

TEST_F(HeldSnapshotTest, AHoldExpiresByTheClockWithoutTraffic) {
  const uint64_t held = HoldThenOverwrite(300);
  Advance(1'000);  // ticks only: no request looks at the holds
  EXPECT_EQ(service_.snapshot_holds(), 0u);
  EXPECT_GT(group_.store.compacted_ts(), held);
  const auto late = Call(ReadTxn("b", held, 0));
  EXPECT_EQ(late.error_kind(), static_cast<uint32_t>(ErrorKind::kCompacted));
  EXPECT_EQ(service_.stats().pinned_snapshots_compacted, 0u)
      << "an expired hold promises nothing";
}

TEST_F(HeldSnapshotTest, HoldsAreBoundedInLengthAndNumber) {
  KvServiceOptions options;
  options.snapshot_hold_ms_max = 1'000;
  options.snapshot_holds_max = 2;
  KvService service(&group_.coordinator, &group_.store, &group_.tracker,
                    group_.time, options);
  ASSERT_EQ(Put("a", "1").error_kind(), 0u);
  EXPECT_EQ(CallOn(service, ReadTxn("a", 0, 1'001)).error_kind(),
            static_cast<uint32_t>(ErrorKind::kInvalidRequest));
  EXPECT_EQ(CallOn(service, ReadTxn("a", 0, 1'000)).error_kind(), 0u);
  EXPECT_EQ(CallOn(service, ReadTxn("a", 0, 1'000)).error_kind(), 0u);
  const auto refused = CallOn(service, ReadTxn("a", 0, 1'000));
  EXPECT_EQ(refused.error_kind(),
            static_cast<uint32_t>(ErrorKind::kResourceExhausted));
  EXPECT_EQ(service.snapshot_holds(), 2u);
  EXPECT_EQ(service.stats().snapshot_holds_refused, 1u);
  EXPECT_EQ(group_.tracker.pinned(), 2u) << "the refused hold pins nothing";
  EXPECT_EQ(CallOn(service, ReadTxn("a", 0, 0)).error_kind(), 0u)
      << "reads without a hold are not refused";
}

TEST_F(HeldSnapshotTest, HoldsAreDroppedWhenLeadershipIsLost) {
  const uint64_t held = HoldThenOverwrite(5'000);
  group_.raft.leader = false;
  service_.OnTick();
  EXPECT_EQ(service_.snapshot_holds(), 0u);
  EXPECT_EQ(group_.tracker.pinned(), 0u);
  // A new term: the new leader compacts past the old hold, legitimately.
  group_.Lead(2);
  Advance(1'000);
  EXPECT_GT(group_.store.compacted_ts(), held);
  EXPECT_EQ(Call(ReadTxn("b", held, 0)).error_kind(),
            static_cast<uint32_t>(ErrorKind::kCompacted));
  EXPECT_EQ(service_.stats().pinned_snapshots_compacted, 0u);
}

TEST_F(HeldSnapshotTest, AHoldOfAnEarlierTermIsDroppedEvenWhileLeading) {
  HoldThenOverwrite(5'000);
  group_.raft.term = 2;  // re-elected between two looks
  service_.OnTick();
  EXPECT_EQ(service_.snapshot_holds(), 0u);
}

const PlantedBugs kCompactionBug(PlantedBug::kCompactionBelowPinnedRead);

class HeldSnapshotBugTest : public HeldSnapshotTest {
 protected:
  HeldSnapshotBugTest() : HeldSnapshotTest(&kCompactionBug) {}
};

TEST_F(HeldSnapshotBugTest, CompactingPastAHoldIsCounted) {
  const uint64_t held = HoldThenOverwrite(5'000);
  Advance(1'000);
  EXPECT_GT(group_.store.compacted_ts(), held);
  const auto second = Call(ReadTxn("b", held, 0));
  EXPECT_EQ(second.error_kind(), static_cast<uint32_t>(ErrorKind::kCompacted));
  EXPECT_EQ(service_.stats().pinned_snapshots_compacted, 1u);
}

}  // namespace
}  // namespace ekv::node
