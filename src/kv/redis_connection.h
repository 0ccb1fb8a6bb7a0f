#pragma once

// RedisKv's machinery (private to kv/): the I/O thread, the hiredis connection and its asio
// adapter, the calls in flight and their timers. Everything but submit() and the constructor
// runs on the I/O thread (io_), the only thread that touches hiredis.

#include <atomic>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <memory>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "kv/redis_kv.h"

struct redisAsyncContext;

namespace startales::kv {

class Connection;

struct RedisKv::Impl {
  // Called once with the call's outcome, on the I/O thread; hands it to the caller's executor.
  class Completion {
   public:
    virtual ~Completion() = default;
    virtual void complete(Result<Reply> result) = 0;
  };

  Impl(const RedisConfig& config, KvMetrics* metrics);
  ~Impl();  // stop()
  // Fails what is in flight, frees the connection, joins the thread. Idempotent; any thread
  // but the I/O thread.
  void stop();

  // Any thread. Fails at once (kv_unavailable) beyond max_in_flight.
  // With `script` (static text), argv is EVAL's arguments after the script (numkeys, keys,
  // args): sent as EVALSHA when the script's SHA is known on this connection, else as EVAL,
  // and again as EVAL when Redis answers NOSCRIPT.
  void submit(std::vector<std::string> argv, std::string op, std::unique_ptr<Completion> done,
              const std::string* script = nullptr);

  // hiredis callbacks (I/O thread).
  void onConnected(redisAsyncContext* ac, bool ok);
  void onDisconnected(redisAsyncContext* ac);
  void onReply(uint64_t id, void* reply);

  struct Call {
    std::vector<std::string> argv;
    std::string op;
    const std::string* script = nullptr;  // see submit()
    bool as_eval = false;                 // a script call sent as EVAL (NOSCRIPT came back)
    std::unique_ptr<Completion> done;
    std::unique_ptr<boost::asio::steady_timer> timer;
    std::chrono::steady_clock::time_point started;
    bool sent = false;
  };
  enum class State { kIdle, kConnecting, kReady, kStopped };

  void start(uint64_t id);                 // a submitted call arrives on the I/O thread
  void send(uint64_t id, Call& call);      // writes it to the connection
  void finish(uint64_t id, Result<Reply> result, std::string_view outcome);
  void connect();
  // The connection is gone (lost, timed out, refused): fail what waited for it.
  void lost(std::string_view why);
  void drop(std::string_view why);         // frees the connection ourselves
  void onSetupReply(int step, void* reply);  // AUTH, SELECT, SCRIPT LOAD at connect
  void connectFailed(std::string_view why);
  void noteError(std::string_view what, std::string_view why);  // logs a change of error

  // const after construction
  const RedisConfig config_;
  KvMetrics* const metrics_;

  boost::asio::io_context io_{1};
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work_;
  std::atomic<size_t> in_flight_{0};
  std::atomic<bool> stopped_{false};  // set by stop(): submit() fails at once
  std::atomic<uint64_t> reconnects_{0};
  std::atomic<uint64_t> next_id_{1};

  // I/O thread only:
  State state_ = State::kIdle;
  redisAsyncContext* ac_ = nullptr;
  uint64_t generation_ = 0;  // connections made so far; tells a stale deferred drop apart
  boost::asio::steady_timer connect_timer_{io_};
  std::unordered_map<uint64_t, Call> calls_;  // every call not yet finished
  std::chrono::steady_clock::time_point next_connect_{};
  int backoff_ms_ = 0;
  bool was_connected_ = false;  // a connection existed before: the next one is a reconnect
  std::string script_sha_;      // the bucket script's SHA on this connection; "" until known
  std::string last_error_;      // logged once per change, so an outage is not a log flood

  std::thread thread_;  // last: started after everything above exists
};

}  // namespace startales::kv
