#include "api/health_routes.h"

#include <chrono>

#include "account/crypto.h"
#include "common/log.h"

namespace startales::api {

namespace asio = boost::asio;
namespace http = net::http;
using net::Request;
using net::Response;

ReadyCheck blockingCheck(std::string name, std::string subject, WorkerPool& workers,
                         std::function<Result<std::string>()> check, bool required) {
  auto probe = [&workers, check = std::move(check)]() -> asio::awaitable<Result<std::string>> {
    auto op = workers.run([&] { return check(); });
    co_return co_await std::move(op);
  };
  return ReadyCheck{std::move(name), std::move(subject), std::move(probe), required};
}

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
    if (deps.db != nullptr) {
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
    }
    for (const ReadyCheck& extra : deps.checks) {
      auto probe = extra.probe();
      auto state = co_await std::move(probe);
      if (state) {
        checks[extra.name] = *state;
        continue;
      }
      logging::warn("not ready", {{"dependency", extra.name},
                                  {"error", state.error().code},
                                  {"reason", state.error().message}});
      if (!extra.required) {
        checks[extra.name] = {{"error", state.error().code}};
        continue;
      }
      Response res = net::errorResponse(http::status::service_unavailable, "not_ready",
                                        extra.subject + " is unreachable.");
      res.set(http::field::retry_after, "5");
      co_return res;
    }
    if (deps.db != nullptr) {  // the API roles (stt and tts have no characters)
      if (deps.llm != nullptr) {
        checks["llm"] = {{"engine", deps.llm->name()},
                         {"circuit", deps.llm->isOpen() ? "open (answering with builtin)" : "closed"}};
      } else {
        checks["llm"] = {{"engine", "builtin"}};
      }
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
