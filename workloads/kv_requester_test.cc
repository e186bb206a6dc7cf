// KvRequester against scripted nodes in the simulator: which node each
// attempt goes to, what (client_id, seq) it carries, and which outcome
// (ok / fail / info) each way of answering gives.
#include "workloads/kv_requester.h"

#include <functional>
#include <memory>
#include <optional>
#include <vector>

#include "engine/base/status.h"
#include "engine/node/client_wire.h"
#include "gtest/gtest.h"
#include "sim/world.h"

namespace ekv::workloads {
namespace {

using Answer = std::function<std::optional<kvpb::ClientResponse>(
    EndpointId self, const kvpb::ClientRequest&)>;

kvpb::ClientResponse Reply(const kvpb::ClientRequest& request,
                           ErrorKind kind = ErrorKind::kNone) {
  kvpb::ClientResponse response;
  response.set_request_id(request.request_id());
  response.set_seq(request.seq());
  response.set_error_kind(static_cast<uint32_t>(kind));
  response.set_leader_hint(-1);
  return response;
}

// Answers each request as `answer` says (nothing: no reply), after delay_ns.
class ScriptedNode final : public Process {
 public:
  ScriptedNode(const Env& env, EndpointId self, Answer answer,
               std::vector<kvpb::ClientRequest>* seen, int64_t delay_ns)
      : env_(env),
        self_(self),
        answer_(std::move(answer)),
        seen_(seen),
        delay_ns_(delay_ns) {}
  void Start() override {}
  void OnMessage(EndpointId from, std::string payload) override {
    const auto request = node::DecodeClientRequest(payload);
    ASSERT_TRUE(request.has_value());
    seen_->push_back(*request);
    const auto response = answer_(self_, *request);
    if (!response.has_value()) return;
    const std::string bytes = node::EncodeClientResponse(*response);
    env_.timers->StartTimer(
        delay_ns_, [this, from, bytes] { env_.transport->Send(from, bytes); });
  }

 private:
  Env env_;
  EndpointId self_;
  Answer answer_;
  std::vector<kvpb::ClientRequest>* seen_;
  int64_t delay_ns_;
};

// Runs `operations` one after another from one client; returns the results.
class Client final : public Process {
 public:
  struct Op {
    kvpb::ClientRequest request;
    bool mutating = false;
  };
  Client(const Env& env, std::vector<EndpointId> nodes,
         const KvRequesterOptions& options, std::vector<Op> ops,
         std::vector<KvResult>* results)
      : requester_(env, std::move(nodes), 77, options),
        ops_(std::move(ops)),
        results_(results) {}
  void Start() override { Next(); }
  void OnMessage(EndpointId, std::string payload) override {
    requester_.OnMessage(payload);
  }
  const KvRequester& requester() const { return requester_; }

 private:
  void Next() {
    if (next_ == ops_.size()) return;
    const Op& op = ops_[next_++];
    requester_.Start(op.request, op.mutating, [this](KvResult&& result) {
      results_->push_back(std::move(result));
      Next();
    });
  }
  KvRequester requester_;
  std::vector<Op> ops_;
  size_t next_ = 0;
  std::vector<KvResult>* results_;
};

kvpb::ClientRequest Put() {
  kvpb::ClientRequest request;
  request.mutable_put()->set_key("k");
  request.mutable_put()->set_value("v");
  return request;
}

kvpb::ClientRequest Get() {
  kvpb::ClientRequest request;
  request.mutable_get()->set_key("k");
  return request;
}

struct ScriptRun {
  std::vector<kvpb::ClientRequest> seen;
  std::vector<KvResult> results;
  KvRequesterStats stats;
};

ScriptRun RunScript(Answer answer, std::vector<Client::Op> ops,
                    KvRequesterOptions options = {}, int64_t delay_ns = 0,
                    uint64_t seed = 1) {
  ScriptRun run;
  sim::World world(seed, sim::SimOptions());
  std::vector<EndpointId> nodes;
  for (int i = 0; i < 3; ++i) {
    nodes.push_back(world.AddNode([&](const Env& env, EndpointId self) {
      return std::make_unique<ScriptedNode>(env, self, answer, &run.seen,
                                            delay_ns);
    }));
  }
  const EndpointId client = world.AddClient([&](const Env& env, EndpointId) {
    return std::make_unique<Client>(env, nodes, options, ops, &run.results);
  });
  world.Start();
  world.RunUntil(60 * kNanosPerSecond);
  run.stats = world.ProcessAs<Client>(client)->requester().stats();
  return run;
}

TEST(KvRequester, FollowsLeaderHintsAndKeepsTheSeqAcrossAttempts) {
  constexpr EndpointId kLeader = 2;
  int timeouts_left = 2;
  const Answer answer =
      [&](EndpointId self,
          const kvpb::ClientRequest& r) -> std::optional<kvpb::ClientResponse> {
    if (self != kLeader) {
      kvpb::ClientResponse response = Reply(r, ErrorKind::kNotLeader);
      response.set_leader_hint(kLeader);
      return response;
    }
    if (timeouts_left-- > 0) return Reply(r, ErrorKind::kTimeout);
    return Reply(r);
  };
  for (uint64_t seed = 1; seed <= 6; ++seed) {
    timeouts_left = 2;
    const ScriptRun run = RunScript(
        answer, {{Put(), true}, {Get(), false}, {Put(), true}}, {}, 0, seed);
    ASSERT_EQ(run.results.size(), 3u);
    for (const KvResult& r : run.results) EXPECT_EQ(r.outcome, KvOutcome::kOk);
    // After a redirect every attempt goes to the leader; at most one did not.
    int elsewhere = 0;
    std::vector<uint64_t> request_ids;
    for (const auto& request : run.seen) {
      EXPECT_EQ(request.client_id(), 77u);
      request_ids.push_back(request.request_id());
    }
    for (size_t i = 1; i < request_ids.size(); ++i) {
      EXPECT_LT(request_ids[i - 1], request_ids[i]) << "a fresh id per attempt";
    }
    EXPECT_LE(run.stats.redirects, 1);
    elsewhere = static_cast<int>(run.seen.size()) - 3 - 2;  // 3 oks, 2 timeouts
    EXPECT_EQ(elsewhere, run.stats.redirects);
    // The first put's attempts share one seq; the get has none; the second put
    // has the next.
    const uint64_t first_seq = run.seen.front().seq();
    EXPECT_GT(first_seq, 0u);
    uint64_t last_put_seq = 0;
    for (const auto& request : run.seen) {
      if (request.has_get()) {
        EXPECT_EQ(request.seq(), 0u);
      } else {
        EXPECT_TRUE(request.seq() == first_seq ||
                    request.seq() == first_seq + 1);
        last_put_seq = request.seq();
      }
    }
    EXPECT_EQ(last_put_seq, first_seq + 1);
  }
}

TEST(KvRequester, NoAnswerIsInfoForWritesAndFailForReadsWithinTheBounds) {
  KvRequesterOptions options;
  options.attempts_max = 5;
  const Answer silent = [](EndpointId, const kvpb::ClientRequest&) {
    return std::optional<kvpb::ClientResponse>();
  };
  const ScriptRun run =
      RunScript(silent, {{Put(), true}, {Get(), false}}, options);
  ASSERT_EQ(run.results.size(), 2u);
  EXPECT_EQ(run.results[0].outcome, KvOutcome::kInfo);
  EXPECT_EQ(run.results[1].outcome, KvOutcome::kFail);
  EXPECT_EQ(run.results[0].error, "no reply");
  EXPECT_EQ(run.seen.size(), 2u * 5);
  EXPECT_EQ(run.stats.attempt_timeouts, 10);
  // Unanswered attempts rotate through the nodes.
  EXPECT_NE(run.seen[0].request_id(), run.seen[1].request_id());
}

TEST(KvRequester, TheOpTimeoutBoundsRetriesToo) {
  KvRequesterOptions options;
  options.attempts_max = 1000;
  options.op_timeout_ns = 2 * kNanosPerSecond;
  const Answer busy = [](EndpointId, const kvpb::ClientRequest& r) {
    return std::optional<kvpb::ClientResponse>(
        Reply(r, ErrorKind::kLeaderNotFound));
  };
  const ScriptRun run = RunScript(busy, {{Put(), true}}, options);
  ASSERT_EQ(run.results.size(), 1u);
  EXPECT_EQ(run.results[0].outcome, KvOutcome::kInfo);
  EXPECT_EQ(run.results[0].error, "leader_not_found");
  // Backoff doubles from 20 ms to 320 ms (jittered down to half): within 2 s
  // there is room for only a handful of attempts.
  EXPECT_GE(run.seen.size(), 5u);
  EXPECT_LE(run.seen.size(), 20u);
}

TEST(KvRequester, ARecordedFailureIsAFailAtOnce) {
  const Answer conflict = [](EndpointId, const kvpb::ClientRequest& r) {
    kvpb::ClientResponse response = Reply(r, ErrorKind::kWriteConflict);
    response.set_outcome_recorded(true);
    return std::optional<kvpb::ClientResponse>(response);
  };
  const ScriptRun run = RunScript(conflict, {{Put(), true}});
  ASSERT_EQ(run.results.size(), 1u);
  EXPECT_EQ(run.results[0].outcome, KvOutcome::kFail);
  EXPECT_EQ(run.results[0].error, "write_conflict");
  EXPECT_EQ(run.seen.size(), 1u);
}

TEST(KvRequester, ADefiniteErrorIsStillInfoForAWrite) {
  // The attempt did nothing, but a duplicate of it may still be applied by a
  // later leader: only the FSM's record makes a write's failure certain.
  const Answer invalid = [](EndpointId, const kvpb::ClientRequest& r) {
    return std::optional<kvpb::ClientResponse>(
        Reply(r, ErrorKind::kInvalidRequest));
  };
  const ScriptRun run = RunScript(invalid, {{Put(), true}, {Get(), false}});
  ASSERT_EQ(run.results.size(), 2u);
  EXPECT_EQ(run.results[0].outcome, KvOutcome::kInfo);
  EXPECT_EQ(run.results[1].outcome, KvOutcome::kFail);
  EXPECT_EQ(run.seen.size(), 2u) << "a non-retriable error is not retried";
}

TEST(KvRequester, RepliesArrivingAfterTheirAttemptTimedOutAreNeverTaken) {
  KvRequesterOptions options;
  options.attempts_max = 4;
  const Answer ok = [](EndpointId, const kvpb::ClientRequest& r) {
    return std::optional<kvpb::ClientResponse>(Reply(r));
  };
  const ScriptRun run =
      RunScript(ok, {{Put(), true}}, options, /*delay_ns=*/400'000'000);
  ASSERT_EQ(run.results.size(), 1u);
  EXPECT_EQ(run.results[0].outcome, KvOutcome::kInfo);
  EXPECT_EQ(run.seen.size(), 4u);
}

}  // namespace
}  // namespace ekv::workloads
