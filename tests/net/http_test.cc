#include "net/http.h"

#include "net/address_counter.h"

#include <gtest/gtest.h>

#include <memory>

#include <boost/json/parse.hpp>

#include "common/error_codes.h"

namespace startales::net {
namespace {

// Per-address limits counted single IPv6 addresses: a /64 holds 2^64 of them, free to its
// holder, so the limits held nothing.
TEST(AddressLimitsTest, Ipv6AddressesCountByTheirSlash64) {
  EXPECT_EQ(addressKey("2001:db8:1:2:aaaa::1"), addressKey("2001:db8:1:2:bbbb::9"));
  EXPECT_NE(addressKey("2001:db8:1:2::1"), addressKey("2001:db8:1:3::1"));
  EXPECT_EQ(addressKey("2001:db8:1:2::1"), "2001:db8:1:2::/64");
  EXPECT_EQ(addressKey("10.0.0.1"), "10.0.0.1");
  EXPECT_EQ(addressKey("::ffff:10.0.0.1"), "10.0.0.1");
  EXPECT_EQ(addressKey(std::string(500, 'x')).size(), 64u);
}

TEST(AddressLimitsTest, CounterHoldsOnlyWhatIsOpenAndRefusesBeyondTheCap) {
  auto shared = std::make_shared<AddressCounter>(2);
  AddressCounter& counter = *shared;
  EXPECT_TRUE(counter.tryAcquire("a"));
  EXPECT_TRUE(counter.tryAcquire("a"));
  EXPECT_FALSE(counter.tryAcquire("a"));
  EXPECT_TRUE(counter.tryAcquire("b"));
  counter.release("a");
  EXPECT_TRUE(counter.tryAcquire("a"));
  {
    ASSERT_TRUE(counter.tryAcquire("c"));
    AddressSlot slot(shared, "c");  // holds the one just acquired
    AddressSlot moved = std::move(slot);
    EXPECT_TRUE(counter.tryAcquire("c"));
    EXPECT_FALSE(counter.tryAcquire("c"));
  }
  EXPECT_TRUE(counter.tryAcquire("c"));  // the slot gave its one back, once
}

// Regression (ASan heap-use-after-free in net_static_files_test): a connection's coroutine
// frame, destroyed at io_context shutdown after its Server, released its count into the
// Server's freed counter. A slot keeps its counter alive.
TEST(AddressLimitsTest, SlotOutlivingItsServerReleasesIntoALiveCounter) {
  auto counter = std::make_shared<AddressCounter>(1);
  ASSERT_TRUE(counter->tryAcquire("a"));
  AddressSlot slot(counter, "a");
  std::weak_ptr<AddressCounter> watch = counter;
  counter.reset();  // the server is gone
  EXPECT_FALSE(watch.expired());
  slot = AddressSlot();  // releases without touching freed memory
  EXPECT_TRUE(watch.expired());
}

TEST(HttpTest, ErrorResponseHasTheOneShape) {
  auto res = errorResponse(http::status::conflict, "username_taken", "That name is taken.");
  EXPECT_EQ(res.result(), http::status::conflict);
  EXPECT_EQ(res[http::field::content_type], "application/json");
  auto json = boost::json::parse(res.body());
  EXPECT_EQ(json.at("error").at("code").as_string(), "username_taken");
  EXPECT_EQ(json.at("error").at("message").as_string(), "That name is taken.");
}

// Regression (found by http_request_fuzz): GET /api/campaigns/1/characters/\xe0\xe0\xe0\xe01/card
// answered a 404 whose message quoted the raw path bytes, so the body was not valid JSON.
TEST(HttpTest, ErrorMessageQuotingInvalidUtf8IsStillValidJson) {
  auto res = errorResponse(http::status::not_found, "not_found",
                           "There is no character \"\xe0\xe0\xe0\xe0" "1\". \xc3\xa9t\xc3\xa9 "
                           "\xed\xa0\x80 \xf4\x90\x80\x80 \xc0\xaf \xf0\x9f\x9a\x80");
  boost::system::error_code ec;
  auto json = boost::json::parse(res.body(), ec);
  ASSERT_FALSE(ec) << res.body();
  EXPECT_EQ(json.at("error").at("message").as_string(),
            "There is no character \"\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD" "1\". "
            "\xc3\xa9t\xc3\xa9 \xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD "
            "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD \xEF\xBF\xBD\xEF\xBF\xBD "
            "\xf0\x9f\x9a\x80");
}

TEST(HttpTest, StatusForMapsErrorCodes) {
  EXPECT_EQ(statusFor({"invalid_json", ""}), http::status::bad_request);
  EXPECT_EQ(statusFor({"weak_password", ""}), http::status::bad_request);
  EXPECT_EQ(statusFor({"unauthorized", ""}), http::status::unauthorized);
  EXPECT_EQ(statusFor({"forbidden", ""}), http::status::forbidden);
  EXPECT_EQ(statusFor({"not_found", ""}), http::status::not_found);
  EXPECT_EQ(statusFor({"username_taken", ""}), http::status::conflict);
  EXPECT_EQ(statusFor({"rate_limited", ""}), http::status::too_many_requests);
  EXPECT_EQ(statusFor({"overloaded", ""}), http::status::service_unavailable);
  EXPECT_EQ(statusFor({"db_error", ""}), http::status::internal_server_error);
  EXPECT_EQ(statusFor({"audio_too_large", ""}), http::status::payload_too_large);
  EXPECT_EQ(statusFor({"audio_too_long", ""}), http::status::bad_request);
  EXPECT_EQ(statusFor({"no_speech", ""}), http::status::unprocessable_entity);
  EXPECT_EQ(statusFor({"stt_unavailable", ""}), http::status::service_unavailable);
  EXPECT_EQ(statusFor({"tts_timeout", ""}), http::status::gateway_timeout);
  EXPECT_EQ(statusFor({"db_full", ""}), http::status::service_unavailable);
  EXPECT_EQ(statusFor({"insufficient_resources", ""}), http::status::unprocessable_entity);
  // A code nobody declared is a defect: 500, whatever its words suggest.
  EXPECT_EQ(statusFor({"invalid_but_undeclared", ""}), http::status::internal_server_error);
}

TEST(HttpTest, EveryDeclaredCodeMapsToItsCategorysStatus) {
  for (const auto& e : errorCodes()) {
    const auto status = statusFor({std::string(e.code), ""});
    const int code = static_cast<int>(status);
    switch (e.category) {
      case ErrorCategory::kBadInput: EXPECT_EQ(code, 400) << e.code; break;
      case ErrorCategory::kUnauthorized: EXPECT_EQ(code, 401) << e.code; break;
      case ErrorCategory::kForbidden: EXPECT_EQ(code, 403) << e.code; break;
      case ErrorCategory::kNotFound: EXPECT_EQ(code, 404) << e.code; break;
      case ErrorCategory::kMethodNotAllowed: EXPECT_EQ(code, 405) << e.code; break;
      case ErrorCategory::kConflict: EXPECT_EQ(code, 409) << e.code; break;
      case ErrorCategory::kTooLarge: EXPECT_EQ(code, 413) << e.code; break;
      case ErrorCategory::kHeadersTooLarge: EXPECT_EQ(code, 431) << e.code; break;
      case ErrorCategory::kUpgradeRequired: EXPECT_EQ(code, 426) << e.code; break;
      case ErrorCategory::kRefused: EXPECT_EQ(code, 422) << e.code; break;
      case ErrorCategory::kRateLimited: EXPECT_EQ(code, 429) << e.code; break;
      case ErrorCategory::kInternal: EXPECT_EQ(code, 500) << e.code; break;
      case ErrorCategory::kUnavailable: EXPECT_EQ(code, 503) << e.code; break;
      case ErrorCategory::kTimeout: EXPECT_EQ(code, 504) << e.code; break;
    }
    EXPECT_FALSE(e.meaning.empty()) << e.code;
  }
}

TEST(HttpTest, InternalErrorsAreNotEchoed) {
  auto res = errorResponse(Error{"db_error", "syntax error near SELEKT at secret_table"});
  EXPECT_EQ(res.result(), http::status::internal_server_error);
  EXPECT_EQ(res.body().find("secret_table"), std::string::npos);
}

TEST(HttpTest, OverloadedCarriesRetryAfter) {
  auto res = errorResponse(Error{"overloaded", "busy"});
  EXPECT_EQ(res[http::field::retry_after], "1");
}

TEST(HttpTest, JsonBodyErrorsAreSentences) {
  Request req;
  req.http.body() = "{\"a\": ";
  auto bad = req.jsonBody();
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().code, "invalid_json");
  req.http.body() = "42";
  EXPECT_EQ(req.jsonBody().error().code, "invalid_body");
  req.http.body() = "{\"name\": 7}";
  auto body = req.jsonBody();
  ASSERT_TRUE(body.ok());
  auto name = requireString(*body, "name");
  ASSERT_FALSE(name.ok());
  EXPECT_EQ(name.error().message, "The field \"name\" must be a string.");
  EXPECT_EQ(requireString(*body, "other").error().message, "The field \"other\" is required.");
}

TEST(HttpTest, BearerTokenAndQueryParams) {
  Request req;
  req.http.set(http::field::authorization, "bearer abc.def");
  EXPECT_EQ(req.bearerToken(), "abc.def");
  req.http.set(http::field::authorization, "Basic xyz");
  EXPECT_EQ(req.bearerToken(), "");
  req.query = "after=12&name=Sol%20Prime";
  EXPECT_EQ(req.queryParam("after"), "12");
  EXPECT_EQ(req.queryParam("name"), "Sol Prime");
  EXPECT_EQ(req.queryParam("missing"), "");
}

}  // namespace
}  // namespace startales::net
