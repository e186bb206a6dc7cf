#include "checkers/json.h"

#include <limits>
#include <utility>

#include "absl/strings/str_cat.h"
#include "engine/base/check.h"

namespace ekv::checkers {
namespace {

// Appends code point `cp` (<= 0x10FFFF, not a surrogate) as UTF-8.
void AppendUtf8(uint32_t cp, std::string* out) {
  if (cp < 0x80) {
    out->push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out->push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out->push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out->push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

// Length of the valid UTF-8 sequence starting at s[i] (a byte >= 0x80), or 0.
size_t Utf8SequenceLength(absl::string_view s, size_t i) {
  unsigned char c = static_cast<unsigned char>(s[i]);
  size_t n;
  uint32_t min;
  if (c >= 0xC2 && c <= 0xDF) {
    n = 2, min = 0x80;
  } else if (c >= 0xE0 && c <= 0xEF) {
    n = 3, min = 0x800;
  } else if (c >= 0xF0 && c <= 0xF4) {
    n = 4, min = 0x10000;
  } else {
    return 0;
  }
  if (i + n > s.size()) return 0;
  uint32_t cp = c & (0x7F >> n);
  for (size_t k = 1; k < n; ++k) {
    unsigned char d = static_cast<unsigned char>(s[i + k]);
    if ((d & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (d & 0x3F);
  }
  if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
  return n;
}

class Parser {
 public:
  Parser(absl::string_view text, const JsonReadOptions& options)
      : text_(text), options_(options) {}

  bool Parse(Value* out, SyntaxError* error) {
    SkipSpace();
    if (!ParseValue(0, out)) return Fail(error);
    SkipSpace();
    if (pos_ != text_.size()) {
      message_ = "unexpected text after the JSON value";
      return Fail(error);
    }
    return true;
  }

 private:
  bool Fail(SyntaxError* error) {
    LocateOffset(text_, pos_, options_.first_line, error);
    error->message = message_;
    return false;
  }

  bool Error(std::string message) {
    message_ = std::move(message);
    return false;
  }

  void SkipSpace() {
    while (pos_ < text_.size()) {
      char c = text_[pos_];
      if (c != ' ' && c != '\t' && c != '\n' && c != '\r') break;
      ++pos_;
    }
  }

  bool AtEnd() const { return pos_ >= text_.size(); }

  bool ParseValue(int depth, Value* out) {
    if (AtEnd()) return Error("expected a value, found the end of the text");
    char c = text_[pos_];
    switch (c) {
      case '{':
        return ParseObject(depth + 1, out);
      case '[':
        return ParseArray(depth + 1, out);
      case '"': {
        std::string s;
        if (!ParseString(&s)) return false;
        *out = Value::String(std::move(s));
        return true;
      }
      case 't':
        return ParseLiteral("true", Value::Bool(true), out);
      case 'f':
        return ParseLiteral("false", Value::Bool(false), out);
      case 'n':
        return ParseLiteral("null", Value::Nil(), out);
      default:
        if (c == '-' || (c >= '0' && c <= '9')) return ParseNumber(out);
        return Error(
            absl::StrCat("unexpected character '", std::string(1, c), "'"));
    }
  }

  bool ParseLiteral(absl::string_view word, Value v, Value* out) {
    if (text_.substr(pos_, word.size()) != word) {
      return Error(absl::StrCat("expected '", word, "'"));
    }
    pos_ += word.size();
    *out = std::move(v);
    return true;
  }

  bool ParseNumber(Value* out) {
    const size_t start = pos_;
    bool negative = text_[pos_] == '-';
    if (negative) ++pos_;
    if (AtEnd() || text_[pos_] < '0' || text_[pos_] > '9') {
      return Error("expected a digit");
    }
    if (text_[pos_] == '0' && pos_ + 1 < text_.size() &&
        text_[pos_ + 1] >= '0' && text_[pos_ + 1] <= '9') {
      return Error("numbers must not have leading zeros");
    }
    // Accumulate as a negative number so that INT64_MIN fits.
    int64_t value = 0;
    constexpr int64_t kMin = std::numeric_limits<int64_t>::min();
    while (!AtEnd() && text_[pos_] >= '0' && text_[pos_] <= '9') {
      int digit = text_[pos_] - '0';
      if (value < (kMin + digit) / 10) {
        return Error("integer out of the int64 range");
      }
      value = value * 10 - digit;
      ++pos_;
    }
    if (!AtEnd() &&
        (text_[pos_] == '.' || text_[pos_] == 'e' || text_[pos_] == 'E')) {
      return Error("only integer numbers are supported");
    }
    if (!negative) {
      if (value == kMin) {
        pos_ = start;
        return Error("integer out of the int64 range");
      }
      value = -value;
    }
    *out = Value::Int(value);
    return true;
  }

  bool ParseHex4(uint32_t* out) {
    if (pos_ + 4 > text_.size()) return Error("truncated \\u escape");
    uint32_t v = 0;
    for (int i = 0; i < 4; ++i) {
      char c = text_[pos_++];
      v <<= 4;
      if (c >= '0' && c <= '9') {
        v |= c - '0';
      } else if (c >= 'a' && c <= 'f') {
        v |= c - 'a' + 10;
      } else if (c >= 'A' && c <= 'F') {
        v |= c - 'A' + 10;
      } else {
        --pos_;
        return Error("bad hex digit in \\u escape");
      }
    }
    *out = v;
    return true;
  }

  bool ParseEscape(std::string* out) {
    if (AtEnd()) return Error("unterminated string");
    char c = text_[pos_++];
    switch (c) {
      case '"':
      case '\\':
      case '/':
        out->push_back(c);
        return true;
      case 'b':
        out->push_back('\b');
        return true;
      case 'f':
        out->push_back('\f');
        return true;
      case 'n':
        out->push_back('\n');
        return true;
      case 'r':
        out->push_back('\r');
        return true;
      case 't':
        out->push_back('\t');
        return true;
      case 'u':
        return ParseUnicodeEscape(out);
      default:
        --pos_;
        return Error(
            absl::StrCat("unknown escape '\\", std::string(1, c), "'"));
    }
  }

  bool ParseUnicodeEscape(std::string* out) {
    uint32_t cp;
    if (!ParseHex4(&cp)) return false;
    if (cp >= 0xDC00 && cp <= 0xDFFF) return Error("unpaired low surrogate");
    if (cp >= 0xD800 && cp <= 0xDBFF) {
      if (text_.substr(pos_, 2) != "\\u") {
        return Error("high surrogate without a low surrogate");
      }
      pos_ += 2;
      uint32_t low;
      if (!ParseHex4(&low)) return false;
      if (low < 0xDC00 || low > 0xDFFF) {
        return Error("high surrogate without a low surrogate");
      }
      cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
    }
    AppendUtf8(cp, out);
    return true;
  }

  bool ParseString(std::string* out) {
    ++pos_;  // the opening quote
    while (true) {
      if (AtEnd()) return Error("unterminated string");
      unsigned char c = static_cast<unsigned char>(text_[pos_]);
      if (c == '"') {
        ++pos_;
        return true;
      }
      if (c == '\\') {
        ++pos_;
        if (!ParseEscape(out)) return false;
      } else if (c < 0x20) {
        return Error("control character in string (escape it)");
      } else if (c < 0x80) {
        out->push_back(static_cast<char>(c));
        ++pos_;
      } else {
        size_t n = Utf8SequenceLength(text_, pos_);
        if (n == 0) return Error("invalid UTF-8 in string");
        out->append(text_.data() + pos_, n);
        pos_ += n;
      }
    }
  }

  bool CheckDepth(int depth) {
    if (depth > options_.depth_max) {
      return Error(absl::StrCat("nesting deeper than ", options_.depth_max));
    }
    return true;
  }

  bool ParseArray(int depth, Value* out) {
    if (!CheckDepth(depth)) return false;
    ++pos_;
    Value::List items;
    SkipSpace();
    if (!AtEnd() && text_[pos_] == ']') {
      ++pos_;
      *out = Value::MakeList(std::move(items));
      return true;
    }
    while (true) {
      SkipSpace();
      Value item;
      if (!ParseValue(depth, &item)) return false;
      items.push_back(std::move(item));
      SkipSpace();
      if (AtEnd()) return Error("unterminated array");
      char c = text_[pos_++];
      if (c == ']') break;
      if (c != ',') {
        --pos_;
        return Error("expected ',' or ']' in array");
      }
    }
    *out = Value::MakeList(std::move(items));
    return true;
  }

  bool ParseObject(int depth, Value* out) {
    if (!CheckDepth(depth)) return false;
    size_t start = pos_++;
    Value::Map entries;
    SkipSpace();
    if (!AtEnd() && text_[pos_] == '}') {
      ++pos_;
    } else {
      while (true) {
        SkipSpace();
        if (AtEnd() || text_[pos_] != '"') {
          return Error("expected a string key in object");
        }
        std::string key;
        if (!ParseString(&key)) return false;
        SkipSpace();
        if (AtEnd() || text_[pos_] != ':') return Error("expected ':'");
        ++pos_;
        SkipSpace();
        Value item;
        if (!ParseValue(depth, &item)) return false;
        entries.emplace_back(Value::String(std::move(key)), std::move(item));
        SkipSpace();
        if (AtEnd()) return Error("unterminated object");
        char c = text_[pos_++];
        if (c == '}') break;
        if (c != ',') {
          --pos_;
          return Error("expected ',' or '}' in object");
        }
      }
    }
    if (!Value::MakeMap(std::move(entries), out)) {
      pos_ = start;
      return Error("object has a repeated key");
    }
    return true;
  }

  absl::string_view text_;
  const JsonReadOptions& options_;
  size_t pos_ = 0;
  std::string message_;
};

}  // namespace

bool ParseJson(absl::string_view text, const JsonReadOptions& options,
               Value* out, SyntaxError* error) {
  return Parser(text, options).Parse(out, error);
}

absl::StatusOr<Value> ParseJson(absl::string_view text,
                                absl::string_view source,
                                const JsonReadOptions& options) {
  Value v;
  SyntaxError error;
  if (!ParseJson(text, options, &v, &error)) {
    return SyntaxErrorStatus(source, error);
  }
  return v;
}

void JsonWriter::BeforeValue() {
  if (after_key_) {
    after_key_ = false;
    return;
  }
  if (!first_in_level_.empty()) {
    if (!first_in_level_.back()) out_->push_back(',');
    first_in_level_.back() = false;
  }
}

JsonWriter& JsonWriter::BeginObject() {
  BeforeValue();
  out_->push_back('{');
  first_in_level_.push_back(true);
  return *this;
}

JsonWriter& JsonWriter::EndObject() {
  EKV_CHECK(!first_in_level_.empty() && !after_key_);
  first_in_level_.pop_back();
  out_->push_back('}');
  return *this;
}

JsonWriter& JsonWriter::BeginArray() {
  BeforeValue();
  out_->push_back('[');
  first_in_level_.push_back(true);
  return *this;
}

JsonWriter& JsonWriter::EndArray() {
  EKV_CHECK(!first_in_level_.empty() && !after_key_);
  first_in_level_.pop_back();
  out_->push_back(']');
  return *this;
}

JsonWriter& JsonWriter::Key(absl::string_view key) {
  EKV_CHECK(!after_key_);
  BeforeValue();
  AppendJsonString(key, out_);
  out_->push_back(':');
  after_key_ = true;
  return *this;
}

JsonWriter& JsonWriter::String(absl::string_view s) {
  BeforeValue();
  AppendJsonString(s, out_);
  return *this;
}

JsonWriter& JsonWriter::Int(int64_t i) {
  BeforeValue();
  absl::StrAppend(out_, i);
  return *this;
}

JsonWriter& JsonWriter::Bool(bool b) {
  BeforeValue();
  out_->append(b ? "true" : "false");
  return *this;
}

JsonWriter& JsonWriter::Null() {
  BeforeValue();
  out_->append("null");
  return *this;
}

JsonWriter& JsonWriter::Raw(const Value& v) {
  BeforeValue();
  v.AppendJson(out_);
  return *this;
}

}  // namespace ekv::checkers
