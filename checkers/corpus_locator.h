// Finds the shared test corpora (`shared/corpora` beside a checkout, at
// ../shared from the workspace root) from inside a Bazel test, without copying
// them into the project: EKV_CORPORA_DIR when set, otherwise the nearest
// ancestor of this package's test data (its real path, out of the sandbox)
// that holds shared/corpora. Test-only code; reads the environment.
#ifndef EKV_CHECKERS_CORPUS_LOCATOR_H_
#define EKV_CHECKERS_CORPUS_LOCATOR_H_

#include <string>

namespace ekv::checkers {

// The corpora directory (holding porcupine/), or "" when none is found;
// `searched` then says where the search looked.
std::string FindCorporaDir(std::string* searched);

// The real path of a file of checkers/testdata, from the test's runfiles.
std::string TestdataPath(const std::string& name);

}  // namespace ekv::checkers

#endif  // EKV_CHECKERS_CORPUS_LOCATOR_H_
