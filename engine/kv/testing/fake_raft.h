// A Raft group reduced to a log that a test commits by hand, and a harness
// wiring it to a store, HLC, FSM and coordinator.
#ifndef EKV_ENGINE_KV_TESTING_FAKE_RAFT_H_
#define EKV_ENGINE_KV_TESTING_FAKE_RAFT_H_

#include <string>
#include <utility>
#include <vector>

#include "engine/base/status.h"
#include "engine/kv/coordinator.h"
#include "engine/kv/raft_group.h"
#include "engine/kv/testing/manual_clock.h"

namespace ekv::kv::testing {

class FakeRaft final : public RaftGroup {
 public:
  struct Entry {
    uint64_t term;
    std::string data;
  };
  absl::StatusOr<ProposalId> Propose(std::string data) override {
    if (!leader) return NotLeaderError(hint);
    log.push_back(Entry{term, std::move(data)});
    return ProposalId{log.size(), term};
  }
  absl::Status ReadIndex(uint64_t request_id) override {
    if (!leader) return NotLeaderError(hint);
    read_requests.push_back(request_id);
    return absl::OkStatus();
  }
  bool IsLeader() const override { return leader; }
  int64_t LeaderHint() const override { return leader ? 1 : hint; }
  uint64_t Term() const override { return term; }
  uint64_t CommitIndex() const override { return commit; }
  bool LeaseValid() const override { return lease; }
  bool Transferring() const override { return false; }

  std::vector<Entry> log;
  std::vector<uint64_t> read_requests;
  bool leader = false;
  bool lease = false;
  int64_t hint = -1;
  uint64_t term = 1;
  uint64_t commit = 0;
};

// Store, HLC, FSM, tracker and coordinator over a FakeRaft.
struct FakeGroup {
  explicit FakeGroup(const CoordinatorOptions& options)
      : FakeGroup(options, nullptr) {}
  // Uses `external_clock` (not owned) instead of the manual clock when given.
  FakeGroup(const CoordinatorOptions& options, Clock* external_clock)
      : time(external_clock != nullptr ? external_clock : &clock),
        hlc(time, options.timing.hlc),
        fsm(&store, &hlc, {}),
        coordinator(&raft, &fsm, &hlc, &tracker, time, options) {}

  // Commits and applies every entry of the log.
  void CommitAll() {
    raft.commit = raft.log.size();
    while (applied < raft.log.size()) {
      const FakeRaft::Entry entry = raft.log[applied++];
      coordinator.OnApplied(applied, entry.term,
                            fsm.Apply(applied, entry.data));
    }
  }
  // Wins an election in `term`: appends the no-op, commits everything
  // including the first ceiling.
  void Lead(uint64_t term) {
    raft.leader = true;
    raft.term = term;
    raft.log.push_back({term, ""});
    CommitAll();
    coordinator.OnTick();
    CommitAll();
  }

  ManualClock clock;
  Clock* time;
  mvcc::Store store;
  hlc::Hlc hlc;
  Fsm fsm;
  ActiveTimestampTracker tracker;
  FakeRaft raft;
  Coordinator coordinator;
  uint64_t applied = 0;
};

}  // namespace ekv::kv::testing

#endif  // EKV_ENGINE_KV_TESTING_FAKE_RAFT_H_
