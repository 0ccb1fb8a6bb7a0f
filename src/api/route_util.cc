#include "api/route_util.h"

#include <boost/json.hpp>
#include <charconv>

namespace startales::api {

namespace json = boost::json;

Result<int64_t> pathId(const net::Request& req, std::string_view param, std::string_view what) {
  const std::string_view text = req.param(param);
  int64_t id = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), id);
  if (ec != std::errc() || end != text.data() + text.size() || id <= 0) {
    return makeError("not_found",
                     "There is no " + std::string(what) + " \"" + std::string(text) + "\".");
  }
  return id;
}

boost::asio::awaitable<Result<Caller>> campaignCaller(const net::Request& req,
                                                      const AuthDeps& auth) {
  auto user_op = requireUser(req, auth);
  auto user = co_await std::move(user_op);
  if (!user) co_return user.error();
  auto id = pathId(req, "id", "campaign");
  if (!id) co_return id.error();
  co_return Caller{std::move(*user), *id};
}

Result<json::object> optionalBody(const net::Request& req) {
  if (req.http.body().empty()) return json::object{};
  return req.jsonBody();
}

net::Response ok(const Result<json::object>& r, net::http::status status) {
  if (!r) return net::errorResponse(r.error());
  return net::jsonResponse(status, *r);
}

net::Response ok(const Result<json::array>& r) {
  if (!r) return net::errorResponse(r.error());
  return net::jsonResponse(net::http::status::ok, *r);
}

net::Response okList(std::string_view key, Result<json::array> r) {
  if (!r) return net::errorResponse(r.error());
  json::object body;
  body[key] = std::move(*r);
  return net::jsonResponse(net::http::status::ok, body);
}

}  // namespace startales::api
