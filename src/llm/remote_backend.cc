#include "llm/remote_backend.h"

#include <algorithm>
#include <array>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/buffer_body.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/url/parse.hpp>
#include <exception>

#include "common/log.h"
#include "llm/llm_metrics.h"

namespace startales::llm {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace json = boost::json;
using asio::ip::tcp;
using Steady = std::chrono::steady_clock;
using std::chrono::milliseconds;

namespace {

constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);
constexpr size_t kErrorBodyCap = 4096;  // bytes of a non-200 body kept for the message

int64_t msSince(Steady::time_point start) {
  return std::chrono::duration_cast<milliseconds>(Steady::now() - start).count();
}

struct ClearOnExit {
  std::function<void()> fn;
  ~ClearOnExit() { fn(); }
};

}  // namespace

// ---- CancelToken -------------------------------------------------------------------------

CancelToken::CancelToken() : state_(std::make_shared<State>()) {}

void CancelToken::cancel() const {
  std::function<void()> hook;
  {
    std::lock_guard lock(state_->mu);
    if (state_->cancelled) return;
    state_->cancelled = true;
    hook = std::move(state_->hook);
    state_->hook = nullptr;
  }
  if (hook) hook();
}

bool CancelToken::cancelled() const {
  std::lock_guard lock(state_->mu);
  return state_->cancelled;
}

void CancelToken::setHook(std::function<void()> hook) const {
  {
    std::lock_guard lock(state_->mu);
    if (!state_->cancelled) {
      state_->hook = std::move(hook);
      return;
    }
  }
  hook();
}

void CancelToken::clearHook() const {
  std::lock_guard lock(state_->mu);
  state_->hook = nullptr;
}

std::string_view roleName(ChatMessage::Role role) {
  switch (role) {
    case ChatMessage::Role::kSystem:
      return "system";
    case ChatMessage::Role::kUser:
      return "user";
    case ChatMessage::Role::kAssistant:
      return "assistant";
    case ChatMessage::Role::kTool:
      return "tool";
  }
  return "user";
}

// ---- helpers -------------------------------------------------------------------------------

Result<Endpoint> parseHttpUrl(std::string_view url) {
  auto parsed = boost::urls::parse_uri(url);
  if (!parsed) {
    return makeError("invalid_llm_spec", "'" + std::string(url) + "' is not a URL.");
  }
  if (parsed->scheme() != "http") {
    return makeError("invalid_llm_spec", "Only http:// LLM URLs are supported ('" +
                                             std::string(url) +
                                             "'); put a TLS-terminating proxy in front for https.");
  }
  Endpoint endpoint;
  endpoint.host = std::string(parsed->host_address());
  if (endpoint.host.empty()) {
    return makeError("invalid_llm_spec", "The LLM URL '" + std::string(url) + "' has no host.");
  }
  endpoint.port = parsed->has_port() ? std::string(parsed->port()) : "80";
  endpoint.base_path = std::string(parsed->encoded_path());
  while (!endpoint.base_path.empty() && endpoint.base_path.back() == '/') {
    endpoint.base_path.pop_back();
  }
  return endpoint;
}

std::vector<std::string> validateConfig(const LlmConfig& c) {
  std::vector<std::string> problems;
  auto positive = [&](int value, const char* field) {
    if (value <= 0)
      problems.push_back(std::string(field) + " must be > 0 (got " + std::to_string(value) + ").");
  };
  positive(c.connect_timeout_ms, "connect_timeout_ms");
  positive(c.first_token_ms, "first_token_ms");
  positive(c.idle_timeout_ms, "idle_timeout_ms");
  positive(c.total_timeout_ms, "total_timeout_ms");
  positive(c.embed_timeout_ms, "embed_timeout_ms");
  positive(c.backoff_base_ms, "backoff_base_ms");
  positive(c.breaker_failures, "breaker_failures");
  positive(c.breaker_open_ms, "breaker_open_ms");
  positive(c.max_concurrent, "max_concurrent");
  if (c.max_retries < 0 || c.max_retries > 10) {
    problems.push_back("max_retries must be between 0 and 10 (got " +
                       std::to_string(c.max_retries) + ").");
  }
  if (c.backoff_max_ms < c.backoff_base_ms) {
    problems.emplace_back("backoff_max_ms must be >= backoff_base_ms.");
  }
  if (c.max_response_bytes < 1024) problems.emplace_back("max_response_bytes must be >= 1024.");
  return problems;
}

std::string errorMessageFromBody(std::string_view body) {
  boost::system::error_code ec;
  json::value v = json::parse(body, ec);
  if (!ec && v.is_object()) {
    const auto& obj = v.get_object();
    if (const auto* e = obj.if_contains("error")) {
      if (e->is_string()) return std::string(e->get_string());
      if (e->is_object()) {
        if (const auto* m = e->get_object().if_contains("message"); m && m->is_string()) {
          return std::string(m->get_string());
        }
      }
    }
  }
  return std::string(body.substr(0, 200));
}

void StreamDecoder::markToken() {
  if (result_.usage.first_token_ms < 0) result_.usage.first_token_ms = msSince(start_);
}

void StreamDecoder::emitText(std::string_view text) {
  if (text.empty()) return;
  markToken();
  ++chunks_;
  result_.text.append(text);
  if (on_delta_) on_delta_(text);
}

// ---- RemoteBackend -------------------------------------------------------------------------

// Per-call state shared with the cancel hook. Touched only on `strand`.
struct RemoteBackend::CallState {
  explicit CallState(asio::strand<asio::any_io_executor> s) : strand(std::move(s)) {}
  asio::strand<asio::any_io_executor> strand;
  bool cancelled = false;
  // The operation in flight, if any (owned by the attempt/backoff frames; nulled before they
  // die).
  tcp::resolver* resolver = nullptr;
  beast::tcp_stream* stream = nullptr;
  asio::steady_timer* timer = nullptr;

  void cancelOps() {
    cancelled = true;
    if (resolver) resolver->cancel();
    if (stream) stream->cancel();
    if (timer) timer->cancel();
  }
};

struct RemoteBackend::Call {
  std::string target;  // full path
  std::string body;
  std::string accept;
  bool streaming = false;  // first-token and idle deadlines apply
  Steady::time_point start;
  Steady::time_point deadline;                         // total
  std::function<Result<void>(std::string_view)> sink;  // body bytes of a 200 response
  const StreamDecoder* decoder = nullptr;              // streaming: first-token flag
  CancelToken cancel;
  std::shared_ptr<CallState> state;

  [[nodiscard]] bool cancelled() const { return (state && state->cancelled) || cancel.cancelled(); }
};

RemoteBackend::RemoteBackend(std::string name, Endpoint endpoint, LlmConfig config,
                             LlmMetrics* metrics, const Clock* clock)
    : name_(std::move(name)),
      endpoint_(std::move(endpoint)),
      config_(std::move(config)),
      metrics_(metrics),
      breaker_(config_.breaker_failures, config_.breaker_open_ms,
               clock ? *clock : static_cast<const Clock&>(system_clock_)),
      rng_(config_.jitter_seed ? config_.jitter_seed : std::random_device{}()) {
  if (metrics_) metrics_->breakerState(name_, 0);
}

RemoteBackend::~RemoteBackend() = default;

Error RemoteBackend::fail(Error error) {
  if (metrics_) metrics_->error(name_, error.code);
  return error;
}

void RemoteBackend::account(const Result<void>& outcome) {
  if (outcome.ok()) {
    breaker_.onSuccess();
  } else if (outcome.error().code == "llm_unavailable" || outcome.error().code == "llm_timeout") {
    breaker_.onFailure();
  } else {
    breaker_.onNeutral();
  }
  if (metrics_) metrics_->breakerState(name_, static_cast<int>(breaker_.state()));
  if (!outcome.ok() && metrics_) metrics_->error(name_, outcome.error().code);
}

std::chrono::milliseconds RemoteBackend::backoff(int retry) {
  int64_t base = std::max(1, config_.backoff_base_ms);
  int64_t delay = std::min<int64_t>(base << std::min(retry, 20), config_.backoff_max_ms);
  std::lock_guard lock(rng_mu_);
  std::uniform_real_distribution<double> jitter(0.5, 1.0);
  return milliseconds(static_cast<int64_t>(static_cast<double>(delay) * jitter(rng_)));
}

asio::awaitable<Result<ChatResult>> RemoteBackend::chat(const ChatRequest& request,
                                                        DeltaFn on_delta, CancelToken cancel) {
  if (metrics_) metrics_->request(name_, "chat");
  if (in_flight_.fetch_add(1) >= config_.max_concurrent) {
    in_flight_.fetch_sub(1);
    co_return fail(makeError("overloaded", "The language model is busy; try again shortly."));
  }
  ClearOnExit release{[this] { in_flight_.fetch_sub(1); }};
  if (cancel.cancelled()) co_return fail(makeError("llm_cancelled", "The reply was cancelled."));
  if (!breaker_.allow()) {
    co_return fail(makeError("llm_unavailable",
                             "The language model server is failing; calls are paused (circuit "
                             "breaker open)."));
  }
  const std::string& model = request.model.empty() ? config_.model : request.model;
  Call call;
  call.start = Steady::now();
  call.deadline = call.start + milliseconds(config_.total_timeout_ms);
  call.target = endpoint_.base_path + chatPath();
  call.body = json::serialize(chatBody(request, model));
  call.accept = streamAccept();
  call.streaming = true;
  call.cancel = std::move(cancel);
  std::unique_ptr<StreamDecoder> decoder = makeDecoder(std::move(on_delta), call.start);
  call.decoder = decoder.get();
  StreamDecoder* raw = decoder.get();
  call.sink = [raw](std::string_view bytes) { return raw->feed(bytes); };

  Result<void> outcome = co_await run(call);
  if (outcome.ok()) outcome = decoder->finish();
  account(outcome);
  if (!outcome.ok()) co_return outcome.error();

  ChatResult result = std::move(decoder->result());
  result.usage.total_ms = msSince(call.start);
  if (result.usage.completion_tokens <= 0) result.usage.completion_tokens = decoder->chunks();
  if (metrics_ && result.usage.first_token_ms >= 0) {
    metrics_->firstToken(name_, static_cast<double>(result.usage.first_token_ms) / 1000.0);
    double streaming_s =
        static_cast<double>(result.usage.total_ms - result.usage.first_token_ms) / 1000.0;
    if (streaming_s > 0 && result.usage.completion_tokens > 1) {
      metrics_->tokensPerSecond(
          name_, static_cast<double>(result.usage.completion_tokens - 1) / streaming_s);
    }
  }
  co_return result;
}

asio::awaitable<Result<std::vector<std::vector<float>>>> RemoteBackend::embed(
    std::string model, std::vector<std::string> texts) {
  if (metrics_) metrics_->request(name_, "embed");
  if (texts.empty()) co_return std::vector<std::vector<float>>{};
  if (in_flight_.fetch_add(1) >= config_.max_concurrent) {
    in_flight_.fetch_sub(1);
    co_return fail(makeError("overloaded", "The language model is busy; try again shortly."));
  }
  ClearOnExit release{[this] { in_flight_.fetch_sub(1); }};
  if (!breaker_.allow()) {
    co_return fail(makeError("llm_unavailable",
                             "The embedding server is failing; calls are paused (circuit "
                             "breaker open)."));
  }
  Call call;
  call.start = Steady::now();
  call.deadline = call.start + milliseconds(config_.embed_timeout_ms);
  call.target = endpoint_.base_path + embedPath();
  call.body = json::serialize(embedBody(model.empty() ? config_.embed_model : model, texts));
  call.accept = "application/json";
  std::string body;
  size_t cap = config_.max_response_bytes;
  std::string* out = &body;
  call.sink = [out, cap](std::string_view bytes) -> Result<void> {
    if (out->size() + bytes.size() > cap) {
      return makeError("llm_protocol", "The embedding response is larger than the limit.");
    }
    out->append(bytes);
    return {};
  };
  Result<void> outcome = co_await run(call);
  Result<std::vector<std::vector<float>>> parsed = std::vector<std::vector<float>>{};
  if (outcome.ok()) {
    parsed = parseEmbed(body, texts.size());
    if (!parsed.ok()) outcome = parsed.error();
  }
  account(outcome);
  if (!outcome.ok()) co_return outcome.error();
  co_return parsed;
}

asio::awaitable<Result<void>> RemoteBackend::run(Call& call) {
  auto executor = co_await asio::this_coro::executor;
  call.state = std::make_shared<CallState>(asio::make_strand(executor));
  std::shared_ptr<CallState> state = call.state;
  auto hook = [state] {
    auto cancel_ops = [state] { state->cancelOps(); };
    asio::post(state->strand, std::move(cancel_ops));
  };
  call.cancel.setHook(std::move(hook));
  Result<void> outcome;
  try {
    auto inner = execute(call);
    auto op = asio::co_spawn(state->strand, std::move(inner), asio::use_awaitable);
    outcome = co_await std::move(op);
  } catch (const std::exception& e) {
    outcome = makeError("llm_protocol", std::string("LLM call failed: ") + e.what());
  }
  call.cancel.clearHook();
  co_return outcome;
}

asio::awaitable<Result<void>> RemoteBackend::execute(Call& call) {
  for (int retry = 0;; ++retry) {
    if (call.cancelled()) co_return makeError("llm_cancelled", "The reply was cancelled.");
    bool retryable = false;
    Result<void> outcome = co_await attempt(call, retryable);
    if (outcome.ok() || !retryable || retry >= config_.max_retries) co_return outcome;
    milliseconds delay = backoff(retry);
    if (Steady::now() + delay >= call.deadline) co_return outcome;
    if (metrics_) metrics_->retry(name_);
    logging::debug("llm retry", {{"backend", name_},
                                 {"error", outcome.error().message},
                                 {"delay_ms", static_cast<int64_t>(delay.count())}});
    asio::steady_timer timer(call.state->strand, delay);
    call.state->timer = &timer;
    co_await timer.async_wait(kTuple);
    call.state->timer = nullptr;
  }
}

asio::awaitable<Result<void>> RemoteBackend::attempt(Call& call, bool& retryable) {
  retryable = false;
  CallState& state = *call.state;
  auto cancelled = [&] { return makeError("llm_cancelled", "The reply was cancelled."); };
  const std::string where = endpoint_.host + ":" + endpoint_.port;

  tcp::resolver resolver(state.strand);
  state.resolver = &resolver;
  auto [rec, results] = co_await resolver.async_resolve(endpoint_.host, endpoint_.port, kTuple);
  state.resolver = nullptr;
  if (call.cancelled()) co_return cancelled();
  if (rec) {
    retryable = true;
    co_return makeError("llm_unavailable",
                        "Cannot resolve the LLM server " + where + ": " + rec.message());
  }

  beast::tcp_stream stream(state.strand);
  state.stream = &stream;
  ClearOnExit clear{[&state] { state.stream = nullptr; }};

  stream.expires_at(
      std::min(Steady::now() + milliseconds(config_.connect_timeout_ms), call.deadline));
  auto [cec, ep] = co_await stream.async_connect(results, kTuple);
  (void)ep;
  if (call.cancelled()) co_return cancelled();
  if (cec == beast::error::timeout) {
    retryable = true;
    co_return makeError("llm_timeout", "Connecting to the LLM server " + where + " timed out.");
  }
  if (cec) {
    retryable = true;
    co_return makeError("llm_unavailable",
                        "Cannot connect to the LLM server " + where + ": " + cec.message());
  }

  http::request<http::string_body> req{http::verb::post, call.target, 11};
  const bool ipv6 = endpoint_.host.find(':') != std::string::npos;
  req.set(http::field::host,
          (ipv6 ? "[" + endpoint_.host + "]" : endpoint_.host) + ":" + endpoint_.port);
  req.set(http::field::user_agent, "startales");
  req.set(http::field::content_type, "application/json");
  req.set(http::field::accept, call.accept);
  if (!config_.api_key.empty()) req.set(http::field::authorization, "Bearer " + config_.api_key);
  req.body() = call.body;
  req.prepare_payload();

  // Until the first token, every wait is bounded by the first-token deadline; after it, by
  // the idle timeout; always by the total deadline. Non-streamed calls: total only.
  const Steady::time_point first_token_deadline =
      call.streaming ? call.start + milliseconds(config_.first_token_ms) : call.deadline;
  const char* phase = "";
  auto arm = [&] {
    Steady::time_point d = call.deadline;
    phase = call.streaming ? "total" : "response";
    if (call.streaming) {
      Steady::time_point p = call.decoder && call.decoder->sawToken()
                                 ? Steady::now() + milliseconds(config_.idle_timeout_ms)
                                 : first_token_deadline;
      if (p < d) {
        d = p;
        phase = call.decoder && call.decoder->sawToken() ? "idle between chunks" : "first token";
      }
    }
    stream.expires_at(d);
  };
  auto timedOut = [&] {
    return makeError("llm_timeout",
                     std::string("The LLM server did not answer in time (") + phase + " timeout).");
  };

  arm();
  auto [wec, written] = co_await http::async_write(stream, req, kTuple);
  (void)written;
  if (call.cancelled()) co_return cancelled();
  if (wec == beast::error::timeout) co_return timedOut();
  if (wec) {
    retryable = true;
    co_return makeError("llm_unavailable",
                        "Sending the request to " + where + " failed: " + wec.message());
  }

  beast::flat_buffer buffer;
  http::response_parser<http::buffer_body> parser;
  parser.body_limit(boost::none);
  arm();
  auto [hec, hn] = co_await http::async_read_header(stream, buffer, parser, kTuple);
  (void)hn;
  if (call.cancelled()) co_return cancelled();
  if (hec == beast::error::timeout) co_return timedOut();
  if (hec) {
    retryable = true;
    co_return makeError(
        "llm_unavailable",
        "The LLM server " + where + " closed the connection before answering: " + hec.message());
  }
  const unsigned status = parser.get().result_int();

  std::string error_body;
  std::array<char, 8192> chunk{};
  bool streamed_any = false;
  while (!parser.is_done()) {
    arm();
    parser.get().body().data = chunk.data();
    parser.get().body().size = chunk.size();
    auto [ec, n] = co_await http::async_read_some(stream, buffer, parser, kTuple);
    (void)n;
    if (ec == http::error::need_buffer) ec = {};
    const size_t got = chunk.size() - parser.get().body().size;
    if (got > 0) {
      std::string_view bytes(chunk.data(), got);
      if (status == 200) {
        streamed_any = true;
        Result<void> fed = call.sink(bytes);
        if (!fed) co_return fed;
      } else if (error_body.size() < kErrorBodyCap) {
        error_body.append(bytes.substr(0, kErrorBodyCap - error_body.size()));
      }
    }
    if (call.cancelled()) co_return cancelled();
    if (ec == beast::error::timeout) co_return timedOut();
    if (ec) {
      if (status != 200) break;  // the status says enough
      co_return makeError("llm_protocol", std::string("The LLM stream was cut before its end (") +
                                              (streamed_any ? "after" : "before") +
                                              " the first bytes): " + ec.message());
    }
  }
  if (status == 503) {
    retryable = true;
    co_return makeError("llm_unavailable",
                        "The LLM server is busy (503): " + errorMessageFromBody(error_body));
  }
  if (status != 200) {
    co_return makeError("llm_request_failed", "The LLM server refused the request (" +
                                                  std::to_string(status) +
                                                  "): " + errorMessageFromBody(error_body));
  }
  beast::error_code ignored;
  stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
  co_return Result<void>{};
}

json::object RemoteBackend::embedBody(const std::string& model,
                                      const std::vector<std::string>& texts) {
  json::array input;
  for (const std::string& t : texts) input.emplace_back(t);
  return json::object{{"model", model}, {"input", std::move(input)}};
}

}  // namespace startales::llm
