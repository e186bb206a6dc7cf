#include "checkers/syntax.h"

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "engine/base/status.h"

namespace ekv::checkers {

absl::Status SyntaxErrorStatus(absl::string_view source,
                               const SyntaxError& error) {
  return InvalidRequestError(absl::StrCat(source, ":", error.line, ":",
                                          error.column, ": ", error.message));
}

absl::Status AddContext(const absl::Status& status, absl::string_view context) {
  if (status.ok()) return status;
  const ErrorKind kind = GetErrorKind(status);
  absl::string_view message = status.message();
  const std::string name = absl::StrCat(ErrorKindName(kind), ": ");
  if (kind != ErrorKind::kNone && absl::StartsWith(message, name)) {
    message.remove_prefix(name.size());
  }
  if (kind == ErrorKind::kNone) {
    return absl::Status(status.code(), absl::StrCat(context, ": ", message));
  }
  return MakeError(kind, absl::StrCat(context, ": ", message));
}

void LocateOffset(absl::string_view text, size_t offset, int first_line,
                  SyntaxError* error) {
  int line = first_line;
  size_t line_start = 0;
  for (size_t i = 0; i < offset && i < text.size(); ++i) {
    if (text[i] == '\n') {
      ++line;
      line_start = i + 1;
    }
  }
  error->line = line;
  error->column = static_cast<int>(offset - line_start) + 1;
}

}  // namespace ekv::checkers
