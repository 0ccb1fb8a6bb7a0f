#pragma once

// POST /api/auth/register, /api/auth/login, /api/auth/refresh, /api/auth/logout; GET /api/me.
// Thin adapters: parse and validate JSON, check rate limits, call AccountService on the
// worker pool, serialise.

#include <boost/asio/awaitable.hpp>

#include "account/account_service.h"
#include "account/rate_limiter.h"
#include "common/worker_pool.h"
#include "net/router.h"

namespace startales::api {

class SocketRegistry;

struct AuthDeps {
  account::AccountService& accounts;
  account::RateLimiter& per_address;  // keyed by client address, all auth routes
  account::RateLimiter& per_account;  // keyed by account and address together, login attempts
  WorkerPool& workers;                // blocking work: database, argon2id
  SocketRegistry* sockets = nullptr;  // open /ws sockets: logout and refresh close the token's
};

void addAuthRoutes(net::Router& router, const AuthDeps& deps);

// The user behind the request's Bearer token, or "unauthorized". For every route that needs
// a logged-in player.
boost::asio::awaitable<Result<account::User>> requireUser(const net::Request& req,
                                                          const AuthDeps& deps);

// {"id":..,"username":..,"created_at":"ISO 8601"}
boost::json::object userJson(const account::User& user);

}  // namespace startales::api
