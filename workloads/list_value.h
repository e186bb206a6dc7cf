// How the list-append workload keeps a list of integers in a key's bytes: each
// element as its decimal digits followed by a comma ("1,2,3,"), so that an
// engine APPEND of one encoded element appends one element. Absent or empty
// bytes are the empty list. Anything else (a torn or foreign value) does not
// decode, and the workload reports it.
#ifndef EKV_WORKLOADS_LIST_VALUE_H_
#define EKV_WORKLOADS_LIST_VALUE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"

namespace ekv::workloads {

std::string EncodeListElement(int64_t element);
std::optional<std::vector<int64_t>> DecodeList(absl::string_view bytes);

}  // namespace ekv::workloads

#endif  // EKV_WORKLOADS_LIST_VALUE_H_
