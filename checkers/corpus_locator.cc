#include "checkers/corpus_locator.h"

#include <stdlib.h>
#include <sys/stat.h>

#include <climits>
#include <cstdlib>

namespace ekv::checkers {
namespace {

bool IsDir(const std::string& path) {
  struct stat st;
  return stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

std::string RealPath(const std::string& path) {
  char buffer[PATH_MAX];
  return realpath(path.c_str(), buffer) != nullptr ? buffer : "";
}

}  // namespace

std::string TestdataPath(const std::string& name) {
  const char* srcdir = std::getenv("TEST_SRCDIR");
  const char* workspace = std::getenv("TEST_WORKSPACE");
  std::string base = srcdir != nullptr && workspace != nullptr
                         ? std::string(srcdir) + "/" + workspace + "/"
                         : std::string();
  std::string path = base + "checkers/testdata/" + name;
  std::string real = RealPath(path);
  return real.empty() ? path : real;
}

std::string FindCorporaDir(std::string* searched) {
  if (const char* env = std::getenv("EKV_CORPORA_DIR"); env != nullptr) {
    *searched = std::string("EKV_CORPORA_DIR=") + env;
    return IsDir(std::string(env) + "/porcupine") ? env : "";
  }
  std::string dir = TestdataPath("README.md");
  *searched = "the ancestors of " + dir;
  while (true) {
    size_t slash = dir.find_last_of('/');
    if (slash == std::string::npos || slash == 0) return "";
    dir = dir.substr(0, slash);
    const std::string candidate = dir + "/shared/corpora";
    if (IsDir(candidate + "/porcupine")) return candidate;
  }
}

}  // namespace ekv::checkers
