// Value: the data of a history — keys, arguments, results, micro-operations.
//
// A small immutable tree: nil, bool, int64, string, list, or map. It is what
// JSON (null, true/false, integers, strings, arrays, objects) and the subset of
// EDN that Jepsen writes (nil, booleans, integers, strings, keywords, vectors,
// lists, maps) have in common. EDN keywords become strings without the colon,
// so `:append` and "append" are the same value.
//
// Values have a total order (by kind, then contents) and a hash, so they can
// key ordered and hashed containers. A map's entries are kept sorted by key and
// keys are unique, so equal maps are equal entry by entry.
//
// A Value is 16 bytes. Strings of up to 8 bytes (field names, most functions
// and micro-op names) live inside it; longer strings, lists and maps share
// their immutable contents through an atomic reference count, so copies are
// cheap and may cross threads.
#ifndef EKV_CHECKERS_VALUE_H_
#define EKV_CHECKERS_VALUE_H_

#include <atomic>
#include <cstdint>
#include <cstring>
#include <string>
#include <utility>
#include <vector>

#include "absl/hash/hash.h"
#include "absl/strings/string_view.h"

namespace ekv::checkers {

class Value {
 public:
  enum class Kind : uint8_t { kNil, kBool, kInt, kString, kList, kMap };
  using List = std::vector<Value>;
  using Map = std::vector<std::pair<Value, Value>>;  // sorted, unique keys

  Value() = default;
  static Value Nil() { return Value(); }
  static Value Bool(bool b);
  static Value Int(int64_t i);
  static Value String(absl::string_view s);
  static Value MakeList(List items);
  // Sorts `entries` by key; returns false (and leaves `out` alone) when two
  // entries have equal keys.
  static bool MakeMap(Map entries, Value* out);

  // Inline: histories hold millions of ints and short strings, whose copies
  // and destruction must cost a few instructions, not a call. A moved-from
  // Value is nil.
  Value(const Value& other)
      : kind_(other.kind_), inline_size_(other.inline_size_) {
    std::memcpy(chars_, other.chars_, sizeof(chars_));
    if (on_heap()) Ref();
  }
  Value(Value&& other) noexcept
      : kind_(other.kind_), inline_size_(other.inline_size_) {
    std::memcpy(chars_, other.chars_, sizeof(chars_));
    other.kind_ = Kind::kNil;
    other.inline_size_ = 0;
  }
  Value& operator=(const Value& other);
  Value& operator=(Value&& other) noexcept;
  ~Value() {
    if (on_heap()) Unref();
  }

  Kind kind() const { return kind_; }
  bool is_nil() const { return kind_ == Kind::kNil; }
  bool is_bool() const { return kind_ == Kind::kBool; }
  bool is_int() const { return kind_ == Kind::kInt; }
  bool is_string() const { return kind_ == Kind::kString; }
  bool is_list() const { return kind_ == Kind::kList; }
  bool is_map() const { return kind_ == Kind::kMap; }

  // Accessors; each requires the matching kind (checked).
  bool bool_value() const;
  int64_t int_value() const;
  // The contents of a string: a copy, or a view valid while this Value (or a
  // copy of it) lives.
  std::string string_value() const { return std::string(string_view()); }
  absl::string_view string_view() const;
  const List& list() const;
  const Map& map() const;

  // The value at `key` of a map, or nullptr when absent (requires a map).
  const Value* Find(absl::string_view key) const;

  // Canonical JSON: no spaces, map keys in order. Non-string map keys are
  // written as their JSON text in a string.
  std::string ToJson() const;
  void AppendJson(std::string* out) const;

  // Short human form for explanations: JSON, except nil prints as "nil".
  std::string ToText() const;

  friend int Compare(const Value& a, const Value& b);
  friend bool operator==(const Value& a, const Value& b) {
    return Compare(a, b) == 0;
  }
  friend bool operator!=(const Value& a, const Value& b) { return !(a == b); }
  friend bool operator<(const Value& a, const Value& b) {
    return Compare(a, b) < 0;
  }

  template <typename H>
  friend H AbslHashValue(H h, const Value& v) {
    return H::combine(std::move(h), v.Hash());
  }
  uint64_t Hash() const;

 private:
  // Shared, immutable contents: a Rep heads a StringRep, ListRep or MapRep.
  struct Rep;
  struct StringRep;
  struct ListRep;
  struct MapRep;
  static constexpr uint8_t kOnHeap = 0xff;  // inline_size_ of heap values

  bool on_heap() const { return inline_size_ == kOnHeap; }
  // The shared contents: one more holder, or one fewer (the last frees them).
  void Ref() const;
  void Unref() const;
  // Drops the contents and leaves nil.
  void Release();

  Kind kind_ = Kind::kNil;
  uint8_t inline_size_ = 0;  // kString: the inline length, or kOnHeap
  union {                    // by kind_; copied as a whole through int_
    bool bool_;
    int64_t int_ = 0;
    char chars_[8];
    Rep* rep_;
  };
};

// Kind names for messages: "nil", "bool", "int", "string", "list", "map".
absl::string_view KindName(Value::Kind kind);

// Appends `s` to `out` as a JSON string literal (quotes and escapes).
void AppendJsonString(absl::string_view s, std::string* out);

}  // namespace ekv::checkers

#endif  // EKV_CHECKERS_VALUE_H_
