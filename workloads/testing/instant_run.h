// Runs workloads against one InstantNode (instant_node.h) in a simulated
// World: the quickest end-to-end run of a workload's clients and checks.
#ifndef EKV_WORKLOADS_TESTING_INSTANT_RUN_H_
#define EKV_WORKLOADS_TESTING_INSTANT_RUN_H_

#include <memory>
#include <string>
#include <vector>

#include "engine/base/check.h"
#include "sim/world.h"
#include "workloads/testing/instant_node.h"
#include "workloads/workload.h"

namespace ekv::workloads::testing {

struct InstantRun {
  InstantRun(uint64_t seed, const sim::SimOptions& options)
      : world(seed, options) {
    node = world.AddNode([](const Env& env, EndpointId) {
      return std::make_unique<InstantNode>(env);
    });
    context.nodes = {node};
    context.now_ns = [this] { return world.now_ns(); };
    context.seed = seed;
  }

  // Builds the workloads of `name` (context as set up by then), adds their
  // clients, and runs until `until_ns`.
  void Run(absl::string_view name, int clients, int64_t until_ns) {
    auto made = MakeWorkloads(name, clients, context);
    EKV_CHECK_OK(made.status());
    workloads = std::move(*made);
    for (auto& workload : workloads) {
      for (int i = 0; i < workload->clients(); ++i) {
        Workload* w = workload.get();
        world.AddClient([w, i](const Env& env, EndpointId self) {
          return w->MakeClient(i, env, self);
        });
      }
    }
    world.Start();
    world.RunUntil(until_ns);
  }

  sim::World world;
  EndpointId node = 0;
  WorkloadContext context;
  std::vector<std::unique_ptr<Workload>> workloads;
};

}  // namespace ekv::workloads::testing

#endif  // EKV_WORKLOADS_TESTING_INSTANT_RUN_H_
