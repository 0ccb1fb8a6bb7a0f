#include "kv/redis_kv.h"

#include <boost/asio/async_result.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/url/parse.hpp>
#include <charconv>
#include <cmath>

#include "kv/redis_connection.h"

namespace startales::kv {

namespace asio = boost::asio;

// KEYS[1]: the bucket, a string "tokens ts_ms". ARGV: burst, tokens per minute. Returns
// {allowed 0|1, ms until a token is back}. Time is Redis's own (TIME), so every node agrees;
// the key expires once the bucket is full again. Mirrors takeFromBucket (memory_kv.cc).
const std::string& bucketScript() {
  static const std::string kScript = R"lua(
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local burst = tonumber(ARGV[1])
local per_ms = tonumber(ARGV[2]) / 60000
local tokens, ts = burst, now
local v = redis.call('GET', KEYS[1])
if v then
  local a, b = string.match(v, '^(%S+) (%S+)$')
  if a and b then tokens = tonumber(a) or burst; ts = tonumber(b) or now end
end
if now > ts then tokens = math.min(burst, tokens + (now - ts) * per_ms); ts = now end
local allowed = 0
local wait = 0
if tokens >= 1 then
  tokens = tokens - 1
  allowed = 1
else
  wait = math.max(1, math.ceil((1 - tokens) / per_ms))
end
local full_ms = math.max(1, math.ceil((burst - tokens) / per_ms))
redis.call('SET', KEYS[1], string.format('%.17g %d', tokens, ts), 'PX', full_ms)
return {allowed, wait}
)lua";
  return kScript;
}

namespace {

template <typename Handler>
class CompletionOf final : public RedisKv::Impl::Completion {
 public:
  explicit CompletionOf(Handler handler)
      : handler_(std::move(handler)),
        work_(asio::make_work_guard(asio::get_associated_executor(handler_))) {}

  // Resumes the caller on its own executor (posted: we are on the Redis thread).
  void complete(Result<Reply> result) override {
    auto executor = work_.get_executor();
    asio::post(executor, [handler = std::move(handler_), result = std::move(result)]() mutable {
      std::move(handler)(std::move(result));
    });
    work_.reset();
  }

 private:
  Handler handler_;
  asio::executor_work_guard<asio::associated_executor_t<Handler>> work_;
};

asio::awaitable<Result<Reply>> call(RedisKv::Impl& impl, std::vector<std::string> argv,
                                    std::string op, const std::string* script = nullptr) {
  co_return co_await asio::async_initiate<const asio::use_awaitable_t<>, void(Result<Reply>)>(
      [&impl, script](auto handler, std::vector<std::string> args, std::string name) {
        impl.submit(std::move(args), std::move(name),
                    std::make_unique<CompletionOf<decltype(handler)>>(std::move(handler)),
                    script);
      },
      asio::use_awaitable, std::move(argv), std::move(op));
}

// A Redis error reply (WRONGTYPE, OOM, NOAUTH...) is logged by the connection; users get
// the same sentence as for an outage.
Result<Reply> checked(Result<Reply> r) {
  if (r && r->type == Reply::Type::kError) return unavailable();
  return r;
}

std::string percentDecode(std::string_view in) {
  std::string out;
  for (size_t i = 0; i < in.size(); ++i) {
    if (in[i] == '%' && i + 2 < in.size()) {
      int v = 0;
      auto [p, ec] = std::from_chars(in.data() + i + 1, in.data() + i + 3, v, 16);
      if (ec == std::errc() && p == in.data() + i + 3) {
        out.push_back(static_cast<char>(v));
        i += 2;
        continue;
      }
    }
    out.push_back(in[i]);
  }
  return out;
}

}  // namespace

Result<RedisConfig> parseRedisUrl(std::string_view url) {
  auto fail = [](const std::string& why) {
    return makeError("invalid_config", why + "; expected redis://[:password@]host:port[/db].");
  };
  if (!url.starts_with("redis://")) return fail("the Redis URL does not start with redis://");
  auto parsed = boost::urls::parse_uri(url);
  if (!parsed) return fail("the Redis URL cannot be parsed");
  RedisConfig config;
  config.host = std::string(parsed->host());
  if (config.host.size() > 2 && config.host.front() == '[') {
    config.host = config.host.substr(1, config.host.size() - 2);
  }
  if (config.host.empty()) return fail("the Redis URL names no host");
  if (parsed->has_port()) {
    const std::string port(parsed->port());
    int p = 0;
    auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), p);
    if (ec != std::errc() || end != port.data() + port.size() || p < 1 || p > 65535) {
      return fail("the Redis port \"" + port + "\" is not a number from 1 to 65535");
    }
    config.port = p;
  }
  if (parsed->has_userinfo()) {
    config.user = percentDecode(parsed->encoded_user());
    config.password = percentDecode(parsed->encoded_password());
    if (config.password.empty() && !config.user.empty()) {
      // redis://secret@host: the one word is the password, as Redis clients read it.
      config.password = std::move(config.user);
      config.user.clear();
    }
  }
  std::string path(parsed->encoded_path());
  if (!path.empty() && path != "/") {
    const std::string db = path.substr(1);
    int d = -1;
    auto [end, ec] = std::from_chars(db.data(), db.data() + db.size(), d);
    if (ec != std::errc() || end != db.data() + db.size() || d < 0 || d > 15) {
      return fail("the Redis database \"/" + db + "\" is not a number from 0 to 15");
    }
    config.db = d;
  }
  if (parsed->has_query() || parsed->has_fragment()) {
    return fail("the Redis URL has a query or fragment it does not support");
  }
  return config;
}

Result<std::unique_ptr<RedisKv>> RedisKv::create(const RedisConfig& config, KvMetrics* metrics) {
  if (config.host.empty() || config.port < 1 || config.port > 65535 ||
      config.command_timeout_ms < 1 || config.connect_timeout_ms < 1 ||
      config.reconnect_min_ms < 1 || config.reconnect_max_ms < config.reconnect_min_ms ||
      config.max_in_flight < 1) {
    return makeError("invalid_config", "The Redis settings are out of range.");
  }
  return std::unique_ptr<RedisKv>(new RedisKv(std::make_unique<Impl>(config, metrics)));
}

RedisKv::RedisKv(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
RedisKv::~RedisKv() { shutdown(); }

void RedisKv::shutdown() { impl_->stop(); }

asio::any_io_executor RedisKv::executor() { return impl_->io_.get_executor(); }

uint64_t RedisKv::reconnects() const { return impl_->reconnects_.load(); }

asio::awaitable<Result<Reply>> RedisKv::command(std::vector<std::string> argv,
                                                std::string_view op) {
  auto call_op = call(*impl_, std::move(argv), std::string(op));
  co_return co_await std::move(call_op);
}

asio::awaitable<Result<std::optional<std::string>>> RedisKv::get(std::string key) {
  std::vector<std::string> argv{"GET", std::move(key)};
  auto call_op = call(*impl_, std::move(argv), "get");
  auto r = checked(co_await std::move(call_op));
  if (!r) co_return r.error();
  if (r->type == Reply::Type::kNil) co_return std::optional<std::string>();
  if (r->type != Reply::Type::kString) co_return unavailable();
  co_return std::optional<std::string>(std::move(r->str));
}

asio::awaitable<Result<std::vector<bool>>> RedisKv::exists(std::vector<std::string> keys) {
  std::vector<bool> out;
  if (keys.empty()) co_return out;
  std::vector<std::string> argv{"MGET"};
  argv.insert(argv.end(), std::make_move_iterator(keys.begin()),
              std::make_move_iterator(keys.end()));
  auto call_op = call(*impl_, std::move(argv), "exists");
  auto r = checked(co_await std::move(call_op));
  if (!r) co_return r.error();
  if (r->type != Reply::Type::kArray || r->elements.size() != keys.size()) co_return unavailable();
  for (const auto& e : r->elements) out.push_back(e.type != Reply::Type::kNil);
  co_return out;
}

asio::awaitable<Result<void>> RedisKv::set(std::string key, std::string value,
                                           std::chrono::milliseconds ttl) {
  const std::string ms = std::to_string(std::max<int64_t>(1, ttl.count()));
  std::vector<std::string> argv{"SET", std::move(key), std::move(value), "PX", ms};
  auto call_op = call(*impl_, std::move(argv), "set");
  auto r = checked(co_await std::move(call_op));
  if (!r) co_return r.error();
  co_return Result<void>();
}

asio::awaitable<Result<bool>> RedisKv::del(std::string key) {
  std::vector<std::string> argv{"DEL", std::move(key)};
  auto call_op = call(*impl_, std::move(argv), "del");
  auto r = checked(co_await std::move(call_op));
  if (!r) co_return r.error();
  co_return r->integer > 0;
}

asio::awaitable<Result<Taken>> RedisKv::take(std::string key, BucketSpec spec) {
  auto number = [](double v) {
    char buf[32];
    auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
    return std::string(buf, ec == std::errc() ? end : buf);
  };
  std::vector<std::string> argv{"1", std::move(key), number(spec.burst), number(spec.per_minute)};
  auto call_op = call(*impl_, std::move(argv), "take", &bucketScript());
  auto r = checked(co_await std::move(call_op));
  if (!r) co_return r.error();
  if (r->type != Reply::Type::kArray || r->elements.size() != 2) co_return unavailable();
  Taken taken;
  taken.allowed = r->elements[0].integer == 1;
  taken.retry_after_ms = taken.allowed ? 0 : std::max<long long>(1, r->elements[1].integer);
  co_return taken;
}

asio::awaitable<Result<void>> RedisKv::ping() {
  std::vector<std::string> argv{"PING"};
  auto call_op = call(*impl_, std::move(argv), "ping");
  auto r = checked(co_await std::move(call_op));
  if (!r) co_return r.error();
  co_return Result<void>();
}

}  // namespace startales::kv
