// Server-Sent Events routes on a real Server (127.0.0.1, port 0): the stream's bytes on the
// wire, an error answered before the stream, and a client that leaves mid-stream.

#include <gtest/gtest.h>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <atomic>
#include <stdexcept>
#include <thread>

#include "metrics/metrics.h"
#include "net/event_stream.h"
#include "net/http_metrics.h"
#include "net/router.h"
#include "net/server.h"
#include "support/http_client.h"

namespace startales::net {
namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;

TEST(EventStreamTest, FormatSplitsDataLines) {
  EXPECT_EQ(formatEvent("delta", R"({"text":"hi"})"), "event: delta\ndata: {\"text\":\"hi\"}\n\n");
  EXPECT_EQ(formatEvent("note", "a\nb"), "event: note\ndata: a\ndata: b\n\n");
}

class SseServer {
 public:
  SseServer() : http_metrics_(metrics_.registry()), work_(asio::make_work_guard(io_)) {
    // /count?n=N streams N "n" events; /refuse answers 400 before streaming; /endless sends
    // an event every 5 ms until the client is gone (then records how many it sent).
    router_.events(http::verb::get, "/count", [](Request& req, EventStream& out)
                       -> asio::awaitable<std::optional<Response>> {
      const int n = std::stoi(req.queryParam("n"));
      for (int i = 1; i <= n; ++i) {
        if (!co_await out.send("n", std::to_string(i))) break;
      }
      co_return std::nullopt;
    });
    router_.events(http::verb::post, "/refuse", [](Request&, EventStream&)
                       -> asio::awaitable<std::optional<Response>> {
      co_return errorResponse(http::status::bad_request, "invalid_text", "The text is empty.");
    });
    router_.events(http::verb::get, "/endless", [this](Request&, EventStream& out)
                       -> asio::awaitable<std::optional<Response>> {
      asio::steady_timer timer(co_await asio::this_coro::executor);
      for (int i = 0; i < 2000; ++i) {  // bounded: 10 s at most
        if (!co_await out.send("tick", std::string(1024, 'x'))) {
          endless_stopped = true;
          co_return std::nullopt;
        }
        timer.expires_after(5ms);
        co_await timer.async_wait(asio::use_awaitable);
      }
      co_return std::nullopt;
    });
    ServerConfig config;
    config.host = "127.0.0.1";
    config.port = 0;
    config.access_log = false;
    auto created = Server::create(io_, config, router_, http_metrics_);
    if (!created) throw std::runtime_error(created.error().message);
    server_ = std::move(*created);
    server_->start();
    thread_ = std::thread([this] { io_.run(); });
  }
  ~SseServer() {
    work_.reset();
    io_.stop();
    thread_.join();
  }
  uint16_t port() const { return server_->port(); }
  std::atomic<bool> endless_stopped{false};

 private:
  metrics::Metrics metrics_;
  HttpMetrics http_metrics_;
  Router router_;
  asio::io_context io_;
  asio::executor_work_guard<asio::io_context::executor_type> work_;
  std::unique_ptr<Server> server_;
  std::thread thread_;
};

TEST(EventStreamTest, StreamsEventsThenCloses) {
  SseServer server;
  testing::RawConnection conn(server.port());
  ASSERT_TRUE(conn.send("GET /count?n=3 HTTP/1.1\r\nHost: x\r\n\r\n"));
  bool closed = false;
  const std::string got = conn.readUntilClose(5s, closed);
  EXPECT_TRUE(closed);
  EXPECT_EQ(got.rfind("HTTP/1.1 200 OK\r\n", 0), 0u) << got;
  EXPECT_NE(got.find("Content-Type: text/event-stream"), std::string::npos) << got;
  EXPECT_NE(got.find("Cache-Control: no-cache"), std::string::npos) << got;
  EXPECT_NE(got.find("X-Request-Id: "), std::string::npos) << got;
  const auto body = got.substr(got.find("\r\n\r\n") + 4);
  EXPECT_EQ(body, "event: n\ndata: 1\n\nevent: n\ndata: 2\n\nevent: n\ndata: 3\n\n");
}

TEST(EventStreamTest, AnErrorBeforeTheStreamIsAnOrdinaryJsonAnswer) {
  SseServer server;
  testing::HttpClient client(server.port());
  auto r = client.postJson("/refuse", "{}");
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.header("content-type"), "application/json");
  EXPECT_EQ(r.json().at("error").at("code").as_string(), "invalid_text");
  // The connection stays usable after an ordinary answer.
  EXPECT_EQ(client.get("/count?n=1").status, 200);
}

TEST(EventStreamTest, AClientThatLeavesStopsTheHandler) {
  SseServer server;
  {
    testing::RawConnection conn(server.port());
    ASSERT_TRUE(conn.send("GET /endless HTTP/1.1\r\nHost: x\r\n\r\n"));
    bool closed = false;
    conn.readUntilClose(200ms, closed);
    EXPECT_FALSE(closed);
  }  // the client closes its socket
  const auto until = std::chrono::steady_clock::now() + 10s;
  while (!server.endless_stopped && std::chrono::steady_clock::now() < until) {
    std::this_thread::sleep_for(10ms);
  }
  EXPECT_TRUE(server.endless_stopped);
}

}  // namespace
}  // namespace startales::net
