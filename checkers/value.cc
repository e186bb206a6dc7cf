#include "checkers/value.h"

#include <algorithm>
#include <cstring>

#include "absl/strings/str_cat.h"
#include "engine/base/check.h"

namespace ekv::checkers {
namespace {

uint64_t Mix(uint64_t x) {  // splitmix64's finaliser
  x ^= x >> 30;
  x *= 0xbf58476d1ce4e5b9ULL;
  x ^= x >> 27;
  x *= 0x94d049bb133111ebULL;
  x ^= x >> 31;
  return x;
}

uint64_t HashBytes(absl::string_view s) {
  uint64_t h = 0x9e3779b97f4a7c15ULL ^ s.size();
  size_t i = 0;
  for (; i + 8 <= s.size(); i += 8) {
    uint64_t word;
    std::memcpy(&word, s.data() + i, 8);
    h = Mix(h ^ word);
  }
  uint64_t tail = 0;
  std::memcpy(&tail, s.data() + i, s.size() - i);
  return Mix(h ^ tail);
}

template <typename T>
int Cmp(const T& a, const T& b) {
  return a < b ? -1 : (b < a ? 1 : 0);
}

}  // namespace

struct Value::Rep {
  std::atomic<uint32_t> refs{1};
  uint64_t hash = 0;
};
struct Value::StringRep : Rep {
  std::string text;
};
struct Value::ListRep : Rep {
  List items;
};
struct Value::MapRep : Rep {
  Map entries;
};

Value Value::Bool(bool b) {
  Value v;
  v.kind_ = Kind::kBool;
  v.bool_ = b;
  return v;
}

Value Value::Int(int64_t i) {
  Value v;
  v.kind_ = Kind::kInt;
  v.int_ = i;
  return v;
}

Value Value::String(absl::string_view s) {
  Value v;
  v.kind_ = Kind::kString;
  if (s.size() <= sizeof(v.chars_)) {
    v.inline_size_ = static_cast<uint8_t>(s.size());
    std::memcpy(v.chars_, s.data(), s.size());
    return v;
  }
  auto* rep = new StringRep;
  rep->hash = HashBytes(s);
  rep->text = std::string(s);
  v.inline_size_ = kOnHeap;
  v.rep_ = rep;
  return v;
}

Value Value::MakeList(List items) {
  Value v;
  v.kind_ = Kind::kList;
  v.inline_size_ = kOnHeap;
  auto* rep = new ListRep;
  uint64_t h = 0x6c697374 ^ items.size();
  for (const Value& item : items) h = Mix(h + item.Hash());
  rep->hash = h;
  rep->items = std::move(items);
  v.rep_ = rep;
  return v;
}

bool Value::MakeMap(Map entries, Value* out) {
  std::sort(entries.begin(), entries.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });
  for (size_t i = 1; i < entries.size(); ++i) {
    if (entries[i - 1].first == entries[i].first) return false;
  }
  Value v;
  v.kind_ = Kind::kMap;
  v.inline_size_ = kOnHeap;
  auto* rep = new MapRep;
  uint64_t h = 0x6d6170 ^ entries.size();
  for (const auto& [key, value] : entries) {
    h = Mix(h + key.Hash());
    h = Mix(h + value.Hash());
  }
  rep->hash = h;
  rep->entries = std::move(entries);
  v.rep_ = rep;
  *out = std::move(v);
  return true;
}

void Value::Ref() const { rep_->refs.fetch_add(1, std::memory_order_relaxed); }

void Value::Unref() const {
  if (rep_->refs.fetch_sub(1, std::memory_order_acq_rel) != 1) return;
  switch (kind_) {
    case Kind::kString:
      delete static_cast<StringRep*>(rep_);
      break;
    case Kind::kList:
      delete static_cast<ListRep*>(rep_);
      break;
    case Kind::kMap:
      delete static_cast<MapRep*>(rep_);
      break;
    default:
      EKV_UNREACHABLE();
  }
}

Value& Value::operator=(const Value& other) {
  if (this == &other) return *this;
  if (other.on_heap()) other.Ref();
  Release();
  kind_ = other.kind_;
  inline_size_ = other.inline_size_;
  std::memcpy(chars_, other.chars_, sizeof(chars_));
  return *this;
}

Value& Value::operator=(Value&& other) noexcept {
  if (this == &other) return *this;
  Release();
  kind_ = other.kind_;
  inline_size_ = other.inline_size_;
  std::memcpy(chars_, other.chars_, sizeof(chars_));
  other.kind_ = Kind::kNil;
  other.inline_size_ = 0;
  return *this;
}

void Value::Release() {
  if (on_heap()) Unref();
  kind_ = Kind::kNil;
  inline_size_ = 0;
  int_ = 0;
}

bool Value::bool_value() const {
  EKV_CHECK(kind_ == Kind::kBool);
  return bool_;
}

int64_t Value::int_value() const {
  EKV_CHECK(kind_ == Kind::kInt);
  return int_;
}

absl::string_view Value::string_view() const {
  EKV_CHECK(kind_ == Kind::kString);
  if (on_heap()) return static_cast<const StringRep*>(rep_)->text;
  return absl::string_view(chars_, inline_size_);
}

const Value::List& Value::list() const {
  EKV_CHECK(kind_ == Kind::kList);
  return static_cast<const ListRep*>(rep_)->items;
}

const Value::Map& Value::map() const {
  EKV_CHECK(kind_ == Kind::kMap);
  return static_cast<const MapRep*>(rep_)->entries;
}

const Value* Value::Find(absl::string_view key) const {
  const Map& entries = map();
  // Keys sort by kind first, so the string keys form one sorted run.
  size_t lo = 0, hi = entries.size();
  while (lo < hi) {
    size_t mid = (lo + hi) / 2;
    const Value& k = entries[mid].first;
    bool less = k.kind_ < Kind::kString ||
                (k.kind_ == Kind::kString && k.string_view() < key);
    if (less) {
      lo = mid + 1;
    } else {
      hi = mid;
    }
  }
  if (lo < entries.size() && entries[lo].first.kind_ == Kind::kString &&
      entries[lo].first.string_view() == key) {
    return &entries[lo].second;
  }
  return nullptr;
}

uint64_t Value::Hash() const {
  switch (kind_) {
    case Kind::kNil:
      return 0x6e696c;
    case Kind::kBool:
      return bool_ ? 0x74727565 : 0x66616c7365;
    case Kind::kInt:
      return Mix(static_cast<uint64_t>(int_) + 0x696e74);
    case Kind::kString:
      return on_heap() ? rep_->hash : HashBytes(string_view());
    default:
      return rep_->hash;
  }
}

int Compare(const Value& a, const Value& b) {
  if (a.kind_ != b.kind_) return Cmp(a.kind_, b.kind_);
  using Kind = Value::Kind;
  switch (a.kind_) {
    case Kind::kNil:
      return 0;
    case Kind::kBool:
      return Cmp(a.bool_, b.bool_);
    case Kind::kInt:
      return Cmp(a.int_, b.int_);
    case Kind::kString:
      if (a.on_heap() && b.on_heap() && a.rep_ == b.rep_) return 0;
      return a.string_view().compare(b.string_view());
    case Kind::kList: {
      if (a.rep_ == b.rep_) return 0;
      const Value::List& x = a.list();
      const Value::List& y = b.list();
      for (size_t i = 0; i < x.size() && i < y.size(); ++i) {
        if (int c = Compare(x[i], y[i]); c != 0) return c;
      }
      return Cmp(x.size(), y.size());
    }
    case Kind::kMap: {
      if (a.rep_ == b.rep_) return 0;
      const Value::Map& x = a.map();
      const Value::Map& y = b.map();
      for (size_t i = 0; i < x.size() && i < y.size(); ++i) {
        if (int c = Compare(x[i].first, y[i].first); c != 0) return c;
        if (int c = Compare(x[i].second, y[i].second); c != 0) return c;
      }
      return Cmp(x.size(), y.size());
    }
  }
  EKV_UNREACHABLE();
  return 0;
}

void AppendJsonString(absl::string_view s, std::string* out) {
  static constexpr char kHex[] = "0123456789abcdef";
  out->push_back('"');
  for (char ch : s) {
    unsigned char c = static_cast<unsigned char>(ch);
    switch (c) {
      case '"':
        out->append("\\\"");
        break;
      case '\\':
        out->append("\\\\");
        break;
      case '\n':
        out->append("\\n");
        break;
      case '\r':
        out->append("\\r");
        break;
      case '\t':
        out->append("\\t");
        break;
      default:
        if (c < 0x20) {
          out->append("\\u00");
          out->push_back(kHex[c >> 4]);
          out->push_back(kHex[c & 15]);
        } else {
          out->push_back(ch);
        }
    }
  }
  out->push_back('"');
}

void Value::AppendJson(std::string* out) const {
  switch (kind_) {
    case Kind::kNil:
      out->append("null");
      return;
    case Kind::kBool:
      out->append(bool_ ? "true" : "false");
      return;
    case Kind::kInt:
      absl::StrAppend(out, int_);
      return;
    case Kind::kString:
      AppendJsonString(string_view(), out);
      return;
    case Kind::kList:
      out->push_back('[');
      for (size_t i = 0; i < list().size(); ++i) {
        if (i > 0) out->push_back(',');
        list()[i].AppendJson(out);
      }
      out->push_back(']');
      return;
    case Kind::kMap:
      out->push_back('{');
      for (size_t i = 0; i < map().size(); ++i) {
        if (i > 0) out->push_back(',');
        const Value& key = map()[i].first;
        if (key.is_string()) {
          AppendJsonString(key.string_view(), out);
        } else {
          AppendJsonString(key.ToJson(), out);
        }
        out->push_back(':');
        map()[i].second.AppendJson(out);
      }
      out->push_back('}');
      return;
  }
}

std::string Value::ToJson() const {
  std::string out;
  AppendJson(&out);
  return out;
}

std::string Value::ToText() const { return is_nil() ? "nil" : ToJson(); }

absl::string_view KindName(Value::Kind kind) {
  switch (kind) {
    case Value::Kind::kNil:
      return "nil";
    case Value::Kind::kBool:
      return "bool";
    case Value::Kind::kInt:
      return "int";
    case Value::Kind::kString:
      return "string";
    case Value::Kind::kList:
      return "list";
    case Value::Kind::kMap:
      return "map";
  }
  return "?";
}

}  // namespace ekv::checkers
