// The list encoding of the list-append workload, and its key pool.
#include "workloads/list_value.h"

#include <map>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "gtest/gtest.h"
#include "rapidcheck.h"
#include "rapidcheck/gtest.h"
#include "workloads/list_append_keys.h"

namespace ekv::workloads {
namespace {

RC_GTEST_PROP(ListValue, AppendedElementsDecodeInOrder,
              (const std::vector<int64_t>& elements)) {
  std::string bytes;
  for (int64_t e : elements) bytes += EncodeListElement(e);
  const auto decoded = DecodeList(bytes);
  RC_ASSERT(decoded.has_value());
  RC_ASSERT(*decoded == elements);
}

// Any string of digits, signs and commas decodes as absl::SimpleAtoi reads
// each element, or is refused where SimpleAtoi refuses one (or the shape is
// not "element,"*).
RC_GTEST_PROP(ListValue, DecodesDigitsAsSimpleAtoiDoes, ()) {
  const std::string bytes = *rc::gen::container<std::string>(
      rc::gen::element('0', '1', '9', '-', ',', '0', '7', '5'));
  std::optional<std::vector<int64_t>> expected = std::vector<int64_t>();
  absl::string_view rest = bytes;
  while (!rest.empty() && expected.has_value()) {
    const size_t comma = rest.find(',');
    const absl::string_view digits = rest.substr(0, comma);
    int64_t element = 0;
    if (comma == absl::string_view::npos || digits.empty() ||
        digits.find('-', 1) != absl::string_view::npos ||
        !absl::SimpleAtoi(digits, &element) || digits == "-") {
      expected.reset();
    } else {
      expected->push_back(element);
      rest.remove_prefix(comma + 1);
    }
  }
  RC_ASSERT(DecodeList(bytes) == expected);
}

TEST(ListValue, RefusesBytesThatAreNoList) {
  EXPECT_EQ(DecodeList(""), std::vector<int64_t>());
  for (const char* bad : {"1", ",", "1,,", "x,", "1,2", "1, 2,", "-,", "+1,",
                          "99999999999999999999,"}) {
    EXPECT_FALSE(DecodeList(bad).has_value()) << bad;
  }
}

TEST(ListAppendKeys, ValuesAreUniquePerKeyAndKeysRotate) {
  ListAppendKeys keys("p:", 2, 5);
  Random random(1);
  std::map<std::string, std::set<int64_t>> given;
  for (int i = 0; i < 200; ++i) {
    const std::string key = keys.Pick(random);
    EXPECT_EQ(key.rfind("p:k", 0), 0u) << key;
    EXPECT_TRUE(given[key].insert(keys.NextValue(key)).second) << key;
  }
  for (const auto& [key, values] : given) {
    EXPECT_LE(values.size(), 5u) << key << " outlived its appends";
  }
  EXPECT_GE(keys.keys_used(), 200 / 5);
}

}  // namespace
}  // namespace ekv::workloads
