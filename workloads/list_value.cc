#include "workloads/list_value.h"

#include <algorithm>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace ekv::workloads {

std::string EncodeListElement(int64_t element) {
  return absl::StrCat(element, ",");
}

std::optional<std::vector<int64_t>> DecodeList(absl::string_view bytes) {
  std::vector<int64_t> out;
  out.reserve(static_cast<size_t>(
      std::count(bytes.begin(), bytes.end(), ',')));  // one per element
  while (!bytes.empty()) {
    const size_t comma = bytes.find(',');
    if (comma == absl::string_view::npos || comma == 0) return std::nullopt;
    // Exactly what EncodeListElement writes: an optional '-', then digits.
    const absl::string_view digits = bytes.substr(0, comma);
    const size_t sign = digits[0] == '-' ? 1 : 0;
    if (digits.size() == sign) return std::nullopt;
    for (size_t i = sign; i < digits.size(); ++i) {
      if (digits[i] < '0' || digits[i] > '9') return std::nullopt;
    }
    int64_t element = 0;
    if (digits.size() - sign <= 18) {
      // Fits an int64 whatever the digits: no overflow to check.
      for (size_t i = sign; i < digits.size(); ++i) {
        element = element * 10 + (digits[i] - '0');
      }
      if (sign == 1) element = -element;
    } else if (!absl::SimpleAtoi(digits, &element)) {
      return std::nullopt;
    }
    out.push_back(element);
    bytes.remove_prefix(comma + 1);
  }
  return out;
}

}  // namespace ekv::workloads
