#include "api/character_routes.h"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/json.hpp>

#include "api/delta_pipe.h"
#include "api/route_util.h"

namespace startales::api {

namespace asio = boost::asio;
namespace http = net::http;
namespace json = boost::json;
using net::Request;
using net::Response;

namespace {

// Caller, campaign id and character id of /api/campaigns/{id}/characters/{cid}/...
struct CharacterCaller {
  Caller caller;
  int64_t character = 0;
};
asio::awaitable<Result<CharacterCaller>> characterCaller(const Request& req, const AuthDeps& auth) {
  auto caller_op = campaignCaller(req, auth);
  auto caller = co_await std::move(caller_op);
  if (!caller) co_return caller.error();
  auto cid = pathId(req, "cid", "character");
  if (!cid) co_return cid.error();
  co_return CharacterCaller{std::move(*caller), *cid};
}

// resolvedRoute for /api/campaigns/{id}/characters/{cid}/...: handler(Request&, CharacterCaller).
template <typename Handler>
auto characterRoute(const AuthDeps& auth, Handler handler) {
  return resolvedRoute(auth, &characterCaller, std::move(handler));
}

int queryInt(const Request& req, std::string_view name, int fallback) {
  const std::string text = req.queryParam(name);
  if (text.empty()) return fallback;
  try {
    return std::stoi(text);
  } catch (const std::exception&) {
    return fallback;
  }
}

// POST .../messages {text} → text/event-stream: "delta" {text}..., then "done" {...} (or
// "error" {code, message} when it fails after the stream started).
asio::awaitable<std::optional<Response>> talk(const AuthDeps& auth, ai::DialogueService& dialogue,
                                              Request& req, net::EventStream& out) {
  auto c_op = characterCaller(req, auth);
  auto c = co_await std::move(c_op);
  if (!c) co_return net::errorResponse(c.error());
  auto body = req.jsonBody();
  if (!body) co_return net::errorResponse(body.error());
  auto text = net::requireString(*body, "text");
  if (!text) co_return net::errorResponse(text.error());

  auto pipe = std::make_shared<DeltaPipe>(co_await asio::this_coro::executor);
  llm::CancelToken cancel;
  auto run = [&dialogue, pipe, cancel, user = c->caller.user, campaign = c->caller.id,
              character = c->character, text = std::move(*text)]() -> asio::awaitable<void> {
    auto op = dialogue.talk(
        user, campaign, character, text, [pipe](std::string_view d) { pipe->push(d); }, cancel);
    pipe->finish(co_await std::move(op));
  };
  asio::co_spawn(co_await asio::this_coro::executor, std::move(run), asio::detached);

  for (;;) {
    auto take_op = pipe->take();
    auto batch = co_await std::move(take_op);
    if (batch.done && !*batch.done && !out.started() && batch.pieces.empty()) {
      co_return net::errorResponse(batch.done->error());  // refused before any text
    }
    for (const auto& piece : batch.pieces) {
      auto send_op = out.send("delta", json::serialize(json::object{{"text", piece}}));
      if (!co_await std::move(send_op)) {
        cancel.cancel();  // the client left: stop generating (what was said is still stored)
        co_return std::nullopt;
      }
    }
    if (!batch.done) continue;
    if (*batch.done) {
      auto send_op = out.send("done", json::serialize(**batch.done));
      co_await std::move(send_op);
    } else {
      const Error& e = batch.done->error();
      auto send_op = out.send(
          "error", json::serialize(json::object{{"code", e.code}, {"message", e.message}}));
      co_await std::move(send_op);
    }
    co_return std::nullopt;
  }
}

}  // namespace

void addCharacterRoutes(net::Router& router, const AuthDeps& auth, ai::DialogueService& dialogue) {
  auto* d = &dialogue;

  router.add(http::verb::get, "/api/campaigns/{id}/characters",
             campaignRoute(auth, [d](Request&, Caller c) -> asio::awaitable<Response> {
               auto op = d->characters(c.user, c.id);
               co_return okList("characters", co_await std::move(op));
             }));

  router.add(http::verb::get, "/api/campaigns/{id}/characters/{cid}",
             characterRoute(auth, [d](Request&, CharacterCaller c) -> asio::awaitable<Response> {
               auto op = d->character(c.caller.user, c.caller.id, c.character);
               co_return ok(co_await std::move(op));
             }));

  router.add(http::verb::get, "/api/campaigns/{id}/characters/{cid}/card",
             characterRoute(auth, [d](Request&, CharacterCaller c) -> asio::awaitable<Response> {
               auto op = d->exportCard(c.caller.user, c.caller.id, c.character);
               co_return ok(co_await std::move(op));
             }));

  router.add(
      http::verb::put, "/api/campaigns/{id}/characters/{cid}/card",
      characterRoute(auth, [d](Request& req, CharacterCaller c) -> asio::awaitable<Response> {
        auto card = req.jsonBody();
        if (!card) co_return net::errorResponse(card.error());
        auto op = d->importCard(c.caller.user, c.caller.id, c.character, *card);
        co_return ok(co_await std::move(op));
      }));

  router.add(
      http::verb::get, "/api/campaigns/{id}/characters/{cid}/messages",
      characterRoute(auth, [d](Request& req, CharacterCaller c) -> asio::awaitable<Response> {
        auto op = d->messages(c.caller.user, c.caller.id, c.character, queryInt(req, "before", 0),
                              queryInt(req, "limit", 50));
        co_return okList("messages", co_await std::move(op));
      }));

  router.events(
      http::verb::post, "/api/campaigns/{id}/characters/{cid}/messages",
      [auth, d](Request& req, net::EventStream& out) -> asio::awaitable<std::optional<Response>> {
        auto op = talk(auth, *d, req, out);
        co_return co_await std::move(op);
      });

  router.add(http::verb::get, "/api/campaigns/{id}/proposals",
             campaignRoute(auth, [d](Request& req, Caller c) -> asio::awaitable<Response> {
               auto op = d->proposals(c.user, c.id, req.queryParam("status"));
               co_return okList("proposals", co_await std::move(op));
             }));

  for (const bool approve : {true, false}) {
    const std::string verb = approve ? "approve" : "reject";
    auto decide =
        campaignRoute(auth, [d, approve](Request& req, Caller c) -> asio::awaitable<Response> {
          auto pid = pathId(req, "pid", "proposal");
          if (!pid) co_return net::errorResponse(pid.error());
          auto op = d->decide(c.user, c.id, *pid, approve);
          co_return ok(co_await std::move(op));
        });
    router.add(http::verb::post, "/api/campaigns/{id}/proposals/{pid}/" + verb, decide);
    // The same, addressed through the character that proposed it.
    router.add(http::verb::post, "/api/campaigns/{id}/characters/{cid}/proposals/{pid}/" + verb,
               decide);
  }

  router.add(http::verb::get, "/api/campaigns/{id}/recap",
             campaignRoute(auth, [d](Request& req, Caller c) -> asio::awaitable<Response> {
               auto op = d->recap(c.user, c.id, queryInt(req, "since", 0));
               co_return ok(co_await std::move(op));
             }));
}

}  // namespace startales::api
