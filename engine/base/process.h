// Process: what the world drives. A node of the engine, a simulated client and
// a test node all implement it; the simulator and the server's event loop are
// its only callers.
//
// Life cycle, identical in both worlds:
//   1. The driver builds the process with a ProcessFactory, handing it its Env
//   and id.
//   2. Start() runs once: recover from env.disk, arm timers, send first
//   messages.
//   3. OnMessage() runs once per delivered message; timer callbacks run as they
//   fire.
//      Calls never overlap, and nothing runs inside a Send or StartTimer.
//   4. A crash destroys the object without warning (no Stop, no destructor side
//   effects
//      may be relied upon): its timers vanish and unsynced disk writes may be
//      lost or torn. A restart builds a new object on the same disk and calls
//      Start() again.
#ifndef EKV_ENGINE_BASE_PROCESS_H_
#define EKV_ENGINE_BASE_PROCESS_H_

#include <functional>
#include <memory>

#include "engine/base/env.h"
#include "network/transport.h"

namespace ekv {

class Process : public MessageReceiver {
 public:
  // Recovers durable state and begins work. Runs once per boot.
  virtual void Start() = 0;
};

using ProcessFactory =
    std::function<std::unique_ptr<Process>(const Env& env, EndpointId self)>;

}  // namespace ekv

#endif  // EKV_ENGINE_BASE_PROCESS_H_
