// outbound::HttpClient against the scripted fake server: retries only for retryable failures
// (refused, 503, 429 with Retry-After capped), timeouts by phase, cancellation, streaming.

#include <gtest/gtest.h>

#include <atomic>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <chrono>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "outbound/http_client.h"
#include "support/fake_llm_server.h"

namespace startales::outbound {
namespace {

using startales::testing::FakeLlmServer;
using startales::testing::FakeReply;
using Steady = std::chrono::steady_clock;

constexpr Service kTest{"eng", "engine", "eng_cancelled"};

Policy quickPolicy() {
  Policy p;
  p.connect_timeout_ms = 1000;
  p.total_timeout_ms = 5000;
  p.max_retries = 2;
  p.backoff_base_ms = 10;
  p.backoff_max_ms = 50;
  return p;
}

Request get(const std::string& target) {
  Request r;
  r.target = target;
  return r;
}

boost::asio::awaitable<void> storeInto(boost::asio::awaitable<Result<Response>> op,
                                       std::optional<Result<Response>>& out) {
  out.emplace(co_await std::move(op));
}

int64_t msSince(Steady::time_point t) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(Steady::now() - t).count();
}

class HttpClientTest : public ::testing::Test {
 protected:
  HttpClientTest()
      : client_(Endpoint{"127.0.0.1", std::to_string(server_.port()), ""}, kTest, 42,
                [this](const Error& why, std::chrono::milliseconds delay) {
                  std::lock_guard lock(mu_);
                  retries_.push_back(why.code);
                  delays_.push_back(delay.count());
                }) {}

  std::vector<std::string> retries() {
    std::lock_guard lock(mu_);
    return retries_;
  }

  FakeLlmServer server_;
  std::mutex mu_;
  std::vector<std::string> retries_;  // guarded by mu_
  std::vector<int64_t> delays_;       // guarded by mu_
  HttpClient client_;
};

TEST_F(HttpClientTest, SendsTheRequestAndReturnsTheBody) {
  server_.enqueue(FakeReply::full(200, "application/json", R"({"ok":true})"));
  Request r;
  r.method = "POST";
  r.target = "/v1/thing";
  r.content_type = "application/json";
  r.body = R"({"q":1})";
  r.headers.emplace_back("Authorization", "Bearer k");
  auto reply = client_.callBlocking(r, quickPolicy());
  ASSERT_TRUE(reply.ok()) << reply.error().message;
  EXPECT_EQ(reply->status, 200);
  EXPECT_EQ(reply->body, R"({"ok":true})");
  EXPECT_EQ(reply->content_type, "application/json");
  EXPECT_EQ(reply->attempts, 1);
  auto requests = server_.requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0].method, "POST");
  EXPECT_EQ(requests[0].target, "/v1/thing");
  EXPECT_EQ(requests[0].body, R"({"q":1})");
  EXPECT_EQ(requests[0].headers["authorization"], "Bearer k");
  EXPECT_EQ(requests[0].headers["host"], "127.0.0.1:" + std::to_string(server_.port()));
}

TEST_F(HttpClientTest, PutSendsItsBodyAndTheResponseHeadersAreKept) {
  server_.enqueue(FakeReply::full(200, "application/xml", ""));
  Request r;
  r.method = "PUT";
  r.target = "/bucket/key";
  r.content_type = "audio/wav";
  r.body = std::string("RIFF\0\1", 6);
  auto reply = client_.callBlocking(r, quickPolicy());
  ASSERT_TRUE(reply.ok()) << reply.error().message;
  EXPECT_EQ(reply->header("content-type"), "application/xml");  // any case
  EXPECT_EQ(reply->header("Content-Length"), "0");
  EXPECT_EQ(reply->header("X-Not-There"), "");
  auto requests = server_.requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0].method, "PUT");
  EXPECT_EQ(requests[0].body, r.body);
  EXPECT_EQ(requests[0].headers["content-type"], "audio/wav");
}

TEST_F(HttpClientTest, HeadReadsNoBodyWhateverContentLengthSays) {
  // A HEAD reply announces the object's length but sends no body: the call must end at the
  // headers instead of waiting for 10 bytes that never come.
  server_.enqueue(FakeReply().raw("HTTP/1.1 200 OK\r\nContent-Length: 10\r\nETag: \"abc\"\r\n\r\n")
                      .pause(5000));
  Request r;
  r.method = "HEAD";
  r.target = "/bucket/key";
  auto reply = client_.callBlocking(r, quickPolicy());
  ASSERT_TRUE(reply.ok()) << reply.error().message;
  EXPECT_EQ(reply->status, 200);
  EXPECT_EQ(reply->header("etag"), "\"abc\"");
  EXPECT_EQ(reply->header("content-length"), "10");
  EXPECT_TRUE(reply->body.empty());
  EXPECT_EQ(server_.requests().at(0).method, "HEAD");
}

TEST_F(HttpClientTest, DeleteIsSentAsDelete) {
  server_.enqueue(FakeReply::full(204, "", ""));
  Request r;
  r.method = "DELETE";
  r.target = "/bucket/key";
  auto reply = client_.callBlocking(r, quickPolicy());
  ASSERT_TRUE(reply.ok()) << reply.error().message;
  EXPECT_EQ(reply->status, 204);
  EXPECT_EQ(server_.requests().at(0).method, "DELETE");
}

TEST_F(HttpClientTest, AnUnknownMethodIsRefusedWithoutCalling) {
  Request r;
  r.method = "PATCH";
  r.target = "/x";
  auto reply = client_.callBlocking(r, quickPolicy());
  ASSERT_FALSE(reply.ok());
  EXPECT_EQ(reply.error().code, "eng_protocol");
  EXPECT_NE(reply.error().message.find("PATCH"), std::string::npos);
  EXPECT_EQ(server_.requestCount(), 0u);
}

TEST_F(HttpClientTest, RetriesA503ThenSucceeds) {
  server_.enqueue(FakeReply::busy(0, R"({"error":"queue full"})"));
  server_.enqueue(FakeReply::full(200, "text/plain", "done"));
  auto reply = client_.callBlocking(get("/x"), quickPolicy());
  ASSERT_TRUE(reply.ok()) << reply.error().message;
  EXPECT_EQ(reply->status, 200);
  EXPECT_EQ(reply->body, "done");
  EXPECT_EQ(reply->attempts, 2);
  EXPECT_EQ(server_.requestCount(), 2u);
  EXPECT_EQ(retries(), std::vector<std::string>{"eng_unavailable"});
}

TEST_F(HttpClientTest, ReturnsThe503OnceTheRetriesAreUsedUp) {
  for (int i = 0; i < 3; ++i) server_.enqueue(FakeReply::busy(0, R"({"error":"queue full"})"));
  auto reply = client_.callBlocking(get("/x"), quickPolicy());
  ASSERT_TRUE(reply.ok()) << reply.error().message;
  EXPECT_EQ(reply->status, 503);
  EXPECT_EQ(reply->attempts, 3);
  EXPECT_EQ(reply->body, R"({"error":"queue full"})");
}

TEST_F(HttpClientTest, HonoursRetryAfterOf429UpToTheCap) {
  FakeReply limited;
  limited.raw(
      "HTTP/1.1 429 Too Many Requests\r\nRetry-After: 30\r\nContent-Length: 0\r\n"
      "Connection: close\r\n\r\n");
  server_.enqueue(std::move(limited));
  server_.enqueue(FakeReply::full(200, "text/plain", "ok"));
  Policy p = quickPolicy();
  p.backoff_max_ms = 300;  // Retry-After says 30 s: the wait is capped at 300 ms
  const auto start = Steady::now();
  auto reply = client_.callBlocking(get("/x"), p);
  ASSERT_TRUE(reply.ok()) << reply.error().message;
  EXPECT_EQ(reply->status, 200);
  EXPECT_EQ(reply->attempts, 2);
  std::lock_guard lock(mu_);
  ASSERT_EQ(delays_.size(), 1u);
  EXPECT_EQ(delays_[0], 300);  // max(backoff, Retry-After), capped
  EXPECT_GE(msSince(start), 300);
}

TEST_F(HttpClientTest, DoesNotRetryA400) {
  server_.enqueue(FakeReply::full(400, "application/json", R"({"error":"bad model"})"));
  server_.enqueue(FakeReply::full(200, "text/plain", "never asked for"));
  auto reply = client_.callBlocking(get("/x"), quickPolicy());
  ASSERT_TRUE(reply.ok()) << reply.error().message;
  EXPECT_EQ(reply->status, 400);
  EXPECT_EQ(reply->attempts, 1);
  EXPECT_EQ(reply->body, R"({"error":"bad model"})");
  EXPECT_EQ(server_.requestCount(), 1u);
  EXPECT_TRUE(retries().empty());
}

TEST(HttpClient, RetriesARefusedConnectionThenReportsUnavailable) {
  std::atomic<int> retries{0};
  HttpClient client(Endpoint{"127.0.0.1", std::to_string(testing::refusedPort()), ""}, kTest, 1,
                    [&retries](const Error&, std::chrono::milliseconds) { ++retries; });
  auto reply = client.callBlocking(get("/x"), quickPolicy());
  ASSERT_FALSE(reply.ok());
  EXPECT_EQ(reply.error().code, "eng_unavailable");
  EXPECT_NE(reply.error().message.find("The engine server at 127.0.0.1:"), std::string::npos)
      << reply.error().message;
  EXPECT_EQ(reply.error().retry_after_s, 1);
  EXPECT_EQ(retries.load(), 2);
}

TEST_F(HttpClientTest, TimesOutWaitingForTheFirstByteAndDoesNotRetry) {
  server_.enqueue(FakeReply::stream("text/plain").pause(3000).chunk("late").end());
  Policy p = quickPolicy();
  p.first_byte_timeout_ms = 200;
  const auto start = Steady::now();
  auto reply = client_.callBlocking(get("/x"), p);
  ASSERT_FALSE(reply.ok());
  EXPECT_EQ(reply.error().code, "eng_timeout");
  EXPECT_NE(reply.error().message.find("first byte timeout"), std::string::npos)
      << reply.error().message;
  EXPECT_LT(msSince(start), 2500);
  EXPECT_EQ(server_.requestCount(), 1u);
  EXPECT_TRUE(retries().empty());
}

TEST_F(HttpClientTest, TimesOutAtTheTotalDeadline) {
  server_.enqueue(FakeReply::stream("text/plain").chunk("a").pause(3000).chunk("b").end());
  Policy p = quickPolicy();
  p.total_timeout_ms = 300;
  auto reply = client_.callBlocking(get("/x"), p);
  ASSERT_FALSE(reply.ok());
  EXPECT_EQ(reply.error().code, "eng_timeout");
  EXPECT_NE(reply.error().message.find("total timeout"), std::string::npos)
      << reply.error().message;
}

TEST_F(HttpClientTest, CancelStopsACallInFlight) {
  server_.enqueue(FakeReply::stream("text/plain").waitForClientClose(5000));
  CancelToken cancel;
  std::thread canceller([&] {
    server_.waitForRequests(1, 2000);
    cancel.cancel();
  });
  const auto start = Steady::now();
  auto reply = client_.callBlocking(get("/x"), quickPolicy(), {}, cancel);
  canceller.join();
  ASSERT_FALSE(reply.ok());
  EXPECT_EQ(reply.error().code, "eng_cancelled");
  EXPECT_LT(msSince(start), 2500);
  EXPECT_TRUE(server_.waitForClientCloses(1, 2000));  // the socket was closed
}

TEST_F(HttpClientTest, ACancelledTokenSendsNothing) {
  CancelToken cancel;
  cancel.cancel();
  auto reply = client_.callBlocking(get("/x"), quickPolicy(), {}, cancel);
  ASSERT_FALSE(reply.ok());
  EXPECT_EQ(reply.error().code, "eng_cancelled");
  EXPECT_EQ(server_.requestCount(), 0u);
}

TEST_F(HttpClientTest, StreamsTheBodyToTheSinkInOrder) {
  server_.enqueue(FakeReply::stream("application/x-ndjson")
                      .chunk("{\"n\":1}\n")
                      .pause(50)
                      .chunk("{\"n\":2}\n")
                      .pause(50)
                      .chunk("{\"n\":3}\n")
                      .end());
  std::string seen;  // written on the call's strand, read after the call
  BodyReader reader;
  reader.sink = [&seen](std::string_view bytes) -> Result<void> {
    seen.append(bytes);
    return {};
  };
  Policy p = quickPolicy();
  p.first_byte_timeout_ms = 1000;
  p.idle_timeout_ms = 1000;
  boost::asio::io_context ioc;
  std::optional<Result<Response>> out;
  auto op = client_.call(get("/api/chat"), p, std::move(reader));
  auto stored = storeInto(std::move(op), out);
  boost::asio::co_spawn(ioc, std::move(stored), boost::asio::detached);
  ioc.run();
  ASSERT_TRUE(out.has_value());
  Result<Response>& reply = *out;
  ASSERT_TRUE(reply.ok()) << reply.error().message;
  EXPECT_EQ(reply->status, 200);
  EXPECT_EQ(reply->body, "");  // went to the sink
  EXPECT_EQ(seen, "{\"n\":1}\n{\"n\":2}\n{\"n\":3}\n");
}

TEST_F(HttpClientTest, AnIdleStreamTimesOut) {
  server_.enqueue(FakeReply::stream("text/plain").chunk("a").pause(3000).chunk("b").end());
  Policy p = quickPolicy();
  p.idle_timeout_ms = 200;
  auto reply = client_.callBlocking(get("/x"), p);
  ASSERT_FALSE(reply.ok());
  EXPECT_EQ(reply.error().code, "eng_timeout");
  EXPECT_NE(reply.error().message.find("idle"), std::string::npos) << reply.error().message;
}

TEST_F(HttpClientTest, ABufferedBodyOverTheLimitIsAProtocolError) {
  server_.enqueue(FakeReply::full(200, "text/plain", std::string(4096, 'x')));
  Policy p = quickPolicy();
  p.max_body_bytes = 1024;
  auto reply = client_.callBlocking(get("/x"), p);
  ASSERT_FALSE(reply.ok());
  EXPECT_EQ(reply.error().code, "eng_protocol");
}

TEST_F(HttpClientTest, AReplyThatIsNotHttpIsAProtocolErrorNotARetry) {
  FakeReply not_http;
  not_http.raw("SSH-2.0-OpenSSH_9.2\r\n\r\nhello");
  server_.enqueue(std::move(not_http));
  auto reply = client_.callBlocking(get("/x"), quickPolicy());
  ASSERT_FALSE(reply.ok());
  EXPECT_EQ(reply.error().code, "eng_protocol");
  EXPECT_EQ(server_.requestCount(), 1u);
}

TEST(Policy, ValidationListsEveryProblem) {
  Policy p;
  p.connect_timeout_ms = 0;
  p.max_retries = 11;
  p.backoff_max_ms = 1;
  auto problems = validatePolicy(p);
  EXPECT_EQ(problems.size(), 3u);
  EXPECT_TRUE(validatePolicy(Policy{}).empty());
}

}  // namespace
}  // namespace startales::outbound
