#include "net/http.h"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

namespace startales::net {
namespace {

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
