// Reading histories: the three formats, pairing invocations with completions,
// and errors that name the file and line instead of guessing.
#include "checkers/history_io.h"

#include <string>

#include "checkers/history_gen.h"
#include "gtest/gtest.h"

namespace ekv::checkers {
namespace {

History Parse(const std::string& text,
              HistoryFormat format = HistoryFormat::kAuto) {
  absl::StatusOr<History> h = ParseHistory(text, "h.txt", format);
  EXPECT_TRUE(h.ok()) << h.status();
  return h.ok() ? *h : History();
}

std::string Error(const std::string& text,
                  HistoryFormat format = HistoryFormat::kAuto) {
  absl::StatusOr<History> h = ParseHistory(text, "h.txt", format);
  EXPECT_FALSE(h.ok()) << text;
  return std::string(h.status().message());
}

TEST(HistoryIo, JsonLinesPairOperationsByProcess) {
  History h = Parse(
      R"({"process":0,"type":"invoke","f":"write","key":"x","value":3,"time":10}
{"process":1,"type":"invoke","f":"read","key":"x","value":null,"time":11}

{"process":0,"type":"ok","f":"write","key":"x","value":3,"time":20}
{"process":1,"type":"info","f":"read","value":null,"time":30,"error":"timeout"}
{"process":2,"type":"invoke","f":"cas","key":"x","value":[3,4],"time":31}
)");
  ASSERT_EQ(h.ops.size(), 3u);
  EXPECT_TRUE(h.has_time);
  EXPECT_EQ(h.event_count, 5);
  const Operation& w = h.ops[0];
  EXPECT_EQ(w.type, OpType::kOk);
  EXPECT_EQ(w.invoke_time, 10);
  EXPECT_EQ(w.complete_time, 20);
  EXPECT_EQ(w.invoke_line, 1);
  EXPECT_EQ(w.complete_line, 4);
  EXPECT_EQ(h.ops[1].type, OpType::kInfo);
  EXPECT_EQ(h.ops[1].error, "timeout");
  EXPECT_EQ(h.ops[2].type, OpType::kInfo) << "never completed";
  EXPECT_FALSE(h.ops[2].completed());
  EXPECT_TRUE(w.Precedes(h.ops[2]));
  EXPECT_FALSE(h.ops[1].Precedes(h.ops[2])) << "info ops precede nothing";
  EXPECT_EQ(w.Describe(), "write(\"x\", 3) ok");
}

TEST(HistoryIo, JepsenLogsWithTabsOrSpaces) {
  History h = Parse(
      "INFO  jepsen.util - 2\t:invoke\t:cas\t[3 0]\n"
      "INFO  jepsen.util - 2   :fail   :cas    [3 0]\n"
      "INFO  jepsen.util - 3\t:invoke\t:read\tnil\n"
      "INFO  jepsen.util - 3\t:fail\t:read\t:timed-out\n"
      "INFO  jepsen.util - :nemesis\t:info\t:start\tnil\n"
      "INFO  jepsen.util - 4\t:invoke\t:write\t1\n"
      "INFO  jepsen.util - 4\t:info\t:write\t:timed-out\n");
  ASSERT_EQ(h.ops.size(), 3u);
  EXPECT_EQ(h.ops[0].f, "cas");
  EXPECT_EQ(h.ops[0].value.ToJson(), "[3,0]");
  EXPECT_EQ(h.ops[0].type, OpType::kFail);
  EXPECT_EQ(h.ops[1].result, Value::String("timed-out"));
  EXPECT_EQ(h.ops[2].type, OpType::kInfo);
  EXPECT_EQ(h.ops[2].value, Value::Int(1)) << "arguments from the invocation";
}

TEST(HistoryIo, EdnMapsIgnoreJepsensExtraFields) {
  History h = Parse(
      "{:process 0, :type :invoke, :f :append, :key \"4\", :value \"x 0 1 y\", "
      ":index 0, :node \"n1\"}\n"
      "{:process :nemesis, :type :info, :f :kill, :value nil}\n"
      "{:process 0, :type :ok, :f :append, :key \"4\", :value \"x 0 1 y\"}\n");
  ASSERT_EQ(h.ops.size(), 1u);
  EXPECT_EQ(*h.ops[0].key, Value::String("4"));
  EXPECT_EQ(h.ops[0].type, OpType::kOk);
}

TEST(HistoryIo, MalformedLinesNameFileAndLine) {
  EXPECT_EQ(
      Error(
          "{\"process\":0,\"type\":\"invoke\",\"f\":\"read\"}\n{\"process\":"),
      "invalid_request: h.txt:2:12: expected a value, found the end of "
      "the text");
  EXPECT_EQ(Error(R"({"process":0,"type":"invoke","f":"read","valeu":1})"),
            "invalid_request: h.txt:1: unknown field \"valeu\" (see "
            "checkers/history.h)");
  EXPECT_EQ(Error(R"({"process":"a","type":"invoke","f":"read"})"),
            "invalid_request: h.txt:1: process must be an integer");
  EXPECT_EQ(Error(R"({"process":0,"type":"begin","f":"read"})"),
            "invalid_request: h.txt:1: type must be invoke, ok, fail or info, "
            "not \"begin\"");
  EXPECT_EQ(Error(R"({"process":0,"type":"ok","f":"read"})"),
            "invalid_request: h.txt:1: process 0 completes read without "
            "invoking it");
  EXPECT_EQ(Error("{\"process\":0,\"type\":\"invoke\",\"f\":\"read\"}\n"
                  "{\"process\":0,\"type\":\"invoke\",\"f\":\"read\"}"),
            "invalid_request: h.txt:2: process 0 invokes while its operation "
            "from line 1 is still in flight");
  EXPECT_EQ(Error("{\"process\":0,\"type\":\"invoke\",\"f\":\"read\"}\n"
                  "{\"process\":0,\"type\":\"ok\",\"f\":\"write\"}"),
            "invalid_request: h.txt:2: completion f write differs from the "
            "invocation's read (line 1)");
  EXPECT_EQ(
      Error("{\"process\":0,\"type\":\"invoke\",\"f\":\"r\",\"time\":5}\n"
            "{\"process\":0,\"type\":\"ok\",\"f\":\"r\",\"time\":4}"),
      "invalid_request: h.txt:2: time 4 is before the previous event's 5");
  EXPECT_EQ(Error("{\"process\":0,\"type\":\"invoke\",\"f\":\"r\",\"time\":5}\n"
                  "{\"process\":0,\"type\":\"ok\",\"f\":\"r\"}"),
            "invalid_request: h.txt:2: either every event has a time or none "
            "does");
  EXPECT_EQ(Error("INFO  jepsen.util - 2\t:invoke\t:cas\t[3 0\n"),
            "invalid_request: h.txt:1:40: unterminated vector or list");
  EXPECT_EQ(Error("WARN something else\n", HistoryFormat::kJepsen),
            "invalid_request: h.txt:1:1: not a Jepsen log line (expected "
            "`INFO  jepsen.util - PROCESS :TYPE :F VALUE`)");
  EXPECT_EQ(Error("hello\n"),
            "invalid_request: h.txt:1: cannot tell the history format from "
            "this line; pass --format json|edn|jepsen");
}

TEST(HistoryIo, JsonLinesRoundTrip) {
  LinGenOptions options;
  options.model = GenModel::kCasRegister;
  options.ops = 60;
  const History h = BuildHistory(GenerateLinearizable(7, options));
  const std::string text = HistoryToJsonLines(h);
  const History back = Parse(text, HistoryFormat::kJson);
  EXPECT_EQ(HistoryToJsonLines(back), text);
  ASSERT_EQ(back.ops.size(), h.ops.size());
  for (size_t i = 0; i < h.ops.size(); ++i) {
    EXPECT_EQ(back.ops[i].Describe(), h.ops[i].Describe());
    EXPECT_EQ(back.ops[i].invoke_event, h.ops[i].invoke_event);
    EXPECT_EQ(back.ops[i].complete_event, h.ops[i].complete_event);
  }
}

TEST(HistoryIo, UnreadableFilesAreIoErrors) {
  absl::StatusOr<History> h =
      ReadHistoryFile("/nonexistent/history.jsonl", HistoryFormat::kAuto);
  ASSERT_FALSE(h.ok());
  EXPECT_NE(h.status().message().find("cannot open /nonexistent/history.jsonl"),
            std::string::npos);
}

}  // namespace
}  // namespace ekv::checkers
