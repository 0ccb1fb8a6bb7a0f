#include "common/json_out.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <cstdint>
#include <limits>
#include <string>

namespace startales {
namespace {

namespace json = boost::json;

TEST(JsonOut, NestsAndSeparates) {
  std::string text;
  JsonOut out(text);
  out.beginObject();
  out.key("tick").value(12);
  out.key("names").beginArray().value("Vega").value(std::string("Sol")).end();
  out.key("empty").beginObject().end();
  out.key("none").beginArray().end();
  out.key("alive").value(true).key("capital").null();
  out.key("rows").beginArray();
  out.beginObject().key("a").value(int64_t{-3}).end();
  out.beginObject().key("b").value(uint64_t{18446744073709551615u}).end();
  out.end();
  out.end();
  EXPECT_EQ(text,
            R"({"tick":12,"names":["Vega","Sol"],"empty":{},"none":[],"alive":true,)"
            R"("capital":null,"rows":[{"a":-3},{"b":18446744073709551615}]})");
  EXPECT_NO_THROW(json::parse(text));
}

TEST(JsonOut, EscapesStrings) {
  std::string text;
  JsonOut out(text);
  const std::string nasty = "say \"hi\"\\ \n\t\r\x01 caf\xc3\xa9";
  out.beginArray().value(nasty).end();
  EXPECT_EQ(text, R"(["say \"hi\"\\ \n\t\r\u0001 caf)" "\xc3\xa9" R"("])");
  EXPECT_EQ(json::parse(text).as_array()[0].as_string(), nasty);  // round trip
}

TEST(JsonOut, DoublesStayDoubles) {
  std::string text;
  JsonOut out(text);
  out.beginArray().value(5.0).value(12.3).value(-0.1).value(1e21).value(0.0);
  out.value(std::numeric_limits<double>::infinity()).value(std::nan("")).end();
  EXPECT_EQ(text, "[5.0,12.3,-0.1,1e+21,0.0,null,null]");
  const auto parsed = json::parse(text).as_array();
  for (size_t i = 0; i < 5; ++i) EXPECT_TRUE(parsed[i].is_double()) << i;
  EXPECT_DOUBLE_EQ(parsed[1].as_double(), 12.3);  // shortest text that reads back exactly
}

TEST(JsonOut, RawSplicesPreparedText) {
  std::string text;
  JsonOut out(text);
  out.beginObject().key("a").raw(R"({"x":1})").key("b").raw("[2]").end();
  EXPECT_EQ(text, R"({"a":{"x":1},"b":[2]})");
}

}  // namespace
}  // namespace startales
