// A reader for the subset of EDN that Jepsen writes in histories.
//
// Accepted: nil, true, false, integers (int64), strings with the usual
// escapes, keywords (`:invoke`, `:timed-out`, `:a/b`), vectors `[...]`, lists
// `(...)`, maps `{...}`; commas are whitespace and `;` starts a comment.
// Keywords become strings without the colon; vectors and lists both become
// lists. Anything else (symbols, characters, floats, sets, tagged literals) is
// an error with line and column, not a guess. Nesting is bounded.
#ifndef EKV_CHECKERS_EDN_H_
#define EKV_CHECKERS_EDN_H_

#include "absl/strings/string_view.h"
#include "checkers/syntax.h"
#include "checkers/value.h"

namespace ekv::checkers {

struct EdnReadOptions {
  int depth_max = 64;
  int first_line = 1;
};

// Parses exactly one EDN value from `text`; on failure fills `error`.
bool ParseEdn(absl::string_view text, const EdnReadOptions& options, Value* out,
              SyntaxError* error);

}  // namespace ekv::checkers

#endif  // EKV_CHECKERS_EDN_H_
