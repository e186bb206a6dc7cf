// Always-on assertions for invariants (TIGER_STYLE: they stay on in every
// build).
//
// EKV_CHECK(cond) << "context";   aborts with file, line, the condition and the
// context EKV_CHECK_EQ(a, b), _NE, _LT, _LE, _GT, _GE: also print both operands
// EKV_CHECK_OK(status_expr):        aborts when the status is not OK, printing
// it
//
// They are for programmer errors only. Bad input from the network, a file or a
// user is an absl::Status for that request or record, never a failed check.
#ifndef EKV_ENGINE_BASE_CHECK_H_
#define EKV_ENGINE_BASE_CHECK_H_

#include <sstream>
#include <string>

#include "absl/base/optimization.h"
#include "absl/status/status.h"

namespace ekv::internal {

// Collects the message of a failed check; its destructor prints it and aborts.
class CheckFailure {
 public:
  CheckFailure(const char* file, int line, const char* condition);
  CheckFailure(const CheckFailure&) = delete;
  CheckFailure& operator=(const CheckFailure&) = delete;
  [[noreturn]] ~CheckFailure();
  std::ostream& stream() { return message_; }

 private:
  std::ostringstream message_;
};

// Makes `while (...) CheckFailure(...).stream() << x;` a void expression.
struct Voidify {
  void operator&(std::ostream&) {}
};

template <typename A, typename B>
std::string FormatOperands(const A& a, const B& b) {
  std::ostringstream out;
  out << "(" << a << " vs. " << b << ") ";
  return out.str();
}

}  // namespace ekv::internal

#define EKV_CHECK(condition)                                            \
  ABSL_PREDICT_TRUE(condition)                                          \
  ? (void)0                                                             \
  : ::ekv::internal::Voidify() &                                        \
          ::ekv::internal::CheckFailure(__FILE__, __LINE__, #condition) \
              .stream()

#define EKV_CHECK_OP_(a, b, op)                                                \
  ABSL_PREDICT_TRUE((a)op(b))                                                  \
  ? (void)0                                                                    \
  : ::ekv::internal::Voidify() &                                               \
          ::ekv::internal::CheckFailure(__FILE__, __LINE__, #a " " #op " " #b) \
                  .stream()                                                    \
              << ::ekv::internal::FormatOperands((a), (b))

#define EKV_CHECK_EQ(a, b) EKV_CHECK_OP_(a, b, ==)
#define EKV_CHECK_NE(a, b) EKV_CHECK_OP_(a, b, !=)
#define EKV_CHECK_LT(a, b) EKV_CHECK_OP_(a, b, <)
#define EKV_CHECK_LE(a, b) EKV_CHECK_OP_(a, b, <=)
#define EKV_CHECK_GT(a, b) EKV_CHECK_OP_(a, b, >)
#define EKV_CHECK_GE(a, b) EKV_CHECK_OP_(a, b, >=)

#define EKV_CHECK_OK(expr)                                                   \
  for (const ::absl::Status ekv_check_ok_status_ = (expr);                   \
       ABSL_PREDICT_FALSE(!ekv_check_ok_status_.ok());)                      \
  ::ekv::internal::CheckFailure(__FILE__, __LINE__, #expr " is OK").stream() \
      << ekv_check_ok_status_ << " "

// Marks a branch that must never run.
#define EKV_UNREACHABLE() EKV_CHECK(false) << "unreachable "

#endif  // EKV_ENGINE_BASE_CHECK_H_
