#include "sim/options.h"

#include "absl/strings/match.h"
#include "gtest/gtest.h"

namespace ekv::sim {
namespace {

TEST(SimOptions, DefaultsAreValidAndInsideTheFaultModel) {
  SimOptions options;
  EXPECT_TRUE(ValidateOptions(options).ok());
  EXPECT_FALSE(options.beyond_fault_model());
}

TEST(SimOptions, SetOptionParsesUnitsBooleansAndRates) {
  SimOptions options;
  ASSERT_TRUE(SetOption(options, "duration_ns", "30s").ok());
  EXPECT_EQ(options.duration_ns, 30'000'000'000);
  ASSERT_TRUE(SetOption(options, "net_delay_ns_min", "250us").ok());
  EXPECT_EQ(options.net_delay_ns_min, 250'000);
  ASSERT_TRUE(SetOption(options, "disk_capacity_bytes", "64m").ok());
  EXPECT_EQ(options.disk_capacity_bytes, 64 << 20);
  ASSERT_TRUE(SetOption(options, "nemesis_crash", "true").ok());
  EXPECT_TRUE(options.nemesis_crash);
  ASSERT_TRUE(SetOption(options, "net_loss_rate", "0.25").ok());
  EXPECT_EQ(options.net_loss_rate, 0.25);
  ASSERT_TRUE(SetOption(options, "nodes", "5").ok());
  EXPECT_EQ(options.nodes, 5);
}

TEST(SimOptions, BadNamesAndValuesAreClearErrors) {
  SimOptions options;
  const absl::Status unknown = SetOption(options, "nodez", "3");
  EXPECT_TRUE(absl::IsNotFound(unknown));
  EXPECT_TRUE(absl::StrContains(unknown.message(), "nodez"));
  const absl::Status bad = SetOption(options, "nodes", "three");
  EXPECT_TRUE(absl::StrContains(bad.message(), "nodes"));
  EXPECT_FALSE(SetOption(options, "nemesis_crash", "maybe").ok());
  EXPECT_FALSE(SetOption(options, "duration_ns", "3 hours").ok());
  ASSERT_TRUE(SetOption(options, "net_loss_rate", "1.5").ok());
  EXPECT_FALSE(ValidateOptions(options).ok());
}

TEST(SimOptions, LinesAndJsonNameEveryOption) {
  SimOptions options;
  options.net_loss_rate = 0.1;
  const std::vector<std::string> lines = OptionLines(options);
  EXPECT_EQ(lines.size(), OptionNames().size());
  EXPECT_EQ(lines[0], "nodes = 3");
  const std::string json = OptionsJson(17, options);
  EXPECT_TRUE(absl::StartsWith(json, "{\"seed\":17,\"nodes\":3,"));
  EXPECT_TRUE(absl::StrContains(json, "\"net_loss_rate\":0.1,"));
  EXPECT_TRUE(absl::EndsWith(json, "}"));
}

TEST(SimOptions, PrintedValuesReadBackExactly) {
  SimOptions options;
  options.disk_corrupt_write_rate = 0.000123456789;
  SimOptions copy;
  for (const std::string& line : OptionLines(options)) {
    const size_t eq = line.find(" = ");
    ASSERT_TRUE(SetOption(copy, line.substr(0, eq), line.substr(eq + 3)).ok())
        << line;
  }
  EXPECT_EQ(OptionsJson(1, copy), OptionsJson(1, options));
}

TEST(SimOptions, BeyondTheModelSaysWhy) {
  SimOptions options;
  options.clock_beyond_bound = true;
  EXPECT_TRUE(options.beyond_fault_model());
  ASSERT_EQ(options.beyond_fault_model_reasons().size(), 1u);
  EXPECT_TRUE(absl::StrContains(options.beyond_fault_model_reasons()[0],
                                "clock_offset_ns_max"));
}

}  // namespace
}  // namespace ekv::sim
