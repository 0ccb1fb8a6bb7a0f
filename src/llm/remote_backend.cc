#include "llm/remote_backend.h"

#include <algorithm>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <functional>
#include <memory>
#include <utility>

#include "common/log.h"
#include "llm/llm_metrics.h"

namespace startales::llm {

namespace asio = boost::asio;
namespace json = boost::json;
using Steady = std::chrono::steady_clock;
using std::chrono::milliseconds;

namespace {

constexpr outbound::Service kLlmService{"llm", "LLM", "cancelled"};

int64_t msSince(Steady::time_point start) {
  return std::chrono::duration_cast<milliseconds>(Steady::now() - start).count();
}

struct ClearOnExit {
  std::function<void()> fn;
  ~ClearOnExit() { fn(); }
};

}  // namespace

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
  return outbound::parseUrl(url, "LLM", "invalid_llm_spec");
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

RemoteBackend::RemoteBackend(std::string name, Endpoint endpoint, LlmConfig config,
                             LlmMetrics* metrics, const Clock* clock)
    : name_(std::move(name)),
      config_(std::move(config)),
      metrics_(metrics),
      client_(std::move(endpoint), kLlmService, config_.jitter_seed,
              [this](const Error& why, milliseconds delay) {
                if (metrics_) metrics_->retry(name_);
                logging::debug("llm retry", {{"backend", name_},
                                             {"error", why.message},
                                             {"delay_ms", static_cast<int64_t>(delay.count())}});
              }),
      breaker_(config_.breaker_failures, config_.breaker_open_ms,
               clock ? *clock : static_cast<const Clock&>(system_clock_)) {
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

asio::awaitable<Result<void>> RemoteBackend::post(std::string path, std::string body,
                                                  std::string accept, outbound::Policy policy,
                                                  outbound::BodyReader reader, CancelToken cancel) {
  outbound::Request request;
  request.method = "POST";
  request.target = client_.endpoint().base_path + path;
  request.content_type = "application/json";
  request.body = std::move(body);
  request.headers.emplace_back("Accept", std::move(accept));
  if (!config_.api_key.empty())
    request.headers.emplace_back("Authorization", "Bearer " + config_.api_key);
  Result<outbound::Response> reply =
      co_await client_.call(std::move(request), policy, std::move(reader), std::move(cancel));
  if (!reply) co_return reply.error();
  const int status = reply->status;
  if (status >= 200 && status <= 299) co_return Result<void>{};
  if (status == 503 || status == 429) {
    Error busy = makeError("llm_unavailable", "The LLM server is busy (" + std::to_string(status) +
                                                  "): " + errorMessageFromBody(reply->body));
    busy.retry_after_s = std::max(1, reply->retry_after_s);
    co_return busy;
  }
  co_return makeError("llm_request_failed", "The LLM server refused the request (" +
                                                std::to_string(status) +
                                                "): " + errorMessageFromBody(reply->body));
}

asio::awaitable<Result<ChatResult>> RemoteBackend::chat(const ChatRequest& request,
                                                        DeltaFn on_delta, CancelToken cancel) {
  if (metrics_) metrics_->request(name_, "chat");
  if (in_flight_.fetch_add(1) >= config_.max_concurrent) {
    in_flight_.fetch_sub(1);
    co_return fail(makeError("overloaded", "The language model is busy; try again shortly."));
  }
  ClearOnExit release{[this] { in_flight_.fetch_sub(1); }};
  if (cancel.cancelled()) co_return fail(makeError("cancelled", "The reply was cancelled."));
  if (!breaker_.allow()) {
    co_return fail(makeError("llm_unavailable",
                             "The language model server is failing; calls are paused (circuit "
                             "breaker open)."));
  }
  const std::string& model = request.model.empty() ? config_.model : request.model;
  const Steady::time_point start = Steady::now();
  std::unique_ptr<StreamDecoder> decoder = makeDecoder(std::move(on_delta), start);
  StreamDecoder* raw = decoder.get();
  outbound::BodyReader reader;
  reader.sink = [raw](std::string_view bytes) { return raw->feed(bytes); };
  reader.started = [raw] { return raw->sawToken(); };
  reader.started_name = "first token";
  outbound::Policy policy;
  policy.connect_timeout_ms = config_.connect_timeout_ms;
  policy.first_byte_timeout_ms = config_.first_token_ms;
  policy.idle_timeout_ms = config_.idle_timeout_ms;
  policy.total_timeout_ms = config_.total_timeout_ms;
  policy.max_retries = config_.max_retries;
  policy.backoff_base_ms = config_.backoff_base_ms;
  policy.backoff_max_ms = config_.backoff_max_ms;
  policy.max_body_bytes = config_.max_response_bytes;

  Result<void> outcome =
      co_await post(chatPath(), json::serialize(chatBody(request, model)), streamAccept(), policy,
                    std::move(reader), std::move(cancel));
  if (outcome.ok()) outcome = decoder->finish();
  account(outcome);
  if (!outcome.ok()) co_return outcome.error();

  ChatResult result = std::move(decoder->result());
  result.usage.total_ms = msSince(start);
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
  std::string body;
  outbound::BodyReader reader;
  const size_t cap = config_.max_response_bytes;
  std::string* out = &body;
  reader.sink = [out, cap](std::string_view bytes) -> Result<void> {
    if (out->size() + bytes.size() > cap) {
      return makeError("llm_protocol", "The embedding response is larger than the limit.");
    }
    out->append(bytes);
    return {};
  };
  outbound::Policy policy;  // no first-byte or idle deadline: one JSON body
  policy.connect_timeout_ms = config_.connect_timeout_ms;
  policy.total_timeout_ms = config_.embed_timeout_ms;
  policy.max_retries = config_.max_retries;
  policy.backoff_base_ms = config_.backoff_base_ms;
  policy.backoff_max_ms = config_.backoff_max_ms;
  policy.max_body_bytes = config_.max_response_bytes;
  Result<void> outcome = co_await post(
      embedPath(), json::serialize(embedBody(model.empty() ? config_.embed_model : model, texts)),
      "application/json", policy, std::move(reader), CancelToken{});
  Result<std::vector<std::vector<float>>> parsed = std::vector<std::vector<float>>{};
  if (outcome.ok()) {
    parsed = parseEmbed(body, texts.size());
    if (!parsed.ok()) outcome = parsed.error();
  }
  account(outcome);
  if (!outcome.ok()) co_return outcome.error();
  co_return parsed;
}

json::object RemoteBackend::embedBody(const std::string& model,
                                      const std::vector<std::string>& texts) {
  json::array input;
  for (const std::string& t : texts) input.emplace_back(t);
  return json::object{{"model", model}, {"input", std::move(input)}};
}

}  // namespace startales::llm
