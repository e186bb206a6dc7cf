// Values, and the strict JSON and EDN readers: what they accept, what they
// refuse (with line and column), and that JSON written is read back equal.
#include <string>
#include <vector>

#include "checkers/edn.h"
#include "checkers/json.h"
#include "checkers/value.h"
#include "gtest/gtest.h"
#include "rapidcheck.h"
#include "rapidcheck/gtest.h"

namespace ekv::checkers {
namespace {

Value Json(const std::string& text) {
  absl::StatusOr<Value> v = ParseJson(text, "t");
  EXPECT_TRUE(v.ok()) << text << ": " << v.status();
  return v.ok() ? *v : Value();
}

std::string JsonError(const std::string& text, int depth_max = 64) {
  Value v;
  SyntaxError e;
  JsonReadOptions options;
  options.depth_max = depth_max;
  EXPECT_FALSE(ParseJson(text, options, &v, &e)) << text;
  return std::to_string(e.line) + ":" + std::to_string(e.column) + " " +
         e.message;
}

Value Edn(const std::string& text) {
  Value v;
  SyntaxError e;
  EXPECT_TRUE(ParseEdn(text, {}, &v, &e)) << text << ": " << e.message;
  return v;
}

std::string EdnError(const std::string& text) {
  Value v;
  SyntaxError e;
  EXPECT_FALSE(ParseEdn(text, {}, &v, &e)) << text;
  return std::to_string(e.column) + " " + e.message;
}

TEST(Value, ShortAndLongStringsAreEqualByContents) {
  const Value a = Value::String("12345678");   // inline
  const Value b = Value::String("123456789");  // on the heap
  EXPECT_EQ(a.string_view(), "12345678");
  EXPECT_EQ(a.string_value(), std::string("12345678"));
  EXPECT_EQ(b.string_view(), "123456789");
  EXPECT_LT(a, b);
  EXPECT_EQ(Value::String("123456789"), b);
  EXPECT_EQ(Value::String("123456789").Hash(), b.Hash());
  Value c = b;  // shares the contents
  EXPECT_EQ(c, b);
  c = a;
  EXPECT_EQ(c, a);
}

TEST(Value, CopiesAndMovesShareOrHandOverContents) {
  // Run under ASan too: a refcount off by one shows as a leak or a use after
  // free.
  Value list = Value::MakeList(
      {Value::Int(7), Value::String("a longer string"), Value::Nil()});
  Value copy = list;
  Value moved = std::move(copy);
  EXPECT_TRUE(copy.is_nil());  // NOLINT(bugprone-use-after-move): defined
  EXPECT_EQ(moved, list);
  list = Value::Int(3);  // the contents live on in `moved`
  EXPECT_EQ(moved.list().size(), 3u);
  EXPECT_EQ(moved.list()[1].string_view(), "a longer string");
  Value& self = moved;
  moved = self;  // self-assignment keeps the contents
  EXPECT_EQ(moved.list()[0], Value::Int(7));
  Value target = Value::String("another long string");
  target = std::move(moved);
  EXPECT_TRUE(moved.is_nil());  // NOLINT(bugprone-use-after-move): defined
  EXPECT_EQ(target.list()[0], Value::Int(7));
  std::vector<Value> many(100, target);  // 100 holders of one list
  many.clear();
  EXPECT_EQ(target.list().size(), 3u);
  EXPECT_EQ(Value(Value::Int(-4)).int_value(), -4);
  EXPECT_EQ(Value(Value::String("short")).string_view(), "short");
}

TEST(Value, KindsOrderBeforeContents) {
  EXPECT_LT(Value::Nil(), Value::Bool(false));
  EXPECT_LT(Value::Bool(true), Value::Int(-5));
  EXPECT_LT(Value::Int(99), Value::String(""));
  EXPECT_LT(Value::String("z"), Value::MakeList({}));
  EXPECT_LT(Value::MakeList({Value::Int(1)}),
            Value::MakeList({Value::Int(1), Value::Int(0)}));
}

TEST(Value, MapsSortTheirKeysAndRefuseRepeats) {
  Value m;
  ASSERT_TRUE(Value::MakeMap({{Value::String("b"), Value::Int(2)},
                              {Value::String("a"), Value::Int(1)}},
                             &m));
  EXPECT_EQ(m.ToJson(), R"({"a":1,"b":2})");
  ASSERT_NE(m.Find("b"), nullptr);
  EXPECT_EQ(*m.Find("b"), Value::Int(2));
  EXPECT_EQ(m.Find("c"), nullptr);
  Value n;
  EXPECT_FALSE(Value::MakeMap(
      {{Value::Int(1), Value::Nil()}, {Value::Int(1), Value::Nil()}}, &n));
}

TEST(Json, ReadsEveryKindOfValue) {
  EXPECT_EQ(Json(" null "), Value::Nil());
  EXPECT_EQ(Json("true"), Value::Bool(true));
  EXPECT_EQ(Json("-9223372036854775808"), Value::Int(INT64_MIN));
  EXPECT_EQ(Json("9223372036854775807"), Value::Int(INT64_MAX));
  EXPECT_EQ(Json(R"("a\"b\\c\n\u00e9\ud83d\ude00")"),
            Value::String("a\"b\\c\n\xc3\xa9\xf0\x9f\x98\x80"));
  EXPECT_EQ(Json("[1, [2], []]").ToJson(), "[1,[2],[]]");
  EXPECT_EQ(Json(R"({"k": [1, "x"], "j": {}})").ToJson(),
            R"({"j":{},"k":[1,"x"]})");
}

TEST(Json, RefusesWhatItDoesNotSupportWithAPosition) {
  EXPECT_EQ(JsonError("1.5"), "1:2 only integer numbers are supported");
  EXPECT_EQ(JsonError("1e3"), "1:2 only integer numbers are supported");
  EXPECT_EQ(JsonError("9223372036854775808"),
            "1:1 integer out of the int64 range");
  EXPECT_EQ(JsonError("01"), "1:1 numbers must not have leading zeros");
  EXPECT_EQ(JsonError("[1,\n 2,]"), "2:4 unexpected character ']'");
  EXPECT_EQ(JsonError(R"({"a":1,"a":2})"), "1:1 object has a repeated key");
  EXPECT_EQ(JsonError("\"\x01\""),
            "1:2 control character in string (escape it)");
  EXPECT_EQ(JsonError("\"\xff\""), "1:2 invalid UTF-8 in string");
  EXPECT_EQ(JsonError(R"("\ud800")"),
            "1:8 high surrogate without a low surrogate");
  EXPECT_EQ(JsonError("[[[1]]]", 2), "1:3 nesting deeper than 2");
  EXPECT_EQ(JsonError("[1] x"), "1:5 unexpected text after the JSON value");
  EXPECT_EQ(JsonError(""), "1:1 expected a value, found the end of the text");
  EXPECT_EQ(JsonError("nul"), "1:1 expected 'null'");
}

TEST(Json, WriterPlacesCommasAndEscapes) {
  std::string out;
  JsonWriter w(&out);
  w.BeginObject().Key("a").Int(1).Key("b").BeginArray().String("x\"").Null();
  w.Bool(false).EndArray().Key("c").Raw(Json("[1]")).EndObject();
  EXPECT_EQ(out, R"({"a":1,"b":["x\"",null,false],"c":[1]})");
}

// Any value without maps, written as JSON, reads back equal.
RC_GTEST_PROP(Json, WrittenValuesReadBackEqual, ()) {
  const int depth = *rc::gen::inRange(0, 4);
  std::function<Value(int)> gen = [&](int d) -> Value {
    switch (*rc::gen::inRange(0, d > 0 ? 5 : 4)) {
      case 0:
        return Value::Nil();
      case 1:
        return Value::Int(*rc::gen::arbitrary<int64_t>());
      case 2:
        return Value::Bool(*rc::gen::arbitrary<bool>());
      case 3: {
        // Any bytes, made valid UTF-8 by the writer's escapes or kept ASCII.
        std::string s =
            *rc::gen::container<std::string>(rc::gen::inRange<char>(1, 127));
        return Value::String(s);
      }
      default: {
        Value::List items;
        const int n = *rc::gen::inRange(0, 4);
        for (int i = 0; i < n; ++i) items.push_back(gen(d - 1));
        return Value::MakeList(std::move(items));
      }
    }
  };
  const Value v = gen(depth);
  absl::StatusOr<Value> back = ParseJson(v.ToJson());
  RC_ASSERT(back.ok());
  RC_ASSERT(*back == v);
}

TEST(Edn, ReadsJepsenMapsAndValues) {
  EXPECT_EQ(
      Edn(R"({:process 0, :type :invoke, :f :append, :key "4", :value "x 0 1 y"})")
          .ToJson(),
      R"({"f":"append","key":"4","process":0,"type":"invoke","value":"x 0 1 y"})");
  EXPECT_EQ(Edn("[3 0]").ToJson(), "[3,0]");
  EXPECT_EQ(Edn("(1 :a nil) ; a comment").ToJson(), R"([1,"a",null])");
  EXPECT_EQ(Edn(":timed-out"), Value::String("timed-out"));
  EXPECT_EQ(Edn("[[:append 3 1] [:r 4 nil]]").ToJson(),
            R"([["append",3,1],["r",4,null]])");
}

TEST(Edn, RefusesWhatItDoesNotSupport) {
  EXPECT_EQ(EdnError("#{1 2}"), "1 EDN sets are not supported");
  EXPECT_EQ(EdnError("#inst \"x\""), "1 EDN tagged literals are not supported");
  EXPECT_EQ(EdnError("[1 foo]"), "4 EDN symbols are not supported: 'foo'");
  EXPECT_EQ(EdnError("1.5"), "2 only plain integer numbers are supported");
  EXPECT_EQ(EdnError("[1 2"), "5 unterminated vector or list");
  EXPECT_EQ(EdnError("{:a}"), "4 map has a key without a value");
  EXPECT_EQ(EdnError("[1)"), "3 mismatched closing bracket");
}

}  // namespace
}  // namespace ekv::checkers
