#include "api/health_routes.h"

#include <chrono>

#include "account/crypto.h"
#include "common/log.h"

namespace startales::api {

namespace asio = boost::asio;
namespace http = net::http;
using net::Request;
using net::Response;

void addHealthRoutes(net::Router& router, const HealthDeps& deps) {
  auto started = std::chrono::steady_clock::now();

  router.add(http::verb::get, deps.prefix + "/health",
             [deps, started](Request&) -> asio::awaitable<Response> {
               int64_t uptime = std::chrono::duration_cast<std::chrono::seconds>(
                                    std::chrono::steady_clock::now() - started)
                                    .count();
               co_return net::jsonResponse(
                   http::status::ok,
                   {{"status", "ok"}, {"service", deps.service}, {"version", deps.version},
                    {"uptime_s", uptime}});
             });

  router.add(http::verb::get, deps.prefix + "/ready", [deps](Request&) -> asio::awaitable<Response> {
    boost::json::object checks;
    if (deps.db == nullptr) {
      co_return net::jsonResponse(http::status::ok,
                                  {{"status", "ready"}, {"checks", std::move(checks)}});
    }
    auto ping = co_await deps.workers.run([&] { return deps.db->ping(); });
    if (!ping) {
      // The error text may name hosts, users or files: it goes to the log, not to the client.
      logging::warn("not ready", {{"dependency", "database"},
                                  {"error", ping.error().code},
                                  {"reason", ping.error().message}});
      Response res = net::errorResponse(http::status::service_unavailable, "not_ready",
                                        "The database is unreachable.");
      res.set(http::field::retry_after, "5");
      co_return res;
    }
    checks["database"] = std::string(deps.db->backend());
    for (const auto& check : deps.checks) {
      auto probe = check.probe();
      auto answer = co_await std::move(probe);
      if (!answer) {
        logging::warn("not ready", {{"dependency", check.name},
                                    {"error", answer.error().code},
                                    {"reason", answer.error().message}});
        Response res = net::errorResponse(http::status::service_unavailable, "not_ready",
                                          check.subject + " is unreachable.");
        res.set(http::field::retry_after, "5");
        co_return res;
      }
      checks[check.name] = *answer;
    }
    if (deps.llm != nullptr) {
      checks["llm"] = {{"engine", deps.llm->name()},
                       {"circuit", deps.llm->isOpen() ? "open (answering with builtin)" : "closed"}};
    } else {
      checks["llm"] = {{"engine", "builtin"}};
    }
    co_return net::jsonResponse(http::status::ok,
                                {{"status", "ready"}, {"checks", std::move(checks)}});
  });
}

void addMetricsRoute(net::Router& router, metrics::Metrics& metrics, const std::string& token) {
  // Only the token's hash is kept; comparing hashes leaks nothing about the token.
  const std::string token_hash = token.empty() ? "" : account::tokenHash(token);
  auto* m = &metrics;
  router.add(http::verb::get, "/metrics", [m, token_hash](Request& req) -> asio::awaitable<Response> {
    if (!token_hash.empty() && account::tokenHash(req.bearerToken()) != token_hash) {
      Response res = net::errorResponse(http::status::unauthorized, "unauthorized",
                                        "/metrics needs \"Authorization: Bearer <metrics token>\".");
      res.set(http::field::www_authenticate, "Bearer");
      co_return res;
    }
    Response res{http::status::ok, 11};
    res.set(http::field::content_type, "text/plain; version=0.0.4; charset=utf-8");
    res.body() = m->render();
    res.prepare_payload();
    co_return res;
  });
}

}  // namespace startales::api
