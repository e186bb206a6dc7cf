// ekv-check: checks history files and prints one line per file.
//
//   ekv-check --model MODEL [options] FILE...
//
// Exit codes: 0 every history is valid; 1 some history is invalid; 3 none is
// invalid but some could not be decided within the budget; 2 a wrong flag, or
// a file that cannot be read or parsed (the other files are still checked).
// Reports go to stdout (text, or one JSON object per line with --json) and are
// deterministic; a summary with timings goes to stderr.
#ifndef EKV_CHECKERS_CLI_H_
#define EKV_CHECKERS_CLI_H_

#include <ostream>
#include <string>
#include <vector>

namespace ekv::checkers {

// Runs ekv-check on `args` (without the program name); returns the exit code.
int RunEkvCheck(const std::vector<std::string>& args, std::ostream& out,
                std::ostream& err);

}  // namespace ekv::checkers

#endif  // EKV_CHECKERS_CLI_H_
