#include "api/session_watcher.h"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "api/socket_registry.h"
#include "common/log.h"

namespace startales::api {

namespace asio = boost::asio;

namespace {
constexpr size_t kBatch = 500;  // sessions per lookup (one MGET)
}  // namespace

asio::awaitable<Result<size_t>> checkOpenSessions(const AuthDeps& auth) {
  std::vector<std::string> tokens = auth.sockets->openTokens();
  size_t closed = 0;
  for (size_t start = 0; start < tokens.size(); start += kBatch) {
    std::vector<std::string> batch(tokens.begin() + static_cast<std::ptrdiff_t>(start),
                                   tokens.begin() + static_cast<std::ptrdiff_t>(
                                                        std::min(tokens.size(), start + kBatch)));
    auto op = auth.workers.run([&] { return auth.accounts.sessionsExist(batch); });
    auto alive = co_await std::move(op);
    if (!alive) co_return alive.error();
    for (size_t i = 0; i < batch.size() && i < alive->size(); ++i) {
      if (!(*alive)[i]) {
        closed += auth.sockets->closeToken(batch[i], kWsCloseSessionEnded,
                                           "session ended: logged out");
      }
    }
  }
  co_return closed;
}

void startSessionWatcher(asio::io_context& io, const AuthDeps& auth,
                         std::chrono::milliseconds every) {
  auto loop = [&io, auth, every]() -> asio::awaitable<void> {
    asio::steady_timer timer(io);
    bool failing = false;  // logs an outage once, and its end
    while (true) {
      timer.expires_after(every);
      auto [ec] = co_await timer.async_wait(asio::as_tuple(asio::use_awaitable));
      if (ec) co_return;
      auto op = checkOpenSessions(auth);
      auto closed = co_await std::move(op);
      if (!closed) {
        if (!failing) {
          logging::warn("session check failed; open sockets kept",
                        {{"error", closed.error().code}});
        }
        failing = true;
        continue;
      }
      if (failing) logging::info("session check works again");
      failing = false;
      if (*closed > 0) {
        logging::info("sockets of ended sessions closed", {{"count", static_cast<int64_t>(*closed)}});
      }
    }
  };
  asio::co_spawn(io, std::move(loop), asio::detached);
}

}  // namespace startales::api
