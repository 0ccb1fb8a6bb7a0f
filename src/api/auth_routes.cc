#include "api/auth_routes.h"

#include <boost/json/object.hpp>
#include <optional>

#include "account/crypto.h"
#include "api/socket_registry.h"
#include "net/address_counter.h"
#include "common/time_format.h"

namespace startales::api {

namespace asio = boost::asio;
namespace http = net::http;
using net::Request;
using net::Response;

boost::json::object userJson(const account::User& user) {
  return {{"id", user.id}, {"username", user.username}, {"created_at", isoTime(user.created_at_ms)}};
}

namespace {

Response rateLimited(int retry_after_s) {
  Response res = net::errorResponse(
      http::status::too_many_requests, "rate_limited",
      "Too many attempts; wait " + std::to_string(retry_after_s) + " seconds and try again.");
  res.set(http::field::retry_after, std::to_string(retry_after_s));
  return res;
}

// A limiter's answer that refuses the request: 429 when the bucket is empty, 503 when the
// limiter cannot answer (fail closed: Redis down means no attempt gets through). nullopt:
// go ahead.
std::optional<Response> refusal(const Result<std::optional<int>>& wait) {
  if (!wait) return net::errorResponse(wait.error());
  if (wait->has_value()) return rateLimited(**wait);
  return std::nullopt;
}

Response unauthorizedResponse(const Error& error) {
  Response res = net::errorResponse(error);
  if (res.result() == http::status::unauthorized) {
    res.set(http::field::www_authenticate, "Bearer");
  }
  return res;
}

Response loginResponse(const account::LoginResult& login) {
  return net::jsonResponse(http::status::ok, {{"token", login.token},
                                              {"token_type", "Bearer"},
                                              {"expires_at", isoTime(login.expires_at_ms)},
                                              {"user", userJson(login.user)}});
}

struct Credentials {
  std::string username;
  std::string password;
};

Result<Credentials> parseCredentials(const Request& req) {
  auto body = req.jsonBody();
  if (!body) return body.error();
  auto username = net::requireString(*body, "username");
  if (!username) return username.error();
  auto password = net::requireString(*body, "password");
  if (!password) return password.error();
  return Credentials{std::move(*username), std::move(*password)};
}

}  // namespace

asio::awaitable<Result<account::User>> requireUser(const Request& req, const AuthDeps& deps) {
  std::string token(req.bearerToken());
  if (token.empty()) {
    co_return makeError("unauthorized",
                        "This needs a login: send the header \"Authorization: Bearer <token>\".");
  }
  co_return co_await deps.workers.run([&] { return deps.accounts.authenticate(token); });
}

void addAuthRoutes(net::Router& router, const AuthDeps& deps) {
  router.add(http::verb::post, "/api/auth/register",
             [deps](Request& req) -> asio::awaitable<Response> {
               auto wait =
                   co_await deps.per_address.take("ip:" + net::addressKey(req.client_address));
               if (auto no = refusal(wait)) co_return std::move(*no);
               auto creds = parseCredentials(req);
               if (!creds) co_return net::errorResponse(creds.error());
               auto user = co_await deps.workers.run(
                   [&] { return deps.accounts.registerUser(creds->username, creds->password); });
               if (!user) co_return net::errorResponse(user.error());
               co_return net::jsonResponse(http::status::created, {{"user", userJson(*user)}});
             });

  router.add(http::verb::post, "/api/auth/login",
             [deps](Request& req) -> asio::awaitable<Response> {
               auto wait =
                   co_await deps.per_address.take("ip:" + net::addressKey(req.client_address));
               if (auto no = refusal(wait)) co_return std::move(*no);
               auto creds = parseCredentials(req);
               if (!creds) co_return net::errorResponse(creds.error());
               // No such account can exist: no bucket, no lookup, no hash.
               if (!account::validateUsername(creds->username)) {
                 co_return unauthorizedResponse(
                     makeError("invalid_credentials", "The username or password is incorrect."));
               }
               // Keyed by account and address together: a stranger's wrong guesses throttle
               // only the stranger, never the owner logging in from elsewhere. (Guesses from
               // many addresses are each held by the per-address limit.)
               auto account_wait = co_await deps.per_account.take(
                   "user:" + account::usernameKey(creds->username) +
                   "|ip:" + net::addressKey(req.client_address));
               if (auto no = refusal(account_wait)) co_return std::move(*no);
               auto login = co_await deps.workers.run(
                   [&] { return deps.accounts.login(creds->username, creds->password); });
               if (!login) co_return unauthorizedResponse(login.error());
               co_return loginResponse(*login);
             });

  router.add(http::verb::post, "/api/auth/refresh",
             [deps](Request& req) -> asio::awaitable<Response> {
               auto wait =
                   co_await deps.per_address.take("ip:" + net::addressKey(req.client_address));
               if (auto no = refusal(wait)) co_return std::move(*no);
               std::string token(req.bearerToken());
               auto login = co_await deps.workers.run([&] { return deps.accounts.refresh(token); });
               if (!login) co_return unauthorizedResponse(login.error());
               if (deps.sockets != nullptr) {  // the old token is dead: so are its sockets
                 deps.sockets->closeToken(account::tokenHash(token), kWsCloseSessionEnded,
                                          "session ended: token refreshed");
               }
               co_return loginResponse(*login);
             });

  router.add(http::verb::post, "/api/auth/logout",
             [deps](Request& req) -> asio::awaitable<Response> {
               std::string token(req.bearerToken());
               auto done = co_await deps.workers.run([&] { return deps.accounts.logout(token); });
               if (!done) co_return unauthorizedResponse(done.error());
               if (deps.sockets != nullptr) {
                 deps.sockets->closeToken(account::tokenHash(token), kWsCloseSessionEnded,
                                          "session ended: logged out");
               }
               Response res{http::status::no_content, 11};
               res.prepare_payload();
               co_return res;
             });

  router.add(http::verb::get, "/api/me", [deps](Request& req) -> asio::awaitable<Response> {
    auto user = co_await requireUser(req, deps);
    if (!user) co_return unauthorizedResponse(user.error());
    co_return net::jsonResponse(http::status::ok, {{"user", userJson(*user)}});
  });
}

}  // namespace startales::api
