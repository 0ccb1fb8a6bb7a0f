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
boost::asio::awaitable<Result<Caller>> campaignCaller(const net::Request& req,
                                                      const AuthDeps& auth);

// An empty body counts as {} for POST actions that take no fields.
Result<boost::json::object> optionalBody(const net::Request& req);

// 200 (or `status`) with the JSON, or the error's response.
net::Response ok(const Result<boost::json::object>& r,
                 net::http::status status = net::http::status::ok);
net::Response ok(const Result<boost::json::array>& r);
// 200 with {key: the list}, or the error's response.
net::Response okList(std::string_view key, Result<boost::json::array> r);

// A route whose handler runs once `resolve(req, auth)` (the caller and the ids in the path, as
// campaignCaller) succeeded: `handler(req, resolved)`; otherwise the route answers with
// resolve's error. The router owns the returned lambda (auth, resolve, handler) for the
// server's life, which is what the coroutine frames referring to them rely on.
template <typename Resolve, typename Handler>
auto resolvedRoute(const AuthDeps& auth, Resolve resolve, Handler handler) {
  return [auth, resolve, handler](net::Request& req) -> boost::asio::awaitable<net::Response> {
    auto who_op = resolve(req, auth);
    auto who = co_await std::move(who_op);
    if (!who) co_return net::errorResponse(who.error());
    auto op = handler(req, std::move(*who));
    co_return co_await std::move(op);
  };
}

// resolvedRoute for /api/campaigns/{id}/...: handler(net::Request&, Caller).
template <typename Handler>
auto campaignRoute(const AuthDeps& auth, Handler handler) {
  return resolvedRoute(auth, &campaignCaller, std::move(handler));
}

}  // namespace startales::api
