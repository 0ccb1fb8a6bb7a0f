#pragma once

// Kv on Redis (hiredis's async API driven by asio). One connection, commands pipelined on it,
// owned by one I/O thread of this object's own: callers on any thread co_await a call and are
// resumed on their own executor; no call blocks a network thread.
//
// Every call has a timeout (command_timeout_ms, an asio timer per call). A call that times
// out after it was sent drops the connection (the replies behind it would be late too); the
// next call connects again. A lost connection fails the calls in flight with kv_unavailable
// and is made again on the next call, no sooner than a backoff (reconnect_min_ms doubling to
// reconnect_max_ms while connects fail; calls in between fail at once). At most max_in_flight
// calls are queued or in flight; beyond that a call fails at once (kv_unavailable).
//
// The token bucket is one Lua script on Redis's own clock (TIME), run with EVALSHA (the SHA
// from SCRIPT LOAD at each connect) and EVAL when Redis answers NOSCRIPT.

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "kv/kv.h"

namespace startales::kv {

class KvMetrics;

struct RedisConfig {
  std::string host = "127.0.0.1";
  int port = 6379;
  std::string user;      // Redis 6 ACL user; empty: the default user
  std::string password;  // empty: no AUTH. Never logged.
  int db = 0;            // SELECT db
  int connect_timeout_ms = 1000;  // TCP connect + AUTH, ms
  int command_timeout_ms = 500;   // one call, queued or sent, ms
  int reconnect_min_ms = 100;     // backoff after a failed connect, ms (doubles)
  int reconnect_max_ms = 2000;    // its ceiling, ms
  size_t max_in_flight = 10'000;  // calls queued or in flight
};

// redis://[[user]:password@]host[:port][/db] (port 6379, db 0 by default; the password
// percent-decoded). An error sentence names what is wrong, never the password.
Result<RedisConfig> parseRedisUrl(std::string_view url);

// One reply of Redis, owned.
struct Reply {
  enum class Type { kNil, kString, kStatus, kInteger, kArray, kError };
  Type type = Type::kNil;
  std::string str;  // kString, kStatus, kError
  long long integer = 0;
  std::vector<Reply> elements;  // kArray
};

class RedisKv final : public Kv {
 public:
  // Starts the I/O thread; connects on the first call. `metrics` may be null; it outlives this.
  static Result<std::unique_ptr<RedisKv>> create(const RedisConfig& config, KvMetrics* metrics);
  // shutdown().
  ~RedisKv() override;
  // Fails what is in flight (kv_unavailable), closes the connection, joins the thread; later
  // calls fail at once. Call it while the executors of callers still exist (their
  // continuations are posted there). Idempotent.
  void shutdown();
  RedisKv(const RedisKv&) = delete;
  RedisKv& operator=(const RedisKv&) = delete;

  [[nodiscard]] std::string_view backend() const override { return "redis"; }
  boost::asio::awaitable<Result<std::optional<std::string>>> get(std::string key) override;
  boost::asio::awaitable<Result<std::vector<bool>>> exists(std::vector<std::string> keys) override;
  boost::asio::awaitable<Result<void>> set(std::string key, std::string value,
                                           std::chrono::milliseconds ttl) override;
  boost::asio::awaitable<Result<bool>> del(std::string key) override;
  boost::asio::awaitable<Result<Taken>> take(std::string key, BucketSpec spec) override;
  boost::asio::awaitable<Result<void>> ping() override;
  boost::asio::any_io_executor executor() override;

  // Any command; a Redis error reply is a Reply of type kError, a failure to get a reply is
  // Error{"kv_unavailable"}. `op` labels the metrics.
  boost::asio::awaitable<Result<Reply>> command(std::vector<std::string> argv,
                                                std::string_view op);

  // Connections made again after a loss (kv_reconnects_total counts the same).
  [[nodiscard]] uint64_t reconnects() const;

  struct Impl;

 private:
  explicit RedisKv(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace startales::kv
