// Seeded simulations of Raft groups under the simulator's full fault model
// (tests/raft_sim.h), one test case per seed, so a failure names its seed:
//
//   bazel test //tests:raft_sim_3_1_test
//   bazel-bin/tests/raft_sim_3_1_test --gtest_filter='*Seed17'   # one seed
//
// The seeds and group size come from the target's arguments (--nodes=N
// --seeds=A..B). A longer sweep is opt-in: EKV_RAFT_SIM_SEEDS=A..B (read
// here, by the test's main, never by simulated code) replaces the range.
#include "tests/raft_sim.h"

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "engine/base/planted_bugs.h"
#include "gtest/gtest.h"

namespace ekv::raft_sim {
namespace {

// A planted defect for every seed (--bug=NAME), to see the checkers fail.
const PlantedBugs* planted = nullptr;

class SeedTest : public ::testing::Test {
 public:
  SeedTest(uint64_t seed, int64_t nodes) : seed_(seed), nodes_(nodes) {}
  void TestBody() override {
    RaftSimOptions options;
    options.nodes = nodes_;
    options.bugs = planted;
    // EKV_RAFT_SIM_TRACE=1 prints the world's trace (one seed at a time).
    if (std::getenv("EKV_RAFT_SIM_TRACE") != nullptr) {
      options.trace_log = stderr;
    }
    const RaftSimResult result = RunRaftSim(seed_, options);
    std::printf("%s\n", result.Summary().c_str());
    std::string detail;
    for (const std::string& v : result.violations) detail += "\n  " + v;
    if (!result.passed()) {
      for (const std::string& m : result.members) detail += "\n  " + m;
    }
    EXPECT_TRUE(result.passed())
        << result.Summary() << detail << "\n  replay: ekv-sim-style seed "
        << seed_ << ", " << nodes_ << " nodes (this test, --gtest_filter='*Seed"
        << seed_ << "')";
  }

 private:
  uint64_t seed_;
  int64_t nodes_;
};

bool ParseRange(absl::string_view text, uint64_t* first, uint64_t* last) {
  const std::vector<absl::string_view> parts = absl::StrSplit(text, "..");
  return parts.size() == 2 && absl::SimpleAtoi(parts[0], first) &&
         absl::SimpleAtoi(parts[1], last) && *first <= *last;
}

}  // namespace
}  // namespace ekv::raft_sim

int main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  int64_t nodes = 3;
  uint64_t first = 1;
  uint64_t last = 10;
  for (int i = 1; i < argc; ++i) {
    const absl::string_view arg = argv[i];
    if (arg.rfind("--nodes=", 0) == 0) {
      if (!absl::SimpleAtoi(arg.substr(8), &nodes)) return 2;
    } else if (arg.rfind("--seeds=", 0) == 0) {
      if (!ekv::raft_sim::ParseRange(arg.substr(8), &first, &last)) return 2;
    } else if (arg.rfind("--bug=", 0) == 0) {
      const auto bug = ekv::PlantedBugByName(arg.substr(6));
      if (!bug.has_value()) return 2;
      static ekv::PlantedBugs bugs;
      bugs.Enable(*bug);
      ekv::raft_sim::planted = &bugs;
    }
  }
  if (const char* sweep = std::getenv("EKV_RAFT_SIM_SEEDS")) {
    if (!ekv::raft_sim::ParseRange(sweep, &first, &last)) {
      std::fprintf(stderr, "EKV_RAFT_SIM_SEEDS must look like 1..5000\n");
      return 2;
    }
  }
  const std::string suite = "RaftSim" + std::to_string(nodes) + "Nodes";
  for (uint64_t seed = first; seed <= last; ++seed) {
    const std::string name = "Seed" + std::to_string(seed);
    ::testing::RegisterTest(suite.c_str(), name.c_str(), nullptr, nullptr,
                            __FILE__, __LINE__,
                            [seed, nodes]() -> ::testing::Test* {
                              return new ekv::raft_sim::SeedTest(seed, nodes);
                            });
  }
  return RUN_ALL_TESTS();
}
