#include "engine/kv/coordinator.h"

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "engine/base/status.h"
#include "engine/kv/testing/fake_raft.h"
#include "engine/kv/testing/manual_clock.h"
#include "engine/proto/kv.pb.h"
#include "gtest/gtest.h"

namespace ekv::kv {
namespace {

using testing::FakeRaft;

class CountingObserver final : public LeaseReadObserver {
 public:
  void ObserveLeaseRead(bool hit) override { ++(hit ? hits : misses); }
  int hits = 0, misses = 0;
};

CoordinatorOptions Options() {
  CoordinatorOptions options;
  options.timing.compaction.retention_window_ms = 10'000;
  return options;
}

class CoordinatorTest : public ::testing::Test {
 protected:
  CoordinatorTest()
      : hlc_(&clock_, {}),
        fsm_(&store_, &hlc_, {}),
        coordinator_(&raft_, &fsm_, &hlc_, &tracker_, &clock_, Options()) {}

  // Commits and applies every entry of the log.
  void CommitAll() {
    raft_.commit = raft_.log.size();
    while (applied_ < raft_.log.size()) {
      const FakeRaft::Entry entry = raft_.log[applied_++];
      coordinator_.OnApplied(applied_, entry.term,
                             fsm_.Apply(applied_, entry.data));
    }
  }
  // Wins an election in `term`: appends the no-op and commits everything.
  void Lead(uint64_t term) {
    raft_.leader = true;
    raft_.term = term;
    raft_.log.push_back({term, ""});
    CommitAll();
    coordinator_.OnTick();
    CommitAll();  // the first ceiling
  }
  // The slot the result lands in, whenever the dispatch completes.
  std::shared_ptr<std::optional<DispatchResult>> Put(const std::string& key,
                                                     const std::string& value) {
    OperationGroup group;
    group.elems.push_back(Elem{ElemOp::kPut, key, value, 0, ""});
    auto out = std::make_shared<std::optional<DispatchResult>>();
    coordinator_.Dispatch(group, [out](const DispatchResult& r) { *out = r; });
    return out;
  }
  int CountEntries(kvpb::Command::KindCase kind) const {
    int n = 0;
    for (const auto& e : raft_.log) {
      kvpb::Command c;
      if (!e.data.empty() && c.ParseFromString(e.data) &&
          c.kind_case() == kind) {
        ++n;
      }
    }
    return n;
  }

  testing::ManualClock clock_;
  mvcc::Store store_;
  hlc::Hlc hlc_;
  Fsm fsm_;
  ActiveTimestampTracker tracker_;
  FakeRaft raft_;
  Coordinator coordinator_;
  uint64_t applied_ = 0;
};

TEST_F(CoordinatorTest, AFollowerRefersToTheLeader) {
  raft_.hint = 3;
  const auto result = *Put("k", "v");
  ASSERT_TRUE(result.has_value());
  EXPECT_TRUE(IsErrorKind(result->status, ErrorKind::kNotLeader));
  EXPECT_EQ(GetLeaderHint(result->status), 3);
}

TEST_F(CoordinatorTest, ANewLeaderWaitsForItsNoOpThenItsCeiling) {
  raft_.leader = true;
  raft_.term = 2;
  raft_.log.push_back({2, ""});  // the no-op, not yet applied
  auto early = *Put("k", "v");
  ASSERT_TRUE(early.has_value());
  EXPECT_TRUE(IsErrorKind(early->status, ErrorKind::kLeaderNotFound));
  CommitAll();  // the no-op applies: ready, ceiling proposed
  EXPECT_TRUE(coordinator_.IsLeaderAcceptingWrites());
  EXPECT_EQ(CountEntries(kvpb::Command::kHlcLease), 1);
  std::optional<DispatchResult> parked;
  OperationGroup group;
  group.elems.push_back(Elem{ElemOp::kPut, "k", "v", 0, ""});
  coordinator_.Dispatch(group, [&](const DispatchResult& r) { parked = r; });
  EXPECT_FALSE(parked.has_value()) << "waits for the ceiling";
  CommitAll();  // the ceiling applies; the parked dispatch is proposed
  CommitAll();  // and commits
  ASSERT_TRUE(parked.has_value());
  ASSERT_TRUE(parked->status.ok()) << parked->status;
  EXPECT_GE(hlc::PhysicalMs(parked->commit_ts),
            hlc::PhysicalMs(hlc_.Current()) - 1);
  EXPECT_EQ(*store_.GetAt("k", parked->commit_ts), "v");
}

TEST_F(CoordinatorTest, CommittedWriteAnswersWithTheFsmOutcome) {
  Lead(1);
  auto pending = Put("k", "v");
  EXPECT_FALSE(pending->has_value());
  std::optional<DispatchResult> result;
  OperationGroup group;
  group.elems.push_back(Elem{ElemOp::kPut, "k", "v", 0, ""});
  group.client_id = 4;
  group.seq = 1;
  coordinator_.Dispatch(group, [&](const DispatchResult& r) { result = r; });
  CommitAll();
  ASSERT_TRUE(result.has_value());
  EXPECT_TRUE(result->status.ok());
  EXPECT_TRUE(result->outcome_recorded);
  EXPECT_GT(result->commit_ts, 0u);
}

TEST_F(CoordinatorTest, AProposalOverwrittenByANewLeaderIsDefinitelyLost) {
  Lead(1);
  std::optional<DispatchResult> result;
  OperationGroup group;
  group.elems.push_back(Elem{ElemOp::kPut, "k", "v", 0, ""});
  coordinator_.Dispatch(group, [&](const DispatchResult& r) { result = r; });
  ASSERT_FALSE(result.has_value());
  // Another member wins term 2 and its no-op takes the proposal's index.
  raft_.leader = false;
  raft_.term = 2;
  raft_.hint = 2;
  raft_.log.back() = {2, ""};
  coordinator_.OnTick();
  EXPECT_FALSE(hlc_.issuing());
  CommitAll();
  ASSERT_TRUE(result.has_value());
  EXPECT_TRUE(IsErrorKind(result->status, ErrorKind::kNotLeader));
  EXPECT_EQ(coordinator_.stats().proposals_lost, 1u);
}

TEST_F(CoordinatorTest, AnUnansweredProposalTimesOutAsUnknown) {
  Lead(1);
  std::optional<DispatchResult> result;
  OperationGroup group;
  group.elems.push_back(Elem{ElemOp::kPut, "k", "v", 0, ""});
  coordinator_.Dispatch(group, [&](const DispatchResult& r) { result = r; });
  clock_.AdvanceMs(Options().timing.request_timeout_ms);
  coordinator_.OnTick();
  ASSERT_TRUE(result.has_value());
  EXPECT_TRUE(IsErrorKind(result->status, ErrorKind::kTimeout));
}

TEST_F(CoordinatorTest, LeaseReadsHitUnderTheLeaseAndFallBackWithout) {
  CountingObserver observer;
  coordinator_.SetLeaseReadObserver(&observer);
  Lead(1);
  raft_.lease = true;
  std::optional<absl::Status> hit;
  coordinator_.LeaseRead([&](const absl::Status& s) { hit = s; });
  ASSERT_TRUE(hit.has_value());
  EXPECT_TRUE(hit->ok());
  raft_.lease = false;
  std::optional<absl::Status> miss;
  coordinator_.LeaseRead([&](const absl::Status& s) { miss = s; });
  EXPECT_FALSE(miss.has_value()) << "waits for the ReadIndex round";
  ASSERT_EQ(raft_.read_requests.size(), 1u);
  // The round confirms index = last log index; the read waits to apply it.
  Put("k", "v");
  coordinator_.OnReadIndex(raft_.read_requests[0], raft_.log.size());
  EXPECT_FALSE(miss.has_value());
  CommitAll();
  ASSERT_TRUE(miss.has_value());
  EXPECT_TRUE(miss->ok());
  EXPECT_EQ(observer.hits, 1);
  EXPECT_EQ(observer.misses, 1);
}

TEST_F(CoordinatorTest, SteppingDownFailsUnconfirmedReads) {
  Lead(1);
  std::optional<absl::Status> read;
  coordinator_.LinearizableRead([&](const absl::Status& s) { read = s; });
  raft_.leader = false;
  coordinator_.OnTick();
  ASSERT_TRUE(read.has_value());
  EXPECT_TRUE(IsErrorKind(*read, ErrorKind::kNotLeader));
}

TEST_F(CoordinatorTest, LeaderRenewsTheCeilingAndCompactsBehindTheRetention) {
  Lead(1);
  const uint64_t first_ceiling = hlc_.ceiling_ms();
  for (int i = 0; i < 30; ++i) {
    clock_.AdvanceMs(500);
    ASSERT_FALSE(Put("k", std::to_string(i))->has_value());
    coordinator_.OnTick();
    CommitAll();
  }
  EXPECT_GT(hlc_.ceiling_ms(), first_ceiling);
  EXPECT_GE(CountEntries(kvpb::Command::kHlcLease), 15);
  EXPECT_GE(CountEntries(kvpb::Command::kCompact), 1);
  EXPECT_GT(store_.compacted_ts(), 0u);
  // Nothing within the retention window was compacted away.
  EXPECT_LE(hlc::PhysicalMs(store_.compacted_ts()),
            hlc::PhysicalMs(hlc_.Current()) - 10'000);
}

TEST_F(CoordinatorTest, CompactionNeverPassesAPinnedTimestamp) {
  Lead(1);
  ASSERT_FALSE(Put("k", "v")->has_value());
  CommitAll();
  auto pin = tracker_.Pin(store_.LastCommitTS());
  for (int i = 0; i < 30; ++i) {
    clock_.AdvanceMs(1000);
    Put("k", std::to_string(i));
    coordinator_.OnTick();
    CommitAll();
  }
  EXPECT_LE(store_.compacted_ts(), pin.ts());
  EXPECT_TRUE(store_.GetAt("k", pin.ts()).ok());
}

}  // namespace
}  // namespace ekv::kv
