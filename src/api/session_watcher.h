#pragma once

// The /ws sockets of this node close when their session ends on another node: every `every`,
// the sessions of the open sockets are looked up (one round trip on a Kv store, on the
// blocking pool) and the sockets of a session that is gone close with 4003 "session ended".
// Needed where sessions are shared (Redis, `--redis`): a logout on node B revokes the session
// for every node, but only B holds a list of its own sockets. A failed lookup (Redis down)
// closes nothing: no logout can have happened meanwhile (logout needs Redis too), and the
// next successful check catches one from just before the outage.

#include <boost/asio/io_context.hpp>
#include <chrono>

#include "api/auth_routes.h"

namespace startales::api {

// Runs on `io` until it stops. `auth.sockets` must be set; everything outlives io's run.
void startSessionWatcher(boost::asio::io_context& io, const AuthDeps& auth,
                         std::chrono::milliseconds every);

// One check: closes the sockets whose session is gone; returns how many sockets were told to
// close, or the lookup's error.
boost::asio::awaitable<Result<size_t>> checkOpenSessions(const AuthDeps& auth);

}  // namespace startales::api
