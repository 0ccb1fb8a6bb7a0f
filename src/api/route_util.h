#pragma once

// Small pieces every /api/campaigns/... adapter needs: the caller and the ids in the path,
// an optional JSON body, and a Result turned into a Response.

#include <boost/asio/awaitable.hpp>
#include <boost/json/object.hpp>
#include <cstdint>
#include <string_view>

#include "account/user_store.h"
#include "api/auth_routes.h"
#include "common/result.h"
#include "net/http.h"

namespace startales::api {

// A positive integer path parameter; "not_found" naming `what` otherwise ("campaign").
Result<int64_t> pathId(const net::Request& req, std::string_view param, std::string_view what);

// The logged-in user and the campaign id of a /api/campaigns/{id}/... request.
struct Caller {
  account::User user;
  int64_t id = 0;
};
boost::asio::awaitable<Result<Caller>> campaignCaller(const net::Request& req, const AuthDeps& auth);

// An empty body counts as {} for POST actions that take no fields.
Result<boost::json::object> optionalBody(const net::Request& req);

// 200 (or `status`) with the JSON, or the error's response.
net::Response ok(const Result<boost::json::object>& r,
                 net::http::status status = net::http::status::ok);
net::Response ok(const Result<boost::json::array>& r);

}  // namespace startales::api
