#include "api/campaign_routes.h"

#include <boost/json.hpp>
#include <charconv>

#include "api/route_util.h"

namespace startales::api {

namespace asio = boost::asio;
namespace http = net::http;
namespace json = boost::json;
using net::Request;
using net::Response;

namespace {

Response rawJson(http::status status, std::string body) {
  Response res{status, 11};
  res.set(http::field::content_type, "application/json");
  res.body() = std::move(body);
  res.prepare_payload();
  return res;
}

using Action = asio::awaitable<Result<json::object>> (campaign::CampaignService::*)(
    const account::User&, int64_t);

}  // namespace

void addCampaignRoutes(net::Router& router, const AuthDeps& auth,
                       campaign::CampaignService& campaigns) {
  auto* service = &campaigns;

  router.add(http::verb::post, "/api/campaigns",
             [auth, service](Request& req) -> asio::awaitable<Response> {
               auto user_op = requireUser(req, auth);
               auto user = co_await std::move(user_op);
               if (!user) co_return net::errorResponse(user.error());
               auto body = req.jsonBody();
               if (!body) co_return net::errorResponse(body.error());
               auto op = service->create(*user, *body);
               co_return ok(co_await std::move(op), http::status::created);
             });

  router.add(http::verb::get, "/api/campaigns",
             [auth, service](Request& req) -> asio::awaitable<Response> {
               auto user_op = requireUser(req, auth);
               auto user = co_await std::move(user_op);
               if (!user) co_return net::errorResponse(user.error());
               std::optional<std::string> status;
               if (auto s = req.queryParam("status"); !s.empty()) status = std::string(s);
               const bool mine = req.queryParam("mine") == "true" || req.queryParam("mine") == "1";
               auto op = service->list(*user, status, mine);
               auto list = co_await std::move(op);
               if (!list) co_return net::errorResponse(list.error());
               co_return net::jsonResponse(http::status::ok, {{"campaigns", std::move(*list)}});
             });

  router.add(http::verb::get, "/api/campaigns/{id}",
             [auth, service](Request& req) -> asio::awaitable<Response> {
               auto caller_op = campaignCaller(req, auth);
               auto caller = co_await std::move(caller_op);
               if (!caller) co_return net::errorResponse(caller.error());
               const auto& [user, id] = *caller;
               auto op = service->get(user, id);
               co_return ok(co_await std::move(op));
             });

  router.add(http::verb::delete_, "/api/campaigns/{id}",
             [auth, service](Request& req) -> asio::awaitable<Response> {
               auto caller_op = campaignCaller(req, auth);
               auto caller = co_await std::move(caller_op);
               if (!caller) co_return net::errorResponse(caller.error());
               const auto& [user, id] = *caller;
               auto op = service->remove(user, id);
               auto done = co_await std::move(op);
               if (!done) co_return net::errorResponse(done.error());
               Response res{http::status::no_content, 11};
               res.prepare_payload();
               co_return res;
             });

  router.add(http::verb::post, "/api/campaigns/{id}/join",
             [auth, service](Request& req) -> asio::awaitable<Response> {
               auto caller_op = campaignCaller(req, auth);
               auto caller = co_await std::move(caller_op);
               if (!caller) co_return net::errorResponse(caller.error());
               const auto& [user, id] = *caller;
               auto body = optionalBody(req);
               if (!body) co_return net::errorResponse(body.error());
               auto op = service->join(user, id, *body);
               co_return ok(co_await std::move(op));
             });

  router.add(http::verb::post, "/api/campaigns/{id}/ready",
             [auth, service](Request& req) -> asio::awaitable<Response> {
               auto caller_op = campaignCaller(req, auth);
               auto caller = co_await std::move(caller_op);
               if (!caller) co_return net::errorResponse(caller.error());
               const auto& [user, id] = *caller;
               auto body = optionalBody(req);
               if (!body) co_return net::errorResponse(body.error());
               bool ready = true;
               if (const auto* v = body->if_contains("ready")) {
                 if (!v->is_bool()) {
                   co_return net::errorResponse(
                       makeError("invalid_field", "\"ready\" must be true or false."));
                 }
                 ready = v->as_bool();
               }
               auto op = service->ready(user, id, ready);
               co_return ok(co_await std::move(op));
             });

  // Actions without a body: leave, start, pause, resume.
  auto simple = [&](const char* path, auto call) {
    router.add(http::verb::post, path,
               [auth, service, call](Request& req) -> asio::awaitable<Response> {
                 auto caller_op = campaignCaller(req, auth);
                 auto caller = co_await std::move(caller_op);
                 if (!caller) co_return net::errorResponse(caller.error());
                 const auto& [user, id] = *caller;
                 auto op = call(*service, user, id);
                 co_return ok(co_await std::move(op));
               });
  };
  simple("/api/campaigns/{id}/leave",
         [](campaign::CampaignService& s, const account::User& u, int64_t id) { return s.leave(u, id); });
  simple("/api/campaigns/{id}/start",
         [](campaign::CampaignService& s, const account::User& u, int64_t id) { return s.start(u, id); });
  simple("/api/campaigns/{id}/pause", [](campaign::CampaignService& s, const account::User& u,
                                         int64_t id) { return s.setPaused(u, id, true); });
  simple("/api/campaigns/{id}/resume", [](campaign::CampaignService& s, const account::User& u,
                                          int64_t id) { return s.setPaused(u, id, false); });

  router.add(http::verb::get, "/api/campaigns/{id}/state",
             [auth, service](Request& req) -> asio::awaitable<Response> {
               auto caller_op = campaignCaller(req, auth);
               auto caller = co_await std::move(caller_op);
               if (!caller) co_return net::errorResponse(caller.error());
               const auto& [user, id] = *caller;
               auto op = service->state(user, id);
               auto view = co_await std::move(op);
               if (!view) co_return net::errorResponse(view.error());
               co_return rawJson(http::status::ok, std::move(*view));
             });

  router.add(http::verb::post, "/api/campaigns/{id}/commands",
             [auth, service](Request& req) -> asio::awaitable<Response> {
               auto caller_op = campaignCaller(req, auth);
               auto caller = co_await std::move(caller_op);
               if (!caller) co_return net::errorResponse(caller.error());
               const auto& [user, id] = *caller;
               auto body = req.jsonBody();
               if (!body) co_return net::errorResponse(body.error());
               // Either the command itself or {"command": {...}}.
               const json::value command =
                   body->contains("command") ? body->at("command") : json::value(*body);
               auto op = service->command(user, id, command);
               co_return ok(co_await std::move(op), http::status::accepted);
             });

  router.add(http::verb::get, "/api/campaigns/{id}/commands",
             [auth, service](Request& req) -> asio::awaitable<Response> {
               auto caller_op = campaignCaller(req, auth);
               auto caller = co_await std::move(caller_op);
               if (!caller) co_return net::errorResponse(caller.error());
               const auto& [user, id] = *caller;
               int64_t after = 0;
               const std::string a = req.queryParam("after");
               if (!a.empty()) {
                 auto [end, ec] = std::from_chars(a.data(), a.data() + a.size(), after);
                 if (ec != std::errc() || end != a.data() + a.size() || after < 0) {
                   co_return net::errorResponse(
                       makeError("invalid_query", "\"after\" must be a command sequence number."));
                 }
               }
               auto op = service->commandLog(user, id, after, 500);
               auto log = co_await std::move(op);
               if (!log) co_return net::errorResponse(log.error());
               co_return net::jsonResponse(http::status::ok, {{"commands", std::move(*log)}});
             });
}

}  // namespace startales::api
