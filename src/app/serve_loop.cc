#include "app/serve_loop.h"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/signal_set.hpp>
#include <thread>
#include <vector>

#include "common/log.h"
#include "common/thread_name.h"

namespace startales::app {

namespace asio = boost::asio;

void serveUntilSignal(asio::io_context& io, net::Server& server, const Config& config,
                      std::function<asio::awaitable<void>()> after_drain) {
  asio::signal_set signals(io, SIGTERM, SIGINT);
  signals.async_wait([&](const boost::system::error_code& ec, int signal) {
    if (ec) return;
    logging::info("shutting down", {{"signal", signal}});
    auto shutdown = [&]() -> asio::awaitable<void> {
      auto drain = server.drain(std::chrono::milliseconds(config.shutdown_timeout_ms));
      size_t cut = co_await std::move(drain);
      logging::info("drained", {{"connections_cut", cut}});
      if (after_drain) {
        auto step = after_drain();
        co_await std::move(step);
      }
      io.stop();
    };
    asio::co_spawn(io, std::move(shutdown), asio::detached);
  });
  std::vector<std::thread> threads;
  for (int i = 1; i < config.threads; ++i) {
    threads.emplace_back([&io, i] {
      setThreadName("net-" + std::to_string(i));
      io.run();
    });
  }
  setThreadName("net-0");
  io.run();
  for (auto& t : threads) t.join();
}

}  // namespace startales::app
