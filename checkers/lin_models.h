// The built-in sequential models: register, CAS register, key-value map.
//
// All three partition by key (ops without a key share one partition), and a
// key that was never written holds `initial` (nil unless told otherwise).
//   register      read -> result; write(v).
//   cas-register  read, write, cas([expected, new]): an ok cas needs the
//                 register to hold `expected` and stores `new`; a cas that
//                 failed without an error field needs it to hold something
//                 else (Jepsen's convention); an indeterminate cas swaps when
//                 the register holds `expected`.
//   kv            get -> result; put(v); append(s) concatenates strings (onto
//                 nil too); delete() makes the key nil again. Key required.
// Indeterminate (info) and failed reads are skipped: they constrain nothing.
#ifndef EKV_CHECKERS_LIN_MODELS_H_
#define EKV_CHECKERS_LIN_MODELS_H_

#include <memory>

#include "checkers/lin_model.h"
#include "checkers/value.h"

namespace ekv::checkers {

std::unique_ptr<Model> MakeRegisterModel(Value initial);
std::unique_ptr<Model> MakeCasRegisterModel(Value initial);
std::unique_ptr<Model> MakeKvModel(Value initial);

}  // namespace ekv::checkers

#endif  // EKV_CHECKERS_LIN_MODELS_H_
