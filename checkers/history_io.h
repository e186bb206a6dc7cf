// Reading histories from files and text, and writing ekv's JSON-lines format.
//
// Formats (history.h documents the events they describe):
//   json    ekv's JSON lines: one object per line.
//   edn     one EDN map per line, as Jepsen and Porcupine write them:
//             {:process 0, :type :invoke, :f :append, :key "4", :value "x 0 1
//             y"}
//           Fields other than :process :type :f :key :value :time :error are
//           ignored (Jepsen adds :index, :node, ...). Events of process
//           :nemesis are skipped: they are not client operations.
//   jepsen  Jepsen's log lines (tabs or runs of spaces between fields):
//             INFO  jepsen.util - 2	:invoke	:cas	[3 0]
//           The value is EDN; `:timed-out` on a fail or info completion is kept
//           as that completion's value. Nemesis lines are skipped.
//   auto    decided by the first non-blank line: `{"` json, `{:` edn, a line
//           containing `jepsen.util` jepsen; anything else is an error asking
//           for --format.
// Every non-blank line must parse; an error names the source, line and column.
// Nothing is guessed and no line is skipped silently.
#ifndef EKV_CHECKERS_HISTORY_IO_H_
#define EKV_CHECKERS_HISTORY_IO_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "checkers/history.h"

namespace ekv::checkers {

enum class HistoryFormat { kAuto, kJson, kEdn, kJepsen };

// "auto", "json", "edn", "jepsen".
bool ParseHistoryFormat(absl::string_view name, HistoryFormat* out);
absl::string_view HistoryFormatName(HistoryFormat format);

// Parses a whole history held in `text`; `source` names it in errors.
absl::StatusOr<History> ParseHistory(absl::string_view text,
                                     absl::string_view source,
                                     HistoryFormat format);

// Reads and parses the file at `path` (its path is the history's source).
absl::StatusOr<History> ReadHistoryFile(const std::string& path,
                                        HistoryFormat format);

// Reads a whole file into `out`. Errors are kIoError statuses naming `path`.
absl::Status ReadFileToString(const std::string& path, std::string* out);

// One event as a line of ekv's JSON-lines format, without the newline.
std::string EventToJsonLine(const Event& event);

// The whole history as JSON lines, events in their original order (ops that
// never completed have no completion line). Parsing the result gives back an
// equal history.
std::string HistoryToJsonLines(const History& history);

}  // namespace ekv::checkers

#endif  // EKV_CHECKERS_HISTORY_IO_H_
