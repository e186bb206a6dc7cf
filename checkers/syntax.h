// Where and why a text did not parse, shared by the JSON and EDN readers.
//
// Lines and columns count from 1; a column counts bytes. A reader fills a
// SyntaxError and returns false; the caller names the source (a file) when it
// turns the error into a status, so messages read `file:line:column: why`.
#ifndef EKV_CHECKERS_SYNTAX_H_
#define EKV_CHECKERS_SYNTAX_H_

#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace ekv::checkers {

struct SyntaxError {
  int line = 0;
  int column = 0;
  std::string message;
};

// An InvalidArgument status "source:line:column: message" of kind
// kInvalidRequest.
absl::Status SyntaxErrorStatus(absl::string_view source,
                               const SyntaxError& error);

// `status` with `context` put in front of its message (after ekv's kind
// name), keeping its kind: "invalid_request: CONTEXT: message".
absl::Status AddContext(const absl::Status& status, absl::string_view context);

// Locates byte `offset` of `text`, whose first line is `first_line`.
void LocateOffset(absl::string_view text, size_t offset, int first_line,
                  SyntaxError* error);

}  // namespace ekv::checkers

#endif  // EKV_CHECKERS_SYNTAX_H_
