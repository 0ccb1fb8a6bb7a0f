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
               std::optional<campaign::CampaignStatus> status;
               if (auto s = req.queryParam("status"); !s.empty()) {
                 status = campaign::parseStatus(s);
                 if (!status) {
                   co_return net::errorResponse(makeError(
                       "invalid_query",
                       "\"status\" must be lobby, running, paused or finished."));
                 }
               }
               const bool mine = req.queryParam("mine") == "true" || req.queryParam("mine") == "1";
               auto op = service->list(*user, status, mine);
               co_return okList("campaigns", co_await std::move(op));
             });

  router.add(http::verb::get, "/api/campaigns/{id}",
             campaignRoute(auth, [service](Request&, Caller c) -> asio::awaitable<Response> {
               auto op = service->get(c.user, c.id);
               co_return ok(co_await std::move(op));
             }));

  router.add(http::verb::delete_, "/api/campaigns/{id}",
             campaignRoute(auth, [service](Request&, Caller c) -> asio::awaitable<Response> {
               auto op = service->remove(c.user, c.id);
               auto done = co_await std::move(op);
               if (!done) co_return net::errorResponse(done.error());
               Response res{http::status::no_content, 11};
               res.prepare_payload();
               co_return res;
             }));

  router.add(http::verb::post, "/api/campaigns/{id}/join",
             campaignRoute(auth, [service](Request& req, Caller c) -> asio::awaitable<Response> {
               auto body = optionalBody(req);
               if (!body) co_return net::errorResponse(body.error());
               auto op = service->join(c.user, c.id, *body);
               co_return ok(co_await std::move(op));
             }));

  router.add(http::verb::post, "/api/campaigns/{id}/ready",
             campaignRoute(auth, [service](Request& req, Caller c) -> asio::awaitable<Response> {
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
               auto op = service->ready(c.user, c.id, ready);
               co_return ok(co_await std::move(op));
             }));

  // Actions without a body: leave, start, pause, resume.
  auto action = [&](const char* path, auto call) {
    router.add(
        http::verb::post, path,
        campaignRoute(auth, [service, call](Request&, Caller c) -> asio::awaitable<Response> {
          auto op = call(*service, c);
          co_return ok(co_await std::move(op));
        }));
  };
  using campaign::CampaignService;
  action("/api/campaigns/{id}/leave",
         [](CampaignService& s, const Caller& c) { return s.leave(c.user, c.id); });
  action("/api/campaigns/{id}/start",
         [](CampaignService& s, const Caller& c) { return s.start(c.user, c.id); });
  action("/api/campaigns/{id}/pause",
         [](CampaignService& s, const Caller& c) { return s.setPaused(c.user, c.id, true); });
  action("/api/campaigns/{id}/resume",
         [](CampaignService& s, const Caller& c) { return s.setPaused(c.user, c.id, false); });

  router.add(http::verb::get, "/api/campaigns/{id}/state",
             campaignRoute(auth, [service](Request&, Caller c) -> asio::awaitable<Response> {
               auto op = service->state(c.user, c.id);
               auto view = co_await std::move(op);
               if (!view) co_return net::errorResponse(view.error());
               co_return rawJson(http::status::ok, std::move(*view));
             }));

  router.add(http::verb::post, "/api/campaigns/{id}/commands",
             campaignRoute(auth, [service](Request& req, Caller c) -> asio::awaitable<Response> {
               auto body = req.jsonBody();
               if (!body) co_return net::errorResponse(body.error());
               // Either the command itself or {"command": {...}}.
               const json::value command =
                   body->contains("command") ? body->at("command") : json::value(*body);
               // Idempotency-Key: the client's command id; a retry answers the first outcome.
               std::string client_id(req.http["Idempotency-Key"]);
               auto op = service->command(c.user, c.id, command, std::move(client_id));
               co_return ok(co_await std::move(op), http::status::accepted);
             }));

  router.add(http::verb::get, "/api/campaigns/{id}/commands",
             campaignRoute(auth, [service](Request& req, Caller c) -> asio::awaitable<Response> {
               int64_t after = 0;
               const std::string a = req.queryParam("after");
               if (!a.empty()) {
                 auto [end, ec] = std::from_chars(a.data(), a.data() + a.size(), after);
                 if (ec != std::errc() || end != a.data() + a.size() || after < 0) {
                   co_return net::errorResponse(
                       makeError("invalid_query", "\"after\" must be a command sequence number."));
                 }
               }
               auto op = service->commandLog(c.user, c.id, after, 500);
               co_return okList("commands", co_await std::move(op));
             }));
}

}  // namespace startales::api
