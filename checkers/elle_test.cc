// The transactional checker on small list-append and rw-register histories
// written out by hand: each anomaly kind, the explanations, the order edges,
// and the histories it refuses.
#include "checkers/elle.h"

#include <string>

#include "checkers/history_io.h"
#include "gtest/gtest.h"

namespace ekv::checkers {
namespace {

// One txn's invocation and completion; `done` lists the completed mops, and
// the invocation is the same with reads unknown (JSON null).
std::string T(int p, const std::string& asked, const std::string& done,
              const char* type = "ok") {
  return "{\"process\":" + std::to_string(p) +
         ",\"type\":\"invoke\",\"f\":\"txn\",\"value\":" + asked + "}\n" +
         "{\"process\":" + std::to_string(p) + ",\"type\":\"" + type +
         "\",\"f\":\"txn\",\"value\":" + done + "}\n";
}

absl::StatusOr<ElleResult> CheckText(const std::string& jsonl, TxnModel model,
                                     ElleOptions options = {}) {
  absl::StatusOr<History> h = ParseHistory(jsonl, "test", HistoryFormat::kJson);
  if (!h.ok()) return h.status();
  return CheckTransactions(*h, model, options);
}

std::string Kinds(const ElleResult& r) {
  std::string out;
  for (const auto& [kind, count] : r.counts) out += kind + " ";
  return out;
}

void ExpectOnly(const std::string& jsonl, TxnModel model,
                const std::string& kind, ElleOptions options = {}) {
  absl::StatusOr<ElleResult> r = CheckText(jsonl, model, options);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(Kinds(*r), kind + " ");
  EXPECT_EQ(r->verdict, Verdict::kInvalid);
}

constexpr TxnModel kList = TxnModel::kListAppend;
constexpr TxnModel kRw = TxnModel::kRwRegister;

TEST(ListAppend, SerialHistoryIsValid) {
  std::string h = T(0, R"([["append","x",1]])", R"([["append","x",1]])") +
                  T(1, R"([["r","x",null],["append","x",2]])",
                    R"([["r","x",[1]],["append","x",2]])") +
                  T(0, R"([["r","x",null]])", R"([["r","x",[1,2]]])");
  absl::StatusOr<ElleResult> r = CheckText(h, kList);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->verdict, Verdict::kValid) << Kinds(*r);
  EXPECT_GT(r->edges, 0);
}

TEST(ListAppend, G1cIsExplainedEdgeByEdge) {
  std::string h =
      R"({"process":0,"type":"invoke","f":"txn","value":[["append","x",1],["r","y",null]]}
{"process":1,"type":"invoke","f":"txn","value":[["append","y",1],["r","x",null]]}
{"process":0,"type":"ok","f":"txn","value":[["append","x",1],["r","y",[1]]]}
{"process":1,"type":"ok","f":"txn","value":[["append","y",1],["r","x",[1]]]}
)";
  absl::StatusOr<ElleResult> r = CheckText(h, kList);
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->anomalies.size(), 1u);
  const Anomaly& a = r->anomalies[0];
  EXPECT_EQ(a.kind, "G1c");
  EXPECT_EQ(a.summary, "a cycle of 2 txns: T0 -wr-> T1 -wr-> T0");
  ASSERT_EQ(a.details.size(), 2u);
  EXPECT_EQ(a.details[0],
            "wr: T1 (line 2, p1) read \"x\" = [1], whose last element 1 T0 "
            "(line 1, p0) appended");
}

TEST(ListAppend, RealTimeAndProcessOrderFindStaleReads) {
  // T2 starts after T1 finished, yet misses T1's append, which T3 sees.
  std::string h = T(0, R"([["append","x",1]])", R"([["append","x",1]])") +
                  T(0, R"([["r","x",null]])", R"([["r","x",[]]])") +
                  T(1, R"([["r","x",null]])", R"([["r","x",[1]]])");
  absl::StatusOr<ElleResult> plain = CheckText(h, kList);
  ASSERT_TRUE(plain.ok());
  EXPECT_EQ(plain->verdict, Verdict::kValid) << Kinds(*plain);
  ElleOptions realtime;
  realtime.realtime = true;
  ExpectOnly(h, kList, "G-single-realtime", realtime);
  ElleOptions process;
  process.process_order = true;
  ExpectOnly(h, kList, "G-single-process", process);
}

TEST(ListAppend, RefusesHistoriesItCannotCheck) {
  // The same value appended twice to a key: versions would be ambiguous.
  absl::StatusOr<ElleResult> r =
      CheckText(T(0, R"([["append","x",1]])", R"([["append","x",1]])") +
                    T(1, R"([["append","x",1]])", R"([["append","x",1]])"),
                kList);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("unique values per key"),
            std::string::npos);
  // A completion whose micro-ops differ from its invocation's.
  r = CheckText(T(0, R"([["append","x",1]])", R"([["append","x",2]])"), kList);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("test: line 1"), std::string::npos)
      << r.status();
  // An op that is not a txn, and a micro-op of the other workload.
  r = CheckText(R"({"process":0,"type":"invoke","f":"read","value":null}
)",
                kList);
  EXPECT_FALSE(r.ok());
  r = CheckText(T(0, R"([["w","x",1]])", R"([["w","x",1]])"), kList);
  EXPECT_FALSE(r.ok());
}

TEST(RwRegister, SerialHistoryIsValid) {
  std::string h =
      T(0, R"([["r","x",null],["w","x",1]])",
        R"([["r","x",null],["w","x",1]])") +
      T(1, R"([["r","x",null],["w","x",2]])", R"([["r","x",1],["w","x",2]])") +
      T(0, R"([["r","x",null]])", R"([["r","x",2]])");
  absl::StatusOr<ElleResult> r = CheckText(h, kRw);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->verdict, Verdict::kValid) << Kinds(*r);
}

TEST(RwRegister, EachDirectAnomaly) {
  ExpectOnly(T(0, R"([["w","x",1]])", R"([["w","x",1]])", "fail") +
                 T(1, R"([["r","x",null]])", R"([["r","x",1]])"),
             kRw, "G1a");
  ExpectOnly(
      T(0, R"([["w","x",1],["w","x",2]])", R"([["w","x",1],["w","x",2]])") +
          T(1, R"([["r","x",null]])", R"([["r","x",1]])"),
      kRw, "G1b");
  ExpectOnly(T(0, R"([["w","x",1],["r","x",null]])",
               R"([["w","x",1],["r","x",null]])"),
             kRw, "internal");
  ExpectOnly(T(0, R"([["r","x",null]])", R"([["r","x",9]])"), kRw,
             "garbage-read");
  // x: 1 before 2 (T0 read 1, wrote 2) and 2 before 1 (T1 read 2, wrote 1);
  // the same reads and writes also make ww and wr cycles.
  absl::StatusOr<ElleResult> r = CheckText(
      T(0, R"([["r","x",null],["w","x",2]])", R"([["r","x",1],["w","x",2]])") +
          T(1, R"([["r","x",null],["w","x",1]])",
            R"([["r","x",2],["w","x",1]])"),
      kRw);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(Kinds(*r), "G0 cyclic-versions ");
}

TEST(RwRegister, CycleKinds) {
  // G1c: each reads the other's write.
  ExpectOnly(
      T(0, R"([["w","x",1],["r","y",null]])", R"([["w","x",1],["r","y",1]])") +
          T(1, R"([["w","y",1],["r","x",null]])",
            R"([["w","y",1],["r","x",1]])"),
      kRw, "G1c");
  // G2-item: write skew over two keys read at nil.
  ExpectOnly(T(0, R"([["r","x",null],["w","y",1]])",
               R"([["r","x",null],["w","y",1]])") +
                 T(1, R"([["r","y",null],["w","x",1]])",
                   R"([["r","y",null],["w","x",1]])"),
             kRw, "G2-item");
  // G-single (read skew): T1 sees T0's y but the x before T0's x.
  ExpectOnly(T(0, R"([["r","x",null],["w","x",1],["w","y",1]])",
               R"([["r","x",null],["w","x",1],["w","y",1]])") +
                 T(1, R"([["r","x",null],["r","y",null]])",
                   R"([["r","x",null],["r","y",1]])"),
             kRw, "G-single");
}

}  // namespace
}  // namespace ekv::checkers
