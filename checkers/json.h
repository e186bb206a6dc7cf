// A small strict JSON reader and writer (RFC 8259, with two restrictions).
//
// Reading: exactly one value, surrounded by optional whitespace. Restrictions,
// each reported as an error rather than guessed around: numbers must be
// integers that fit in int64 (no fraction, no exponent), and nesting is bounded
// by `depth_max`. Objects become map Values with string keys; a repeated key is
// an error. Strings must be valid UTF-8; \u escapes (with surrogate pairs) are
// decoded to UTF-8. Errors carry line and column.
//
// Writing: JsonWriter builds one JSON text with fields in the order written, so
// output is byte-for-byte reproducible.
#ifndef EKV_CHECKERS_JSON_H_
#define EKV_CHECKERS_JSON_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "checkers/syntax.h"
#include "checkers/value.h"

namespace ekv::checkers {

struct JsonReadOptions {
  int depth_max = 64;  // arrays and objects nested deeper are an error
  int first_line = 1;  // the line number of the text's first line
};

// Parses `text`; on failure fills `error` and returns false.
bool ParseJson(absl::string_view text, const JsonReadOptions& options,
               Value* out, SyntaxError* error);

// As above, with the error as a status naming `source`.
absl::StatusOr<Value> ParseJson(absl::string_view text,
                                absl::string_view source = "json",
                                const JsonReadOptions& options = {});

// Appends JSON to a string. Commas are placed automatically; the caller keeps
// Begin/End calls balanced and calls Key before each value inside an object.
class JsonWriter {
 public:
  explicit JsonWriter(std::string* out) : out_(out) {}

  JsonWriter& BeginObject();
  JsonWriter& EndObject();
  JsonWriter& BeginArray();
  JsonWriter& EndArray();
  JsonWriter& Key(absl::string_view key);
  JsonWriter& String(absl::string_view s);
  JsonWriter& Int(int64_t i);
  JsonWriter& Bool(bool b);
  JsonWriter& Null();
  JsonWriter& Raw(const Value& v);  // a Value, as canonical JSON

 private:
  void BeforeValue();

  std::string* out_;
  std::vector<bool> first_in_level_;  // one per open array or object
  bool after_key_ = false;
};

}  // namespace ekv::checkers

#endif  // EKV_CHECKERS_JSON_H_
