// The pluggable part of the linearizability checker: a sequential model.
//
// A Model says which operations it understands, how the history splits into
// independent parts (P-compositionality: a history is linearizable iff each
// part is), and compiles one part into a SequentialSpec that the search steps.
// States are opaque uint64 ids chosen by the spec (typically ids of interned
// values), so the search can hash and compare them cheaply.
//
// Roles. Every operation gets one role:
//   kSkip       it constrains nothing: a failed operation, or an indeterminate
//               read (its result is unknown and it changes nothing);
//   kCompleted  it took effect between its invocation and its completion, with
//               the result observed;
//   kOpenEnded  it may have taken effect at any point after its invocation, or
//               never (info): its completion is moved to the end of the
//               history.
// Contract: Step on an open-ended op must succeed in every state (its result is
// unknown), so that open-ended ops left over can always go last.
//
// Models are immutable and may be shared by threads; a SequentialSpec belongs
// to one search (one thread) at a time.
#ifndef EKV_CHECKERS_LIN_MODEL_H_
#define EKV_CHECKERS_LIN_MODEL_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "checkers/history.h"
#include "checkers/value.h"

namespace ekv::checkers {

enum class OpRole : uint8_t { kSkip, kCompleted, kOpenEnded };

// One operation of a partition, as the spec sees it.
struct PartOp {
  const Operation* op = nullptr;
  OpRole role = OpRole::kCompleted;
};

class SequentialSpec {
 public:
  virtual ~SequentialSpec() = default;

  // The state before any operation.
  virtual uint64_t InitialState() = 0;

  // Applies part op `i` to `state`. Returns false when the op's observed
  // result is impossible in `state`; otherwise sets `*next`.
  virtual bool Step(uint64_t state, int i, uint64_t* next) = 0;

  // True when op `i` never changes the state where it applies (a read, a cas
  // whose compare failed). The search then linearizes it as soon as it is
  // pending and fits, without branching: moving such an op earlier in any
  // linearization keeps it one (nothing pending must precede it).
  virtual bool ReadOnly(int i) const = 0;

  // For a read-only op `i` that does not apply in `state`: false only when no
  // sequence of the ops not yet linearized (bit j of `linearized` is set for
  // linearized op j) could lead to a state where it applies. The search then
  // abandons the configuration at once. Default: true (no pruning).
  virtual bool MayReach(uint64_t state, int i,
                        const uint64_t* linearized) const {
    (void)state, (void)i, (void)linearized;
    return true;
  }

  // True for an open-ended op that no completed op could observe (a write
  // whose value no read returns): any linearization that uses it stays one
  // without it, so the search leaves it for the end. Default: false.
  virtual bool Unobservable(int i) const {
    (void)i;
    return false;
  }

  // Ops with equal effect ids step identically in every state. The search
  // uses only the earliest-invoked unused op of a group of open-ended ops with
  // one effect id: which of them is used cannot matter. Default: all differ.
  virtual uint64_t EffectId(int i) const { return UINT64_MAX - i; }

  // For explanations: the state in words, and why op `i` cannot be applied in
  // `state` (called only where Step returned false).
  virtual std::string DescribeState(uint64_t state) const = 0;
  virtual std::string WhyNot(uint64_t state, int i) const = 0;
};

class Model {
 public:
  virtual ~Model() = default;

  virtual absl::string_view name() const = 0;

  // OK when this model understands `op` (its f, key and arguments).
  virtual absl::Status Validate(const Operation& op) const = 0;

  // The op's role; by default ok -> completed, info -> open-ended, fail ->
  // skip.
  virtual OpRole Role(const Operation& op) const;

  // Ops with equal partition keys form one partition, checked on its own;
  // ops without one (nullopt) form one more. Default: the op's key.
  virtual std::optional<Value> PartitionKey(const Operation& op) const;

  // Compiles the ops of one partition (in invocation order) into a spec.
  virtual std::unique_ptr<SequentialSpec> Compile(
      const std::vector<PartOp>& ops) const = 0;
};

}  // namespace ekv::checkers

#endif  // EKV_CHECKERS_LIN_MODEL_H_
