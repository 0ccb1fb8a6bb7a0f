#include "kv/redis_connection.h"

#include <hiredis/async.h>
#include <hiredis/hiredis.h>

#include <algorithm>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/post.hpp>
#include <cstdint>

#include "common/log.h"
#include "common/thread_name.h"
#include "kv/kv_metrics.h"

namespace startales::kv {

namespace asio = boost::asio;
using Clock = std::chrono::steady_clock;

// The asio side of one hiredis connection: waits for the socket to be readable/writable as
// hiredis asks (ev.addRead/addWrite) and calls redisAsyncHandleRead/Write. hiredis owns the
// descriptor: cleanup() releases it to hiredis, which closes it. Kept alive by the pending
// waits, which do nothing once it is dead.
class Connection : public std::enable_shared_from_this<Connection> {
 public:
  Connection(asio::io_context& io, redisAsyncContext* ac) : ac_(ac), sd_(io, ac->c.fd) {}

  // From here until hiredis's cleanup() the connection owns itself (hiredis holds `this`).
  void attach() {
    self_ = shared_from_this();
    ac_->ev.data = this;
    ac_->ev.addRead = [](void* p) { static_cast<Connection*>(p)->want(true, true); };
    ac_->ev.delRead = [](void* p) { static_cast<Connection*>(p)->want(true, false); };
    ac_->ev.addWrite = [](void* p) { static_cast<Connection*>(p)->want(false, true); };
    ac_->ev.delWrite = [](void* p) { static_cast<Connection*>(p)->want(false, false); };
    ac_->ev.cleanup = [](void* p) { static_cast<Connection*>(p)->cleanup(); };
  }

 private:
  void want(bool read, bool on) {
    (read ? want_read_ : want_write_) = on;
    if (on) arm(read);
  }

  void arm(bool read) {
    bool& pending = read ? read_pending_ : write_pending_;
    if (dead_ || pending) return;
    pending = true;
    sd_.async_wait(read ? asio::posix::stream_descriptor::wait_read
                        : asio::posix::stream_descriptor::wait_write,
                   [self = shared_from_this(), read](const boost::system::error_code& ec) {
                     (read ? self->read_pending_ : self->write_pending_) = false;
                     if (ec || self->dead_) return;
                     if (!(read ? self->want_read_ : self->want_write_)) return;
                     // May free the context (cleanup() marks us dead) on an error or EOF.
                     if (read) {
                       redisAsyncHandleRead(self->ac_);
                     } else {
                       redisAsyncHandleWrite(self->ac_);
                     }
                     if (!self->dead_ && (read ? self->want_read_ : self->want_write_)) {
                       self->arm(read);
                     }
                   });
  }

  void cleanup() {
    dead_ = true;
    sd_.release();  // pending waits end with operation_aborted; hiredis closes the fd
    auto last = std::move(self_);  // may destroy this on return
  }

  redisAsyncContext* ac_;
  asio::posix::stream_descriptor sd_;
  bool want_read_ = false, want_write_ = false;
  bool read_pending_ = false, write_pending_ = false;
  bool dead_ = false;
  std::shared_ptr<Connection> self_;  // set by attach(), released by cleanup()
};

namespace {

RedisKv::Impl* implOf(const redisAsyncContext* ac) {
  return static_cast<RedisKv::Impl*>(ac->data);
}

Reply toReply(const redisReply* r) {
  Reply out;
  switch (r->type) {
    case REDIS_REPLY_STRING: out.type = Reply::Type::kString; break;
    case REDIS_REPLY_STATUS: out.type = Reply::Type::kStatus; break;
    case REDIS_REPLY_ERROR: out.type = Reply::Type::kError; break;
    case REDIS_REPLY_INTEGER: out.type = Reply::Type::kInteger; break;
    case REDIS_REPLY_ARRAY: out.type = Reply::Type::kArray; break;
    default: out.type = Reply::Type::kNil; break;
  }
  if (r->str != nullptr) out.str.assign(r->str, r->len);
  out.integer = r->integer;
  for (size_t i = 0; i < r->elements; ++i) out.elements.push_back(toReply(r->element[i]));
  return out;
}

enum SetupStep { kAuth = 1, kSelect = 2, kScriptLoad = 3 };

}  // namespace

extern const std::string& bucketScript();  // redis_kv.cc

RedisKv::Impl::Impl(const RedisConfig& config, KvMetrics* metrics)
    : config_(config), metrics_(metrics), work_(asio::make_work_guard(io_)) {
  backoff_ms_ = config_.reconnect_min_ms;
  thread_ = std::thread([this] {
    setThreadName("redis");
    io_.run();
  });
}

RedisKv::Impl::~Impl() { stop(); }

void RedisKv::Impl::stop() {
  if (stopped_.exchange(true)) return;
  asio::post(io_, [this] {
    state_ = State::kStopped;
    connect_timer_.cancel();
    if (ac_ != nullptr) {
      redisAsyncContext* ac = ac_;
      ac_ = nullptr;
      redisAsyncFree(ac);  // runs the pending callbacks with no reply: their calls fail
    }
    std::vector<uint64_t> left;
    for (const auto& [id, call] : calls_) left.push_back(id);
    for (uint64_t id : left) finish(id, unavailable(), "unavailable");
    work_.reset();
  });
  thread_.join();
}

void RedisKv::Impl::submit(std::vector<std::string> argv, std::string op,
                           std::unique_ptr<Completion> done, const std::string* script) {
  if (stopped_.load()) {
    done->complete(unavailable());
    return;
  }
  if (in_flight_.fetch_add(1) >= config_.max_in_flight) {
    in_flight_.fetch_sub(1);
    if (metrics_ != nullptr) metrics_->request(op, "unavailable", 0);
    done->complete(unavailable());
    return;
  }
  const uint64_t id = next_id_.fetch_add(1);
  asio::post(io_, [this, id, argv = std::move(argv), op = std::move(op), done = std::move(done),
                   script, started = Clock::now()]() mutable {
    Call& call = calls_[id];
    call.argv = std::move(argv);
    call.op = std::move(op);
    call.done = std::move(done);
    call.script = script;
    call.started = started;
    start(id);
  });
}

void RedisKv::Impl::start(uint64_t id) {
  Call& call = calls_.at(id);
  if (state_ == State::kStopped) return finish(id, unavailable(), "unavailable");
  call.timer = std::make_unique<asio::steady_timer>(io_);
  call.timer->expires_at(call.started + std::chrono::milliseconds(config_.command_timeout_ms));
  call.timer->async_wait([this, id](const boost::system::error_code& ec) {
    if (ec) return;
    auto it = calls_.find(id);
    if (it == calls_.end()) return;
    const bool sent_on_ready = it->second.sent && state_ == State::kReady;
    Error e = unavailable();
    finish(id, e, "timeout");
    // Replies behind a late one are late too: start afresh on the next call.
    if (sent_on_ready) drop("a call timed out");
  });
  if (state_ == State::kIdle) {
    if (Clock::now() < next_connect_) return finish(id, unavailable(), "unavailable");
    connect();
    if (state_ == State::kIdle) return finish(id, unavailable(), "unavailable");
  }
  send(id, call);
}

void RedisKv::Impl::send(uint64_t id, Call& call) {
  std::vector<std::string> argv;
  if (call.script != nullptr) {
    if (!script_sha_.empty() && !call.as_eval) {
      argv = {"EVALSHA", script_sha_};
    } else {
      argv = {"EVAL", *call.script};
    }
  }
  argv.insert(argv.end(), call.argv.begin(), call.argv.end());
  std::vector<const char*> args;
  std::vector<size_t> lens;
  for (const auto& a : argv) {
    args.push_back(a.data());
    lens.push_back(a.size());
  }
  auto on_reply = [](redisAsyncContext* ac, void* reply, void* privdata) {
    implOf(ac)->onReply(reinterpret_cast<uintptr_t>(privdata), reply);
  };
  if (redisAsyncCommandArgv(ac_, on_reply, reinterpret_cast<void*>(static_cast<uintptr_t>(id)),
                            static_cast<int>(args.size()), args.data(), lens.data()) != REDIS_OK) {
    return finish(id, unavailable(), "unavailable");
  }
  call.sent = true;
}

void RedisKv::Impl::onReply(uint64_t id, void* reply) {
  auto it = calls_.find(id);
  if (it == calls_.end()) return;  // timed out already
  if (reply == nullptr) return finish(id, unavailable(), "unavailable");  // connection gone
  Reply r = toReply(static_cast<redisReply*>(reply));
  Call& call = it->second;
  if (r.type == Reply::Type::kError && call.script != nullptr && !call.as_eval &&
      r.str.starts_with("NOSCRIPT")) {
    call.as_eval = true;  // the script cache was flushed: send the script itself
    script_sha_.clear();
    return send(id, call);
  }
  const bool failed = r.type == Reply::Type::kError;
  if (failed) noteError("redis refused a call", r.str);
  finish(id, std::move(r), failed ? "error" : "ok");
}

void RedisKv::Impl::finish(uint64_t id, Result<Reply> result, std::string_view outcome) {
  auto it = calls_.find(id);
  if (it == calls_.end()) return;
  Call call = std::move(it->second);
  calls_.erase(it);
  if (call.timer) call.timer->cancel();
  if (metrics_ != nullptr) {
    metrics_->request(call.op, outcome,
                      std::chrono::duration<double>(Clock::now() - call.started).count());
  }
  in_flight_.fetch_sub(1);
  call.done->complete(std::move(result));
}

void RedisKv::Impl::connect() {
  redisAsyncContext* ac = redisAsyncConnect(config_.host.c_str(), config_.port);
  if (ac == nullptr || ac->err != 0) {
    const std::string why = ac == nullptr ? "out of memory" : ac->errstr;
    if (ac != nullptr) redisAsyncFree(ac);
    return connectFailed(why);
  }
  ac->data = this;
  ac_ = ac;
  ++generation_;
  std::make_shared<Connection>(io_, ac)->attach();
  redisAsyncSetConnectCallback(ac, [](const redisAsyncContext* c, int status) {
    implOf(c)->onConnected(const_cast<redisAsyncContext*>(c), status == REDIS_OK);
  });
  redisAsyncSetDisconnectCallback(ac, [](const redisAsyncContext* c, int) {
    implOf(c)->onDisconnected(const_cast<redisAsyncContext*>(c));
  });
  state_ = State::kConnecting;
  script_sha_.clear();
  // Pipelined ahead of every call: hiredis buffers them until the socket is connected.
  auto setup = [](redisAsyncContext* c, void* reply, void* privdata) {
    implOf(c)->onSetupReply(static_cast<int>(reinterpret_cast<uintptr_t>(privdata)), reply);
  };
  auto issue = [&](int step, std::vector<std::string> argv) {
    std::vector<const char*> args;
    std::vector<size_t> lens;
    for (const auto& a : argv) {
      args.push_back(a.data());
      lens.push_back(a.size());
    }
    redisAsyncCommandArgv(ac, setup, reinterpret_cast<void*>(static_cast<uintptr_t>(step)),
                          static_cast<int>(args.size()), args.data(), lens.data());
  };
  if (!config_.password.empty()) {
    if (config_.user.empty()) {
      issue(kAuth, {"AUTH", config_.password});
    } else {
      issue(kAuth, {"AUTH", config_.user, config_.password});
    }
  }
  if (config_.db != 0) issue(kSelect, {"SELECT", std::to_string(config_.db)});
  issue(kScriptLoad, {"SCRIPT", "LOAD", bucketScript()});
  connect_timer_.expires_after(std::chrono::milliseconds(config_.connect_timeout_ms));
  connect_timer_.async_wait([this, ac](const boost::system::error_code& ec) {
    if (ec || ac_ != ac || state_ != State::kConnecting) return;
    drop("connect timed out");
  });
}

void RedisKv::Impl::onConnected(redisAsyncContext* ac, bool ok) {
  if (ac != ac_) return;
  if (!ok) {
    // hiredis frees the context after this callback: forget it first.
    const std::string why = ac->errstr;
    ac_ = nullptr;
    connect_timer_.cancel();
    return connectFailed(why);  // the calls written to it fail through their callbacks
  }
  // Connected; AUTH's answer (onSetupReply) decides whether it is usable.
}

void RedisKv::Impl::onSetupReply(int step, void* reply) {
  if (reply == nullptr) return;  // the connection went away: lost() tells the story
  const auto* r = static_cast<const redisReply*>(reply);
  if (r->type == REDIS_REPLY_ERROR) {
    const std::string why(r->str, r->len);
    const char* what = step == kAuth ? "redis refused the password" : step == kSelect
                                            ? "redis refused SELECT of the database"
                                            : "redis refused to load the bucket script";
    noteError(what, why);
    if (step == kScriptLoad) return;  // EVAL still works
    // Not from inside hiredis's callback: free it from the loop.
    asio::post(io_, [this, generation = generation_, what] {
      if (generation == generation_) drop(what);
    });
    return;
  }
  if (step != kScriptLoad) return;
  script_sha_.assign(r->str, r->len);
  // Everything before SCRIPT LOAD answered: the connection is usable.
  connect_timer_.cancel();
  state_ = State::kReady;
  backoff_ms_ = config_.reconnect_min_ms;
  if (was_connected_) {
    reconnects_.fetch_add(1);
    if (metrics_ != nullptr) metrics_->reconnect();
    logging::info("redis reconnected", {{"host", config_.host}, {"port", config_.port}});
  } else {
    logging::info("redis connected", {{"host", config_.host}, {"port", config_.port}});
  }
  was_connected_ = true;
  last_error_.clear();
}

void RedisKv::Impl::onDisconnected(redisAsyncContext* ac) {
  if (ac != ac_) return;  // one we dropped ourselves (drop() did the bookkeeping)
  ac_ = nullptr;
  lost(ac->errstr[0] != '\0' ? ac->errstr : "connection closed");
}

void RedisKv::Impl::lost(std::string_view why) {
  if (state_ == State::kStopped) return;
  const bool was_ready = state_ == State::kReady;
  state_ = State::kIdle;
  connect_timer_.cancel();
  if (was_ready) {
    noteError("redis connection lost", why);
    next_connect_ = Clock::now();  // the next call reconnects at once
  } else {
    connectFailed(why);
  }
}

void RedisKv::Impl::drop(std::string_view why) {
  if (ac_ == nullptr) return;
  redisAsyncContext* ac = ac_;
  ac_ = nullptr;
  lost(why);
  redisAsyncFree(ac);  // its calls' callbacks run with no reply: they fail
}

void RedisKv::Impl::connectFailed(std::string_view why) {
  state_ = State::kIdle;
  noteError("redis unreachable", why);
  next_connect_ = Clock::now() + std::chrono::milliseconds(backoff_ms_);
  backoff_ms_ = std::min(config_.reconnect_max_ms, backoff_ms_ * 2);
}

void RedisKv::Impl::noteError(std::string_view what, std::string_view why) {
  std::string key = std::string(what) + ": " + std::string(why);
  if (key == last_error_) return;
  last_error_ = std::move(key);
  logging::warn(what, {{"host", config_.host}, {"port", config_.port}, {"reason", why}});
}

}  // namespace startales::kv
