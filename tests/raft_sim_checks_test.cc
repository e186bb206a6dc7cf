// The simulation harness itself: a seed replays bit for bit, and the
// checkers catch planted defects (engine/base/planted_bugs.h) within a seed
// budget — evidence that a clean sweep means something.
#include <cstdint>
#include <string>

#include "engine/base/planted_bugs.h"
#include "gtest/gtest.h"
#include "tests/raft_sim.h"

namespace ekv::raft_sim {
namespace {

TEST(RaftSimHarness, ASeedReplaysBitForBit) {
  for (uint64_t seed : {3, 77}) {
    RaftSimOptions options;
    options.nodes = 5;
    const RaftSimResult first = RunRaftSim(seed, options);
    const RaftSimResult second = RunRaftSim(seed, options);
    EXPECT_EQ(first.trace_hash, second.trace_hash) << seed;
    EXPECT_EQ(first.events, second.events) << seed;
    EXPECT_EQ(first.entries_applied, second.entries_applied) << seed;
  }
  RaftSimOptions options;
  EXPECT_NE(RunRaftSim(1, options).trace_hash,
            RunRaftSim(2, options).trace_hash);
}

// The first seed in [1, budget] whose run fails with `bug` planted, or 0.
uint64_t FirstCaught(PlantedBug bug, uint64_t budget, std::string* how) {
  const PlantedBugs bugs(bug);
  RaftSimOptions options;
  options.bugs = &bugs;
  for (uint64_t seed = 1; seed <= budget; ++seed) {
    const RaftSimResult result = RunRaftSim(seed, options);
    if (!result.passed()) {
      *how = result.Summary();
      return seed;
    }
  }
  return 0;
}

// Budgets: where the harness first caught each defect when this test was
// written, with room to spare. A change that makes a defect harder to catch
// shows up here.
TEST(RaftSimHarness, CatchesAVoteWithoutTheLogCheck) {
  std::string how;
  EXPECT_NE(FirstCaught(PlantedBug::kVoteWithoutLogCheck, 40, &how), 0u);
  std::printf("%s\n", how.c_str());
}

TEST(RaftSimHarness, CatchesAcknowledgingBeforeTheWalIsSynced) {
  std::string how;
  EXPECT_NE(FirstCaught(PlantedBug::kWalAckBeforeSync, 200, &how), 0u);
  std::printf("%s\n", how.c_str());
}

TEST(RaftSimHarness, CatchesALeaseThatOutlivesLeadership) {
  std::string how;
  EXPECT_NE(FirstCaught(PlantedBug::kLeaseAfterStepDown, 300, &how), 0u);
  std::printf("%s\n", how.c_str());
}

}  // namespace
}  // namespace ekv::raft_sim
