// Random schedules (RapidCheck): 3 or 5 members under message loss,
// partitions, crashes and restarts, compaction, transfers and reads. After
// every Ready the cluster harness checks election safety, log matching,
// leader completeness and state machine safety; at the end, with faults
// healed, a proposal must commit everywhere.
#include <ostream>
#include <string>
#include <vector>

#include "engine/base/random.h"
#include "engine/proto/raft.pb.h"
#include "engine/raft/raw_node.h"
#include "engine/raft/testing/cluster.h"
#include "gtest/gtest.h"
#include "rapidcheck.h"
#include "rapidcheck/gtest.h"

namespace ekv::raft {
namespace {

using testing::TestCluster;

enum class OpKind {
  kTickAll,
  kTickOne,
  kPropose,
  kStepRound,
  kStabilize,
  kCut,
  kIsolate,
  kHeal,
  kCrash,
  kRestart,
  kCompact,
  kTransfer,
  kReadIndex,
  kLossy,
};

struct Op {
  OpKind kind;
  int a;
  int b;
};

const char* OpName(OpKind kind) {
  static const char* const kNames[] = {
      "tick-all", "tick-one", "propose", "step-round", "stabilize",
      "cut",      "isolate",  "heal",    "crash",      "restart",
      "compact",  "transfer", "read",    "lossy"};
  return kNames[static_cast<int>(kind)];
}

void showValue(const Op& op, std::ostream& os) {
  os << OpName(op.kind) << "(" << op.a << "," << op.b << ")";
}

rc::Gen<Op> GenOp() {
  return rc::gen::build<Op>(
      rc::gen::set(&Op::kind, rc::gen::weightedElement<OpKind>({
                                  {8, OpKind::kTickAll},
                                  {3, OpKind::kTickOne},
                                  {6, OpKind::kPropose},
                                  {4, OpKind::kStepRound},
                                  {3, OpKind::kStabilize},
                                  {1, OpKind::kCut},
                                  {1, OpKind::kIsolate},
                                  {2, OpKind::kHeal},
                                  {1, OpKind::kCrash},
                                  {2, OpKind::kRestart},
                                  {1, OpKind::kCompact},
                                  {1, OpKind::kTransfer},
                                  {1, OpKind::kReadIndex},
                                  {1, OpKind::kLossy},
                              })),
      rc::gen::set(&Op::a, rc::gen::inRange(0, 5)),
      rc::gen::set(&Op::b, rc::gen::inRange(0, 5)));
}

class Schedule {
 public:
  Schedule(int members, uint64_t seed)
      : random_(seed), cluster_(Ids(members), [seed](Config& c) {
          c.random_seed ^= seed;
          c.max_snapshot_chunk_bytes = 64;
          c.max_inflight_msgs = 4;
          c.max_append_bytes_per_msg = 200;
        }) {
    cluster_.ReportViolationsOnDestruction(false);
    members_ = members;
  }

  void Apply(const Op& op);
  // Heals everything and checks that a proposal then commits everywhere.
  bool Liveness();
  TestCluster& cluster() { return cluster_; }

 private:
  static std::vector<NodeId> Ids(int members) {
    std::vector<NodeId> ids;
    for (int i = 1; i <= members; ++i) ids.push_back(i);
    return ids;
  }
  NodeId Member(int x) const { return static_cast<NodeId>(x % members_) + 1; }
  int Crashed() const {
    int crashed = 0;
    for (int i = 1; i <= members_; ++i) {
      if (crashed_[i]) ++crashed;
    }
    return crashed;
  }

  Random random_;
  TestCluster cluster_;
  int members_ = 0;
  bool crashed_[6] = {};
  int proposals_ = 0;
};

void Schedule::Apply(const Op& op) {
  const NodeId a = Member(op.a);
  const NodeId b = Member(op.b);
  switch (op.kind) {
    case OpKind::kTickAll:
      cluster_.TickAll(1 + op.a);
      cluster_.StepRound();
      break;
    case OpKind::kTickOne:
      if (!crashed_[a]) cluster_.Tick(a);
      break;
    case OpKind::kPropose: {
      const NodeId leader = cluster_.Leader();
      if (leader != kNoNode) {
        (void)cluster_.Propose(leader, "p" + std::to_string(++proposals_));
      }
      break;
    }
    case OpKind::kStepRound:
      cluster_.StepRound();
      break;
    case OpKind::kStabilize:
      cluster_.Stabilize();
      break;
    case OpKind::kCut:
      if (a != b) cluster_.Cut(a, b);
      break;
    case OpKind::kIsolate:
      cluster_.Isolate(a);
      break;
    case OpKind::kHeal:
      cluster_.Heal();
      break;
    case OpKind::kCrash:
      // Keep a majority up, or nothing could be checked for liveness.
      if (!crashed_[a] && (Crashed() + 1) * 2 < members_) {
        cluster_.Crash(a);
        crashed_[a] = true;
      }
      break;
    case OpKind::kRestart:
      if (crashed_[a]) {
        cluster_.Restart(a);
        crashed_[a] = false;
      }
      break;
    case OpKind::kCompact:
      if (!crashed_[a]) {
        const uint64_t applied = cluster_.raft(a).log().applied();
        if (applied > cluster_.storage(a).snapshot_metadata().index()) {
          cluster_.SnapshotAndCompact(a,
                                      applied - std::min<uint64_t>(applied, 2));
        }
      }
      break;
    case OpKind::kTransfer: {
      const NodeId leader = cluster_.Leader();
      if (leader != kNoNode && !crashed_[b]) {
        (void)cluster_.node(leader).TransferLeadership(b);
      }
      break;
    }
    case OpKind::kReadIndex: {
      const NodeId leader = cluster_.Leader();
      if (leader != kNoNode) (void)cluster_.node(leader).ReadIndex(op.a);
      break;
    }
    case OpKind::kLossy: {
      const uint64_t percent = static_cast<uint64_t>(op.a) * 10;
      Random* random = &random_;
      cluster_.SetFilter([random, percent](const raftpb::Message&) {
        return random->Uniform(100) < percent;
      });
      break;
    }
  }
}

bool Schedule::Liveness() {
  cluster_.Heal();
  for (int i = 1; i <= members_; ++i) {
    if (crashed_[i]) {
      cluster_.Restart(i);
      crashed_[i] = false;
    }
  }
  const std::string marker = "liveness";
  for (int tick = 0; tick < 500; ++tick) {
    cluster_.TickAll();
    cluster_.Stabilize();
    const NodeId leader = cluster_.Leader();
    if (leader == kNoNode) continue;
    bool everywhere = true;
    for (NodeId id : cluster_.ids()) {
      const std::vector<std::string> data = cluster_.AppliedData(id);
      everywhere &= !data.empty() && data.back() == marker;
    }
    if (everywhere) return true;
    const std::vector<std::string> at_leader = cluster_.AppliedData(leader);
    if (at_leader.empty() || at_leader.back() != marker) {
      (void)cluster_.Propose(leader, marker);
    }
  }
  return false;
}

RC_GTEST_PROP(RaftRandom, SafetyUnderFaultsAndProgressOnceHealed, ()) {
  const int members = *rc::gen::element(3, 5);
  const uint64_t seed = *rc::gen::arbitrary<uint64_t>();
  const int length = *rc::gen::inRange(100, 400);
  const std::vector<Op> ops =
      *rc::gen::container<std::vector<Op>>(length, GenOp());
  Schedule schedule(members, seed);
  for (const Op& op : ops) {
    schedule.Apply(op);
    const std::vector<std::string> violations =
        schedule.cluster().TakeViolations();
    if (!violations.empty()) RC_FAIL(violations.front());
  }
  const size_t applied_before = schedule.cluster().AppliedData(1).size();
  RC_CLASSIFY(applied_before > 0, "entries committed under faults");
  const bool live = schedule.Liveness();
  std::vector<std::string> violations = schedule.cluster().TakeViolations();
  if (!violations.empty()) RC_FAIL(violations.front());
  if (!live) RC_FAIL("no progress after healing");
  // Everyone applied the same entries in the same order.
  const std::vector<std::string> first = schedule.cluster().AppliedData(1);
  for (NodeId id : schedule.cluster().ids()) {
    RC_ASSERT(schedule.cluster().AppliedData(id) == first);
  }
}

}  // namespace
}  // namespace ekv::raft
