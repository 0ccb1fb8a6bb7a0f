#pragma once

// The part every server subcommand shares: run the network threads until SIGTERM/SIGINT,
// then drain (stop accepting, let in-flight requests finish within shutdown_timeout_ms), run
// the caller's own shutdown step, and return once the threads have stopped.

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <functional>

#include "app/config.h"
#include "net/server.h"

namespace startales::app {

// Blocks. `after_drain` runs on `io` after the drain (e.g. saving campaigns); may be empty.
void serveUntilSignal(boost::asio::io_context& io, net::Server& server, const Config& config,
                      std::function<boost::asio::awaitable<void>()> after_drain);

}  // namespace startales::app
