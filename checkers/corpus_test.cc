// ekv-check gives the expected verdict for every history of Porcupine's
// corpus (../shared/corpora/porcupine, with VERDICTS.txt). Skips, saying why,
// where the corpus is absent.
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "checkers/cli.h"
#include "checkers/corpus_locator.h"
#include "gtest/gtest.h"

namespace ekv::checkers {
namespace {

struct Corpus {
  std::string dir;                           // .../porcupine
  std::map<std::string, bool> linearizable;  // relative path -> verdict
};

// Loads VERDICTS.txt, or says why the test must skip.
bool LoadCorpus(Corpus* corpus, std::string* why) {
  std::string searched;
  std::string corpora = FindCorporaDir(&searched);
  if (corpora.empty()) {
    *why = "the shared corpora are absent (searched " + searched +
           "); set EKV_CORPORA_DIR to the directory holding porcupine/";
    return false;
  }
  corpus->dir = corpora + "/porcupine";
  std::ifstream verdicts(corpus->dir + "/VERDICTS.txt");
  if (!verdicts) {
    *why = "no VERDICTS.txt in " + corpus->dir;
    return false;
  }
  std::string line;
  while (std::getline(verdicts, line)) {
    if (line.empty() || line[0] == '#') continue;
    std::istringstream fields(line);
    std::string file, verdict;
    fields >> file >> verdict;
    EXPECT_TRUE(verdict == "linearizable" || verdict == "not-linearizable")
        << line;
    corpus->linearizable[file] = verdict == "linearizable";
  }
  return true;
}

// Runs ekv-check on `files`; returns stdout's lines by source.
std::map<std::string, std::string> RunCheck(
    std::vector<std::string> args, const std::vector<std::string>& files,
    int* exit_code) {
  args.insert(args.end(), files.begin(), files.end());
  std::ostringstream out, err;
  *exit_code = RunEkvCheck(args, out, err);
  std::map<std::string, std::string> lines;
  std::istringstream in(out.str());
  for (std::string line; std::getline(in, line);) {
    lines[line.substr(0, line.find(": "))] = line;
  }
  return lines;
}

TEST(PorcupineCorpus, EveryVerdictMatches) {
  Corpus corpus;
  std::string why;
  if (!LoadCorpus(&corpus, &why)) GTEST_SKIP() << why;
  ASSERT_EQ(corpus.linearizable.size(), 108u) << "VERDICTS.txt changed";
  std::vector<std::string> jepsen, kv;
  for (const auto& [file, linearizable] : corpus.linearizable) {
    (file.rfind("jepsen/", 0) == 0 ? jepsen : kv)
        .push_back(corpus.dir + "/" + file);
  }
  ASSERT_EQ(jepsen.size(), 102u);
  ASSERT_EQ(kv.size(), 6u);
  int jepsen_exit, kv_exit;
  auto jepsen_lines =
      RunCheck({"--model", "cas-register"}, jepsen, &jepsen_exit);
  auto kv_lines =
      RunCheck({"--model", "kv", "--initial", "\"\""}, kv, &kv_exit);
  EXPECT_EQ(jepsen_exit, 1) << "some jepsen histories are not linearizable";
  EXPECT_EQ(kv_exit, 1);
  int checked = 0;
  for (const auto& [file, linearizable] : corpus.linearizable) {
    const std::string path = corpus.dir + "/" + file;
    const auto& lines = file.rfind("jepsen/", 0) == 0 ? jepsen_lines : kv_lines;
    auto it = lines.find(path);
    ASSERT_NE(it, lines.end()) << "no report for " << path;
    const std::string expected = linearizable ? ": valid " : ": invalid ";
    EXPECT_NE(it->second.find(expected), std::string::npos)
        << file << " should be " << (linearizable ? "" : "not ")
        << "linearizable; ekv-check said: " << it->second;
    ++checked;
  }
  EXPECT_EQ(checked, 108);
}

TEST(PorcupineCorpus, EmptyHistoryIsValid) {
  Corpus corpus;
  std::string why;
  if (!LoadCorpus(&corpus, &why)) GTEST_SKIP() << why;
  // etcd_095 is empty (its etcd cluster never started) and has no verdict.
  int exit_code;
  auto lines = RunCheck({"--model", "cas-register"},
                        {corpus.dir + "/jepsen/etcd_095.log"}, &exit_code);
  EXPECT_EQ(exit_code, 0);
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_NE(lines.begin()->second.find(": valid "), std::string::npos);
}

TEST(PorcupineCorpus, ReportsAreTheSameWithThreadsAndAcrossRuns) {
  Corpus corpus;
  std::string why;
  if (!LoadCorpus(&corpus, &why)) GTEST_SKIP() << why;
  const std::vector<std::string> files = {corpus.dir + "/kv/c10-bad.txt",
                                          corpus.dir + "/kv/c50-ok.txt"};
  auto run = [&](std::vector<std::string> extra) {
    std::vector<std::string> args = {"--model", "kv",     "--initial",
                                     "\"\"",    "--json", "--explain"};
    args.insert(args.end(), extra.begin(), extra.end());
    args.insert(args.end(), files.begin(), files.end());
    std::ostringstream out, err;
    RunEkvCheck(args, out, err);
    return out.str();
  };
  const std::string once = run({});
  EXPECT_EQ(once, run({}));
  EXPECT_EQ(once, run({"--threads", "4"}));
  EXPECT_NE(once.find("\"verdict\":\"invalid\""), std::string::npos);
}

}  // namespace
}  // namespace ekv::checkers
