// ekv-check as a user meets it: flags, exit codes, text and JSON output, the
// HTML view, and the bank oracle.
#include "checkers/cli.h"

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "checkers/bank.h"
#include "checkers/corpus_locator.h"
#include "checkers/history_io.h"
#include "checkers/html.h"
#include "checkers/json.h"
#include "gtest/gtest.h"

namespace ekv::checkers {
namespace {

struct CliRun {
  int code;
  std::string out;
  std::string err;
};

CliRun Cli(std::vector<std::string> args) {
  std::ostringstream out, err;
  int code = RunEkvCheck(args, out, err);
  return {code, out.str(), err.str()};
}

std::string TempFile(const std::string& name, const std::string& text) {
  const char* dir = std::getenv("TEST_TMPDIR");
  std::string path = std::string(dir != nullptr ? dir : "/tmp") + "/" + name;
  std::ofstream(path) << text;
  return path;
}

const char kValid[] =
    R"({"process":0,"type":"invoke","f":"write","key":"x","value":1}
{"process":0,"type":"ok","f":"write","key":"x","value":1}
{"process":1,"type":"invoke","f":"read","key":"x","value":null}
{"process":1,"type":"ok","f":"read","key":"x","value":1}
)";

TEST(Cli, ExitCodes) {
  const std::string valid = TempFile("valid.jsonl", kValid);
  const std::string stale = TestdataPath("register-stale-read.jsonl");
  EXPECT_EQ(Cli({"--model", "register", valid}).code, 0);
  CliRun invalid = Cli({"--model", "register", valid, stale});
  EXPECT_EQ(invalid.code, 1);
  EXPECT_EQ(invalid.out.find(valid + ": valid (register) linearizable"), 0u)
      << invalid.out;
  EXPECT_NE(invalid.out.find(stale + ": invalid (register) not linearizable"),
            std::string::npos);
  EXPECT_NE(invalid.err.find("2 histories: 1 valid, 1 invalid"),
            std::string::npos);
  CliRun undecided = Cli({"--model", "register", "--steps-max", "1", stale});
  EXPECT_EQ(undecided.code, 3) << undecided.out;
}

TEST(Cli, BadFlagsAndFilesExitTwoAndSayWhy) {
  const std::string valid = TempFile("valid.jsonl", kValid);
  CliRun r = Cli({valid});
  EXPECT_EQ(r.code, 2);
  EXPECT_EQ(r.err.find("ekv-check: --model is required\n"), 0u) << r.err;
  r = Cli({"--model", "serializable", valid});
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("unknown model 'serializable'; one of: register"),
            std::string::npos);
  EXPECT_EQ(Cli({"--model", "register", "--frobnicate", valid}).code, 2);
  EXPECT_EQ(Cli({"--model", "register", "--threads", "0", valid}).code, 2);
  EXPECT_EQ(Cli({"--model", "register", "--initial", "{", valid}).code, 2);
  EXPECT_EQ(Cli({"--model", "bank", valid}).code, 2) << "needs --total";
  EXPECT_EQ(Cli({"--model", "register"}).code, 2);
  // A missing file: an error for it, the others still checked.
  r = Cli({"--model", "register", "/nonexistent.jsonl", valid});
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("cannot open /nonexistent.jsonl"), std::string::npos);
  EXPECT_NE(r.out.find(valid + ": valid"), std::string::npos);
  // A history the model does not understand.
  r = Cli({"--model", "list-append", valid});
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("line 1"), std::string::npos) << r.err;
  EXPECT_EQ(Cli({"--help"}).code, 0);
}

TEST(Cli, InitialValueFlag) {
  const std::string h = TempFile(
      "zero.jsonl",
      "{\"process\":0,\"type\":\"invoke\",\"f\":\"read\",\"value\":null}\n"
      "{\"process\":0,\"type\":\"ok\",\"f\":\"read\",\"value\":0}\n");
  EXPECT_EQ(Cli({"--model", "register", h}).code, 1);
  EXPECT_EQ(Cli({"--model", "register", "--initial", "0", h}).code, 0);
  EXPECT_EQ(Cli({"--model", "register", "--initial=0", h}).code, 0);
}

TEST(Cli, JsonOutputIsOneObjectPerFile) {
  const std::string stale = TestdataPath("register-stale-read.jsonl");
  CliRun r = Cli({"--model", "register", "--json", stale, "/nonexistent"});
  std::istringstream lines(r.out);
  std::string first, second;
  std::getline(lines, first);
  std::getline(lines, second);
  absl::StatusOr<Value> report = ParseJson(first);
  ASSERT_TRUE(report.ok()) << first;
  EXPECT_EQ(*report->Find("verdict"), Value::String("invalid"));
  EXPECT_EQ(report->Find("findings")->list().size(), 1u);
  absl::StatusOr<Value> error = ParseJson(second);
  ASSERT_TRUE(error.ok()) << second;
  EXPECT_EQ(*error->Find("verdict"), Value::String("error"));
}

TEST(Cli, ExplainPrintsTheFindings) {
  CliRun r = Cli({"--model", "list-append", "--explain",
                  TestdataPath("list-append-g1c.jsonl")});
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.out.find("\n  G1c: a cycle of 2 txns: T0 -wr-> T1 -wr-> T0\n"
                       "    wr: T1 (line 2, p1) read \"x\" = [1]"),
            std::string::npos)
      << r.out;
}

TEST(Cli, HtmlViewIsSelfContained) {
  const char* dir = std::getenv("TEST_TMPDIR");
  ASSERT_NE(dir, nullptr);
  const std::string stale = TestdataPath("register-stale-read.jsonl");
  CliRun r = Cli({"--model", "register", "--html", dir, stale});
  EXPECT_EQ(r.code, 1) << r.err;
  std::string html;
  ASSERT_TRUE(ReadFileToString(
                  std::string(dir) + "/register-stale-read.jsonl.html", &html)
                  .ok());
  EXPECT_EQ(html.find("<!doctype html>"), 0u);
  EXPECT_NE(html.find("not-linearizable"), std::string::npos);
  EXPECT_NE(html.find("\"ops\":[[0,0,10,0,1,"), std::string::npos) << html;
  // Nothing is fetched from the network.
  EXPECT_EQ(html.find("http:"), std::string::npos);
  EXPECT_EQ(html.find("https:"), std::string::npos);
  EXPECT_EQ(html.find("src="), std::string::npos);
}

TEST(Html, DataCannotEndTheScriptEarly) {
  absl::StatusOr<History> h = ParseHistory(
      "{\"process\":0,\"type\":\"invoke\",\"f\":\"write\",\"value\":"
      "\"</script><b>\"}\n",
      "<x>", HistoryFormat::kJson);
  ASSERT_TRUE(h.ok());
  Report report;
  report.source = "<x>";
  const std::string html = RenderHtml(*h, report);
  EXPECT_EQ(html.find("</script><b>"), std::string::npos);
  EXPECT_NE(html.find("&lt;x&gt;"), std::string::npos);
}

TEST(Bank, EveryReadSumsToTheTotal) {
  absl::StatusOr<History> h = ParseHistory(
      R"({"process":0,"type":"invoke","f":"transfer","value":[0,1,5]}
{"process":0,"type":"ok","f":"transfer","value":[0,1,5]}
{"process":1,"type":"invoke","f":"read","value":null}
{"process":1,"type":"ok","f":"read","value":[15,5]}
{"process":1,"type":"invoke","f":"read","value":null}
{"process":1,"type":"ok","f":"read","value":{"a":20,"b":-1}}
{"process":1,"type":"invoke","f":"read","value":null}
{"process":1,"type":"ok","f":"read","value":[["a",10],["b",5]]}
)",
      "bank", HistoryFormat::kJson);
  ASSERT_TRUE(h.ok());
  BankOptions options;
  options.total = 20;
  absl::StatusOr<Report> r = CheckBank(*h, options);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->verdict, Verdict::kInvalid);
  ASSERT_EQ(r->findings.size(), 2u);
  EXPECT_EQ(r->findings[0].kind, "wrong-total");
  EXPECT_EQ(r->findings[1].kind, "wrong-total");
  EXPECT_NE(r->findings[1].summary.find("sums to 15 instead of 20"),
            std::string::npos);
  options.total = 19;
  options.negative_balances_allowed = true;
  r = CheckBank(*h, options);
  EXPECT_EQ(r->findings.size(), 2u);
}

}  // namespace
}  // namespace ekv::checkers
