// InstantNode: one in-memory KV node for client tests in the simulator. Its
// "Raft group" (engine/kv/testing/fake_raft.h) commits every proposal at
// once, with no replication (replication is tests/'s business), behind the
// real KvService, coordinator, FSM and MVCC store.
#ifndef EKV_WORKLOADS_TESTING_INSTANT_NODE_H_
#define EKV_WORKLOADS_TESTING_INSTANT_NODE_H_

#include <string>

#include "engine/base/process.h"
#include "engine/kv/testing/fake_raft.h"
#include "engine/node/client_wire.h"
#include "engine/node/kv_service.h"

namespace ekv::workloads::testing {

class InstantNode final : public Process {
 public:
  explicit InstantNode(const Env& env, const kv::CoordinatorOptions& options =
                                           kv::CoordinatorOptions())
      : env_(env),
        group_(options, env.clock),
        service_(&group_.coordinator, &group_.store, &group_.tracker,
                 group_.time, {}) {}

  void Start() override {
    group_.Lead(1);
    group_.raft.lease = true;
    Tick();
  }
  void OnMessage(EndpointId from, std::string payload) override {
    const auto request = node::DecodeClientRequest(payload);
    if (!request.has_value()) return;
    service_.Handle(*request, [this, from](kvpb::ClientResponse&& response) {
      env_.transport->Send(from, node::EncodeClientResponse(response));
    });
    group_.CommitAll();
  }
  const mvcc::Store& store() const { return group_.store; }

 private:
  void Tick() {
    service_.OnTick();
    group_.coordinator.OnTick();
    group_.CommitAll();
    env_.timers->StartTimer(100 * kNanosPerMilli, [this] { Tick(); });
  }

  Env env_;
  kv::testing::FakeGroup group_;
  node::KvService service_;
};

}  // namespace ekv::workloads::testing

#endif  // EKV_WORKLOADS_TESTING_INSTANT_NODE_H_
