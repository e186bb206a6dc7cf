// Generators of histories whose answer is known, for tests and benchmarks.
//
// Both simulate concurrent client processes one step at a time, choosing with
// an ekv::Random seeded by the caller: a process invokes an op, the op takes
// effect at a later step (atomically, against a sequential model or a serial
// store), and completes later still. Every op thus takes effect between its
// invocation and its completion, so the histories are linearizable (strictly
// serializable for transactions) by construction, with real-time overlaps.
// Some ops end indeterminate (info: they may take effect before or after
// their completion, or never) or fail (they never take effect).
//
// Values written are unique per key, so that tests can inject anomalies
// whose presence is certain (a stale read, a lost write, a G0 cycle, ...).
#ifndef EKV_CHECKERS_HISTORY_GEN_H_
#define EKV_CHECKERS_HISTORY_GEN_H_

#include <cstdint>
#include <string>
#include <vector>

#include "checkers/history.h"
#include "checkers/txn.h"

namespace ekv::checkers {

enum class GenModel { kRegister, kCasRegister, kKv };

struct LinGenOptions {
  GenModel model = GenModel::kRegister;
  int processes = 3;
  int ops = 30;
  int keys = 2;
  double info_probability = 0.1;   // an op ends indeterminate
  double fail_probability = 0.05;  // an op is refused (fail with an error)
};

// Events of a linearizable history of `options.model`'s ops.
std::vector<Event> GenerateLinearizable(uint64_t seed,
                                        const LinGenOptions& options);

struct TxnGenOptions {
  TxnModel model = TxnModel::kListAppend;
  int processes = 4;
  int txns = 50;
  int keys = 4;      // keys in use at once
  int mops_max = 4;  // micro-ops per txn, at least 1
  // A key that received this many writes is retired for a fresh one, which
  // keeps list-append reads short (as Elle's generator does).
  int writes_per_key_max = 32;
  double info_probability = 0.05;
  double fail_probability = 0.05;
  bool final_reads = true;  // end with one txn reading every key in use
};

// Events of a strictly serializable history of txns.
std::vector<Event> GenerateSerialTxns(uint64_t seed,
                                      const TxnGenOptions& options);

// The history of `events` (which must be well formed: checked).
History BuildHistory(const std::vector<Event>& events,
                     const std::string& source = "generated");

}  // namespace ekv::checkers

#endif  // EKV_CHECKERS_HISTORY_GEN_H_
