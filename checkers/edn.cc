#include "checkers/edn.h"

#include <cstring>
#include <limits>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"

namespace ekv::checkers {
namespace {

bool IsSymbolChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
         (c >= '0' && c <= '9') ||
         std::strchr("*+!-_?<>=/.'#:&%", c) != nullptr;
}

class Parser {
 public:
  Parser(absl::string_view text, const EdnReadOptions& options)
      : text_(text), options_(options) {}

  bool Parse(Value* out, SyntaxError* error) {
    SkipSpace();
    if (!ParseValue(0, out)) return Fail(error);
    SkipSpace();
    if (pos_ != text_.size()) {
      message_ = "unexpected text after the EDN value";
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

  bool AtEnd() const { return pos_ >= text_.size(); }

  void SkipSpace() {
    while (pos_ < text_.size()) {
      char c = text_[pos_];
      if (c == ';') {
        while (pos_ < text_.size() && text_[pos_] != '\n') ++pos_;
      } else if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == ',') {
        ++pos_;
      } else {
        break;
      }
    }
  }

  absl::string_view Word() {
    size_t start = pos_;
    while (pos_ < text_.size() && IsSymbolChar(text_[pos_])) ++pos_;
    return text_.substr(start, pos_ - start);
  }

  bool ParseValue(int depth, Value* out) {
    if (AtEnd()) return Error("expected a value, found the end of the text");
    char c = text_[pos_];
    if (c == '{' || c == '[' || c == '(') {
      if (depth + 1 > options_.depth_max) {
        return Error(absl::StrCat("nesting deeper than ", options_.depth_max));
      }
      if (c == '{') return ParseMap(depth + 1, out);
      return ParseSequence(c == '[' ? ']' : ')', depth + 1, out);
    }
    if (c == '"') return ParseString(out);
    if (c == ':') return ParseKeyword(out);
    if (c == '#') {
      return Error(text_.substr(pos_, 2) == "#{"
                       ? "EDN sets are not supported"
                       : "EDN tagged literals are not supported");
    }
    if (c == '\\') return Error("EDN characters are not supported");
    if ((c >= '0' && c <= '9') ||
        ((c == '-' || c == '+') && pos_ + 1 < text_.size() &&
         text_[pos_ + 1] >= '0' && text_[pos_ + 1] <= '9')) {
      return ParseNumber(out);
    }
    size_t start = pos_;
    absl::string_view word = Word();
    if (word == "nil") {
      *out = Value::Nil();
    } else if (word == "true") {
      *out = Value::Bool(true);
    } else if (word == "false") {
      *out = Value::Bool(false);
    } else {
      pos_ = start;
      if (word.empty()) {
        return Error(
            absl::StrCat("unexpected character '", std::string(1, c), "'"));
      }
      return Error(absl::StrCat("EDN symbols are not supported: '", word, "'"));
    }
    return true;
  }

  bool ParseNumber(Value* out) {
    size_t start = pos_;
    bool negative = text_[pos_] == '-';
    if (text_[pos_] == '-' || text_[pos_] == '+') ++pos_;
    constexpr int64_t kMin = std::numeric_limits<int64_t>::min();
    int64_t value = 0;  // accumulated negated, so that INT64_MIN fits
    while (!AtEnd() && text_[pos_] >= '0' && text_[pos_] <= '9') {
      int digit = text_[pos_] - '0';
      if (value < (kMin + digit) / 10) {
        pos_ = start;
        return Error("integer out of the int64 range");
      }
      value = value * 10 - digit;
      ++pos_;
    }
    if (!AtEnd() && IsSymbolChar(text_[pos_])) {
      return Error("only plain integer numbers are supported");
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

  bool ParseKeyword(Value* out) {
    ++pos_;
    absl::string_view name = Word();
    if (name.empty()) return Error("empty keyword");
    *out = Value::String(std::string(name));
    return true;
  }

  bool ParseString(Value* out) {
    ++pos_;
    std::string s;
    while (true) {
      if (AtEnd()) return Error("unterminated string");
      char c = text_[pos_++];
      if (c == '"') break;
      if (c != '\\') {
        s.push_back(c);
        continue;
      }
      if (AtEnd()) return Error("unterminated string");
      char e = text_[pos_++];
      switch (e) {
        case '"':
        case '\\':
          s.push_back(e);
          break;
        case 'n':
          s.push_back('\n');
          break;
        case 't':
          s.push_back('\t');
          break;
        case 'r':
          s.push_back('\r');
          break;
        case 'b':
          s.push_back('\b');
          break;
        case 'f':
          s.push_back('\f');
          break;
        default:
          --pos_;
          return Error(
              absl::StrCat("unsupported escape '\\", std::string(1, e), "'"));
      }
    }
    *out = Value::String(std::move(s));
    return true;
  }

  bool ParseSequence(char close, int depth, Value* out) {
    ++pos_;
    Value::List items;
    while (true) {
      SkipSpace();
      if (AtEnd()) return Error("unterminated vector or list");
      if (text_[pos_] == close) {
        ++pos_;
        break;
      }
      if (text_[pos_] == ']' || text_[pos_] == ')' || text_[pos_] == '}') {
        return Error("mismatched closing bracket");
      }
      Value item;
      if (!ParseValue(depth, &item)) return false;
      items.push_back(std::move(item));
    }
    *out = Value::MakeList(std::move(items));
    return true;
  }

  bool ParseMap(int depth, Value* out) {
    size_t start = pos_++;
    Value::Map entries;
    while (true) {
      SkipSpace();
      if (AtEnd()) return Error("unterminated map");
      if (text_[pos_] == '}') {
        ++pos_;
        break;
      }
      Value key, item;
      if (!ParseValue(depth, &key)) return false;
      SkipSpace();
      if (AtEnd() || text_[pos_] == '}') {
        return Error("map has a key without a value");
      }
      if (!ParseValue(depth, &item)) return false;
      entries.emplace_back(std::move(key), std::move(item));
    }
    if (!Value::MakeMap(std::move(entries), out)) {
      pos_ = start;
      return Error("map has a repeated key");
    }
    return true;
  }

  absl::string_view text_;
  const EdnReadOptions& options_;
  size_t pos_ = 0;
  std::string message_;
};

}  // namespace

bool ParseEdn(absl::string_view text, const EdnReadOptions& options, Value* out,
              SyntaxError* error) {
  return Parser(text, options).Parse(out, error);
}

}  // namespace ekv::checkers
