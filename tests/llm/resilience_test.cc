// Resilience shared by both backends: refused connections, the circuit breaker, the
// concurrency limit, cancellation (barge-in), makeBackend parsing and metrics.

#include <gtest/gtest.h>

#include "llm/circuit_breaker.h"
#include "llm_test_util.h"

namespace startales::llm::testing {
namespace {

constexpr const char* kNdjson = "application/x-ndjson";

class ResilienceTest : public LlmTest {
 protected:
  std::unique_ptr<LlmBackend> ollama() { return backend("ollama:" + server_.url()); }
  void enqueue503(int n) {
    for (int i = 0; i < n; ++i) {
      server_.enqueue(FakeReply::full(503, "application/json", R"({"error":"server busy"})"));
    }
  }
  void enqueueOk(const std::string& text) {
    server_.enqueue(FakeReply::stream(kNdjson).chunk(ollamaDelta(text)).chunk(ollamaDone()).end());
  }
};

TEST_F(ResilienceTest, RefusedConnectionIsRetriedThenUnavailable) {
  auto llm =
      backend("ollama:http://127.0.0.1:" + std::to_string(startales::testing::refusedPort()));
  Result<ChatResult> result = call(llm->chat(simpleRequest(), nullptr, CancelToken()));
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().code, "llm_unavailable");
  EXPECT_NE(metrics_.render().find("llm_retries_total{backend=\"ollama\"} 2"), std::string::npos);
}

TEST_F(ResilienceTest, BreakerOpensFailsFastAndHalfOpensLater) {
  config_.max_retries = 0;
  enqueue503(3);
  auto llm = ollama();
  for (int i = 0; i < 3; ++i) {
    EXPECT_FALSE(llm->isOpen());
    Result<ChatResult> r = call(llm->chat(simpleRequest(), nullptr, CancelToken()));
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, "llm_unavailable");
  }
  EXPECT_TRUE(llm->isOpen());
  Result<ChatResult> fast = call(llm->chat(simpleRequest(), nullptr, CancelToken()));
  ASSERT_FALSE(fast.ok());
  EXPECT_EQ(fast.error().code, "llm_unavailable");
  EXPECT_NE(fast.error().message.find("circuit breaker"), std::string::npos);
  EXPECT_EQ(server_.requestCount(), 3u);  // failed fast: no request sent
  EXPECT_NE(metrics_.render().find("llm_breaker_state{backend=\"ollama\"} 1"), std::string::npos);

  clock_.advanceMs(config_.breaker_open_ms);
  EXPECT_FALSE(llm->isOpen());  // half-open: one probe goes through
  enqueueOk("Back.");
  Result<ChatResult> probe = call(llm->chat(simpleRequest(), nullptr, CancelToken()));
  ASSERT_TRUE(probe.ok()) << probe.error().message;
  EXPECT_EQ(probe->text, "Back.");
  EXPECT_FALSE(llm->isOpen());
  EXPECT_NE(metrics_.render().find("llm_breaker_state{backend=\"ollama\"} 0"), std::string::npos);
}

TEST_F(ResilienceTest, FailedHalfOpenProbeReopens) {
  config_.max_retries = 0;
  enqueue503(4);
  auto llm = ollama();
  for (int i = 0; i < 3; ++i) (void)call(llm->chat(simpleRequest(), nullptr, CancelToken()));
  ASSERT_TRUE(llm->isOpen());
  clock_.advanceMs(config_.breaker_open_ms);
  Result<ChatResult> probe = call(llm->chat(simpleRequest(), nullptr, CancelToken()));
  ASSERT_FALSE(probe.ok());
  EXPECT_TRUE(llm->isOpen());
  EXPECT_EQ(server_.requestCount(), 4u);
}

TEST(CircuitBreakerTest, HalfOpenAdmitsOneProbeAtATime) {
  ManualClock clock;
  CircuitBreaker breaker(2, 100, clock);
  breaker.onFailure();
  EXPECT_EQ(breaker.state(), CircuitBreaker::State::kClosed);
  breaker.onFailure();
  EXPECT_TRUE(breaker.isOpen());
  EXPECT_FALSE(breaker.allow());
  clock.advanceMs(100);
  EXPECT_EQ(breaker.state(), CircuitBreaker::State::kHalfOpen);
  EXPECT_TRUE(breaker.allow());
  EXPECT_FALSE(breaker.allow());  // the probe is in flight
  breaker.onNeutral();            // e.g. cancelled: says nothing about the server
  EXPECT_TRUE(breaker.allow());
  breaker.onSuccess();
  EXPECT_EQ(breaker.state(), CircuitBreaker::State::kClosed);
}

TEST_F(ResilienceTest, CancelMidStreamStopsPromptly) {
  server_.enqueue(FakeReply::stream(kNdjson)
                      .chunk(ollamaDelta("I think"))
                      .pause(50)
                      .chunk(ollamaDelta(" that"))
                      .waitForClientClose(8'000)
                      .chunk(ollamaDone())
                      .end());
  auto llm = ollama();
  CancelToken token;
  Deltas deltas;
  DeltaFn on_delta = [&](std::string_view d) {
    deltas.fn()(d);
    token.cancel();  // the player barged in after the first words
  };
  Result<ChatResult> result = call(llm->chat(simpleRequest(), on_delta, token));
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().code, "cancelled");
  ASSERT_GE(deltas.size(), 1u);
  EXPECT_EQ(deltas.parts[0], "I think");
  // The connection was closed, not left streaming (the server's wait allows 8 s).
  EXPECT_TRUE(server_.waitForClientCloses(1, 8'000));
  EXPECT_FALSE(llm->isOpen());
}

TEST_F(ResilienceTest, CancelWhileWaitingForFirstToken) {
  server_.enqueue(FakeReply::stream(kNdjson).waitForClientClose(8'000).end());
  auto llm = ollama();
  CancelToken token;
  ChatRequest req = simpleRequest();
  auto future = start(llm->chat(req, nullptr, token));
  ASSERT_TRUE(server_.waitForRequests(1, 5'000));
  token.cancel();  // from another thread than the call's
  Result<ChatResult> result = std::move(*future.get());
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().code, "cancelled");
}

TEST_F(ResilienceTest, CancelledTokenSendsNothing) {
  auto llm = ollama();
  CancelToken token;
  token.cancel();
  Result<ChatResult> result = call(llm->chat(simpleRequest(), nullptr, token));
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().code, "cancelled");
  EXPECT_EQ(server_.requestCount(), 0u);
}

TEST_F(ResilienceTest, BeyondConcurrencyLimitIsOverloadedAtOnce) {
  config_.max_concurrent = 1;
  server_.enqueue(FakeReply::stream(kNdjson).waitForClientClose(8'000).end());
  auto llm = ollama();
  CancelToken first_token;
  ChatRequest req = simpleRequest();
  auto first = start(llm->chat(req, nullptr, first_token));
  ASSERT_TRUE(server_.waitForRequests(1, 5'000));
  Result<ChatResult> second = call(llm->chat(req, nullptr, CancelToken()));
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.error().code, "overloaded");
  first_token.cancel();
  Result<ChatResult> first_result = std::move(*first.get());
  EXPECT_EQ(first_result.error().code, "cancelled");
  EXPECT_EQ(server_.requestCount(), 1u);
}

TEST_F(ResilienceTest, ConcurrentCallsAndCancellationsStayIndependent) {
  constexpr int kCalls = 16;
  config_.max_concurrent = kCalls;
  for (int i = 0; i < kCalls; ++i) {
    server_.enqueue(FakeReply::stream(kNdjson)
                        .chunk(ollamaDelta("a"))
                        .chunk(ollamaDelta("b"))
                        .waitForClientClose(i % 2 == 0 ? 8'000 : 0)
                        .chunk(ollamaDone())
                        .end());
  }
  auto llm = ollama();
  ChatRequest req = simpleRequest();
  std::vector<CancelToken> tokens(kCalls);
  std::vector<std::unique_ptr<Deltas>> deltas;
  std::vector<std::future<std::optional<Result<ChatResult>>>> futures;
  for (int i = 0; i < kCalls; ++i) {
    deltas.push_back(std::make_unique<Deltas>());
    futures.push_back(start(llm->chat(req, deltas.back()->fn(), tokens[i])));
  }
  ASSERT_TRUE(server_.waitForRequests(kCalls, 5'000));
  for (auto& token : tokens) token.cancel();  // only the ones still streaming care
  int ok = 0;
  int cancelled = 0;
  for (int i = 0; i < kCalls; ++i) {
    Result<ChatResult> r = std::move(*futures[i].get());
    if (r.ok()) {
      ++ok;
      EXPECT_EQ(r->text, "ab");
    } else {
      ++cancelled;
      EXPECT_EQ(r.error().code, "cancelled");
    }
  }
  EXPECT_EQ(ok + cancelled, kCalls);
  EXPECT_GE(cancelled, kCalls / 2);  // the held streams could only end by cancellation
  EXPECT_EQ(static_cast<LlmBackend*>(llm.get())->isOpen(), false);
}

TEST_F(ResilienceTest, MetricsRecordFirstTokenAndErrorsByKind) {
  enqueueOk("Fine.");
  config_.first_token_ms = 100;
  config_.max_retries = 0;
  server_.enqueue(FakeReply::stream(kNdjson).pause(3'000).end());
  auto llm = ollama();
  ASSERT_TRUE(call(llm->chat(simpleRequest(), nullptr, CancelToken())).ok());
  ASSERT_FALSE(call(llm->chat(simpleRequest(), nullptr, CancelToken())).ok());
  std::string text = metrics_.render();
  EXPECT_NE(text.find("llm_time_to_first_token_seconds_count{backend=\"ollama\"} 1"),
            std::string::npos);
  EXPECT_NE(text.find("llm_errors_total{backend=\"ollama\",kind=\"llm_timeout\"} 1"),
            std::string::npos);
  EXPECT_NE(text.find("llm_requests_total{backend=\"ollama\",op=\"chat\"} 2"), std::string::npos);
}

TEST(MakeBackendTest, ParsesSpecs) {
  LlmConfig config;
  auto builtin = makeBackend("builtin", config);
  ASSERT_FALSE(builtin.ok());
  EXPECT_EQ(builtin.error().code, "llm_builtin");
  for (const char* bad : {"", "llama", "ollama:", "openai:https://api.example.com/v1",
                          "claude:http://x", "ollama:not a url"}) {
    auto made = makeBackend(bad, config);
    ASSERT_FALSE(made.ok()) << bad;
    EXPECT_EQ(made.error().code, "invalid_llm_spec") << bad;
    EXPECT_FALSE(made.error().message.empty());
  }
  auto ollama = makeBackend("ollama:http://127.0.0.1:11434", config);
  ASSERT_TRUE(ollama.ok());
  EXPECT_EQ((*ollama)->name(), "ollama");
  auto openai = makeBackend("openai:http://localhost:8080/v1/", config);
  ASSERT_TRUE(openai.ok());
  EXPECT_EQ((*openai)->name(), "openai");
}

TEST(MakeBackendTest, RefusesInvalidConfigWithEveryProblem) {
  LlmConfig config;
  config.first_token_ms = 0;
  config.max_concurrent = -1;
  EXPECT_EQ(validateConfig(config).size(), 2u);
  auto made = makeBackend("ollama:http://127.0.0.1:11434", config);
  ASSERT_FALSE(made.ok());
  EXPECT_EQ(made.error().code, "invalid_llm_config");
  EXPECT_NE(made.error().message.find("first_token_ms"), std::string::npos);
  EXPECT_NE(made.error().message.find("max_concurrent"), std::string::npos);
  EXPECT_TRUE(validateConfig(LlmConfig{}).empty());
}

}  // namespace
}  // namespace startales::llm::testing
