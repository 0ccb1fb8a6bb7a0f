#include "loadgen/loadgen.h"

#include <sys/resource.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json.hpp>
#include <cstdio>
#include <iostream>
#include <random>
#include <thread>
#include <vector>

#include "loadgen/http_pool.h"
#include "loadgen/player.h"
#include "loadgen/setup.h"
#include "loadgen/stats.h"

namespace startales::loadgen {

namespace json = boost::json;
using std::chrono::milliseconds;
using std::chrono::seconds;

namespace {

double secondsSince(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

int64_t sinceEpochNs(Clock::time_point t) {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(t.time_since_epoch()).count();
}

std::string randomRunId() {
  std::random_device rd;
  char buf[16];
  std::snprintf(buf, sizeof buf, "%06x", static_cast<unsigned>(rd() & 0xffffff));
  return buf;
}

// Makes sure the process may open one descriptor per WebSocket plus the setup's connections.
bool raiseFileLimit(const Options& o, std::string& error) {
  const rlim_t need = static_cast<rlim_t>(o.players) + o.http_concurrency + 64;
  rlimit lim{};
  if (getrlimit(RLIMIT_NOFILE, &lim) != 0) return true;  // nothing to learn; try anyway
  if (lim.rlim_cur != RLIM_INFINITY && lim.rlim_cur >= need) return true;
  if (lim.rlim_cur == RLIM_INFINITY) return true;
  if (lim.rlim_max != RLIM_INFINITY && lim.rlim_max < need) {
    error = std::to_string(o.players) + " players need " + std::to_string(need) +
            " open files, but the limit is " + std::to_string(lim.rlim_max) +
            " (hard); raise it, e.g. `ulimit -n " + std::to_string(need) +
            "` as root, or run fewer --players";
    return false;
  }
  lim.rlim_cur = need;
  if (setrlimit(RLIMIT_NOFILE, &lim) != 0) {
    error = "cannot raise the open-file limit to " + std::to_string(need) + "; run `ulimit -n " +
            std::to_string(need) + "` first";
    return false;
  }
  return true;
}

class Orchestrator {
 public:
  Orchestrator(asio::io_context& io, const Options& o, const Target& target,
               const std::vector<Target>& sockets)
      : io_(io),
        o_(o),
        target_(target),
        http_{target_, stats_, o.quiet},
        context_{target_, &sockets, o_, stats_, Clock::now()} {
    info_.options = o;
    info_.run_id = randomRunId();
  }

  // Fills `exit_code` and `error`; the report is printed by the caller when exit_code is 0.
  asio::awaitable<void> run() {
    progress("checking " + o_.url);
    auto reach_op = checkReachable(http_);
    if (auto reachable = co_await std::move(reach_op); !reachable) {
      fail("cannot reach URL: " + o_.url + ": " + reachable.error().message);
      co_return;
    }
    const auto setup_start = Clock::now();
    const auto setup_deadline = setup_start + seconds(o_.setup_timeout_s);
    auto setup_op = setUp(io_, http_, o_, info_.run_id, info_, setup_deadline,
                          [this](const std::string& line) { progress(line); });
    auto accounts = co_await std::move(setup_op);
    if (!accounts) {
      fail(accounts.error().message + hint());
      co_return;
    }

    progress("connecting " + std::to_string(o_.players) + " WebSockets and joining...");
    const auto connect_start = Clock::now();
    accounts_ = std::move(*accounts);
    for (size_t i = 0; i < accounts_.size(); ++i) {
      players_.push_back(Player::create(io_, context_, i, accounts_[i]));
    }
    auto connect_op = connectAll(setup_deadline);
    co_await std::move(connect_op);
    info_.setup_connect_s = secondsSince(connect_start);
    info_.setup_s = secondsSince(setup_start);
    if (stats_.joined.load() == 0) {
      fail("no WebSocket could join its campaign (connect failures: " +
           orNone(stats_.connect_failures.toText()) +
           "; join errors: " + orNone(stats_.join_errors.toText()) + ")");
    } else {
      if (stats_.joined.load() < players_.size()) {
        std::cerr << "startales-loadgen: warning: " << players_.size() - stats_.joined.load()
                  << " of " << players_.size() << " players did not join (connect failures: "
                  << orNone(stats_.connect_failures.toText())
                  << "; join errors: " << orNone(stats_.join_errors.toText()) << ")\n";
      }
      auto window_op = runWindow();
      co_await std::move(window_op);
      exit_code_ = kExitOk;
    }
    players_.clear();  // the sockets are closed (or given up on)

    if (!o_.keep_campaigns) {
      progress("deleting " + std::to_string(info_.campaigns) + " campaigns...");
      const auto cleanup_start = Clock::now();
      auto cleanup_op =
          tearDown(io_, http_, o_, accounts_, cleanup_start + seconds(o_.setup_timeout_s));
      auto cleaned = co_await std::move(cleanup_op);
      info_.cleanup_s = secondsSince(cleanup_start);
      if (!cleaned) {
        std::cerr << "startales-loadgen: warning: " << cleaned.error().message << "\n";
      }
    }
  }

  int exitCode() const { return exit_code_; }
  const std::string& error() const { return error_; }
  const Stats& stats() const { return stats_; }
  const RunInfo& info() const { return info_; }

 private:
  asio::awaitable<void> connectAll(Clock::time_point deadline) {
    const size_t n = players_.size();
    const size_t workers = std::min(n, static_cast<size_t>(o_.connect_concurrency));
    auto done = Latch::create(io_, workers);
    auto next = std::make_shared<std::atomic<size_t>>(0);
    for (size_t w = 0; w < workers; ++w) {
      auto worker = [this, next]() -> asio::awaitable<void> {
        for (size_t i = next->fetch_add(1); i < players_.size(); i = next->fetch_add(1)) {
          auto op = players_[i]->connect();
          (void)co_await std::move(op);
        }
      };
      asio::co_spawn(asio::make_strand(io_), std::move(worker),
                     [done](const std::exception_ptr&) { done->countDown(); });
    }
    // Each connect is bounded (kConnectTimeout twice, then kJoinTimeout).
    auto wait_op =
        done->wait(std::max(deadline, Clock::now()) + 2 * kConnectTimeout + kJoinTimeout);
    (void)co_await std::move(wait_op);
  }

  asio::awaitable<void> runWindow() {
    const auto start = Clock::now() + milliseconds(200);
    const auto end = start + seconds(o_.duration_s);
    const auto drain_deadline = end + seconds(o_.drain_timeout_s);
    context_.window_start_ns = sinceEpochNs(start);
    context_.window_end_ns = sinceEpochNs(end);
    auto done = Latch::create(io_, players_.size());
    for (auto& p : players_) p->run(start, end, drain_deadline, done);
    progress("running for " + std::to_string(o_.duration_s) + " s...");

    // Every second: cut stuck writes; every 10 s: a progress line. Bounded by the drain
    // deadline plus the close handshake's timeout.
    const auto hard_deadline = drain_deadline + 2 * kConnectTimeout;
    auto next_report = start + seconds(10);
    for (;;) {
      const auto tick = std::min(Clock::now() + seconds(1), hard_deadline);
      auto wait_op = done->wait(tick);
      if (co_await std::move(wait_op)) break;
      const auto now = Clock::now();
      if (now >= hard_deadline) {
        std::cerr << "startales-loadgen: warning: some connections did not close in time\n";
        break;
      }
      for (auto& p : players_) p->checkStuck(now);
      if (now >= next_report && now < end) {
        next_report += seconds(10);
        progress(
            std::to_string(static_cast<int>(std::chrono::duration<double>(now - start).count())) +
            " s: " + std::to_string(stats_.commands_sent.load()) + " commands, " +
            std::to_string(stats_.acks.load()) + " acks, " + std::to_string(stats_.errors.load()) +
            " errors, " + std::to_string(stats_.deltas_received.load()) + " deltas, " +
            std::to_string(stats_.disconnects.load()) + " disconnects");
      }
    }
    info_.duration_s = std::chrono::duration<double>(end - start).count();
    info_.drain_s = std::max(0.0, secondsSince(end));
  }

  std::string hint() const {
    if (stats_.http_rate_limited.load() == 0) return "";
    return " (the server answered 429 " + std::to_string(stats_.http_rate_limited.load()) +
           " times: start it with higher --auth-rate-address-burst / "
           "--auth-rate-address-per-min, or a longer --setup-timeout-s)";
  }

  static std::string orNone(const std::string& s) { return s.empty() ? "none" : s; }

  void progress(const std::string& line) const {
    if (!o_.quiet) std::cerr << "startales-loadgen: " << line << std::endl;
  }

  void fail(std::string message) {
    exit_code_ = kExitFailed;
    error_ = std::move(message);
  }

  asio::io_context& io_;
  const Options& o_;
  const Target& target_;
  Stats stats_;
  HttpContext http_;
  RunContext context_;
  RunInfo info_;
  std::vector<Account> accounts_;                 // after the setup
  std::vector<std::shared_ptr<Player>> players_;  // filled before connecting, then fixed
  int exit_code_ = kExitFailed;
  std::string error_ = "the run did not finish";
};

}  // namespace

int run(const Options& o) {
  std::string error;
  if (!raiseFileLimit(o, error)) {
    std::cerr << "startales-loadgen: " << error << "\n";
    return kExitFailed;
  }
  auto target = resolveTarget(o.url);
  if (!target) {
    if (target.error().code == "invalid_url") {
      std::cerr << "startales-loadgen: --url: " << target.error().message << "\n";
      return kExitUsage;
    }
    std::cerr << "startales-loadgen: cannot reach URL: " << o.url << ": " << target.error().message
              << "\n";
    return kExitFailed;
  }

  std::vector<Target> sockets;  // --urls: every node, in order
  for (size_t from = 0; !o.urls.empty() && from <= o.urls.size();) {
    const size_t comma = std::min(o.urls.find(',', from), o.urls.size());
    const std::string one = o.urls.substr(from, comma - from);
    from = comma + 1;
    if (one.empty()) continue;
    auto node = resolveTarget(one);
    if (!node) {
      std::cerr << "startales-loadgen: --urls: " << one << ": " << node.error().message << "\n";
      return node.error().code == "invalid_url" ? kExitUsage : kExitFailed;
    }
    sockets.push_back(std::move(*node));
  }
  asio::io_context io(o.threads);
  auto orchestrator = std::make_unique<Orchestrator>(io, o, *target, sockets);
  auto main_op = [&]() -> asio::awaitable<void> {
    auto op = orchestrator->run();
    co_await std::move(op);
  };
  asio::co_spawn(asio::make_strand(io), std::move(main_op), [&](const std::exception_ptr& e) {
    if (e) {
      try {
        std::rethrow_exception(e);
      } catch (const std::exception& ex) {
        std::cerr << "startales-loadgen: internal error: " << ex.what() << "\n";
      }
    }
    io.stop();  // what is left (connections that would not close) is dropped
  });
  std::vector<std::thread> threads;
  for (int i = 1; i < o.threads; ++i) threads.emplace_back([&] { io.run(); });
  io.run();
  for (auto& t : threads) t.join();

  if (orchestrator->exitCode() != kExitOk) {
    std::cerr << "startales-loadgen: " << orchestrator->error() << "\n";
    return orchestrator->exitCode();
  }
  if (o.json) {
    std::cout << toJsonText(toJson(orchestrator->stats(), orchestrator->info())) << std::endl;
  } else {
    std::cout << summary(orchestrator->stats(), orchestrator->info()) << std::flush;
  }
  return kExitOk;
}

}  // namespace startales::loadgen
