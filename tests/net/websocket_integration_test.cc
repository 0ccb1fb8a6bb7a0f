// WebSocket endpoints on a real Server (in process, 127.0.0.1, port 0) driven by a Beast
// client: handshake and refusals, echo, limits, slow consumers, idle timeout, drain.

#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/json.hpp>
#include <condition_variable>
#include <functional>
#include <future>
#include <map>
#include <mutex>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "metrics/metrics.h"
#include "net/http_metrics.h"
#include "net/router.h"
#include "net/server.h"
#include "net/websocket.h"
#include "support/http_client.h"
#include "support/ws_client.h"

namespace startales::net {
namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;
using testing::HttpClient;
using testing::WsClient;

// Polls `done` until it holds or `timeout` passes (for state nobody signals, e.g. isOpen()).
bool eventually(const std::function<bool()>& done, std::chrono::milliseconds timeout = 10s) {
  auto until = std::chrono::steady_clock::now() + timeout;
  while (!done()) {
    if (std::chrono::steady_clock::now() >= until) return false;
    std::this_thread::sleep_for(5ms);
  }
  return true;
}

// What the server-side handlers saw. Thread-safe.
struct Events {
  std::mutex mu;
  std::condition_variable cv;
  std::vector<std::shared_ptr<WsConnection>> opened;     // guarded by mu
  std::vector<std::pair<uint64_t, WsCloseInfo>> closes;  // guarded by mu
  std::vector<std::string> refused;                      // guarded by mu; rate-limited messages
  int after_close = 0;  // guarded by mu; callbacks after onClose (must stay 0)

  bool waitFor(const std::function<bool()>& done, std::chrono::milliseconds timeout = 10s) {
    std::unique_lock lock(mu);
    return cv.wait_for(lock, timeout, done);
  }
  std::shared_ptr<WsConnection> waitOpened(size_t index) {
    if (!waitFor([&] { return opened.size() > index; })) return nullptr;
    std::lock_guard lock(mu);
    return opened[index];
  }
  std::map<uint64_t, WsCloseInfo> waitCloses(size_t count) {
    waitFor([&] { return closes.size() >= count; });
    std::lock_guard lock(mu);
    std::map<uint64_t, WsCloseInfo> byId;
    for (const auto& [id, info] : closes) {
      EXPECT_EQ(byId.count(id), 0u) << "onClose called twice for connection " << id;
      byId[id] = info;
    }
    return byId;
  }
};

// Echoes text and binary. Commands: "id" answers the connection id, "close-me" closes with
// 4100 "bye", "throw" throws.
class EchoHandler : public WsHandler {
 public:
  explicit EchoHandler(std::shared_ptr<Events> events) : events_(std::move(events)) {}

  asio::awaitable<void> onOpen(std::shared_ptr<WsConnection> conn) override {
    conn_ = conn;
    std::lock_guard lock(events_->mu);
    events_->opened.push_back(std::move(conn));
    events_->cv.notify_all();
    co_return;
  }
  asio::awaitable<void> onText(std::string message) override {
    checkOpen();
    if (message == "id") {
      conn_->sendText(std::to_string(conn_->id()));
    } else if (message == "close-me") {
      conn_->close(4100, "bye");
    } else if (message == "throw") {
      throw std::runtime_error("handler failure");
    } else {
      conn_->sendText(std::move(message));
    }
    co_return;
  }
  asio::awaitable<void> onBinary(std::string message) override {
    checkOpen();
    conn_->sendBinary(std::move(message));
    co_return;
  }
  asio::awaitable<void> onRateLimited(WsRefusedMessage message) override {
    checkOpen();
    {
      std::lock_guard lock(events_->mu);
      events_->refused.push_back(message.data);
    }
    conn_->sendText("rate_limited:" + message.data + ":" +
                    (message.retry_after.count() > 0 ? "retry" : "now"));
    co_return;
  }
  void onClose(const WsCloseInfo& info) override {
    std::lock_guard lock(events_->mu);
    if (closed_) ++events_->after_close;
    closed_ = true;
    events_->closes.emplace_back(conn_->id(), info);
    events_->cv.notify_all();
  }

 private:
  void checkOpen() {
    std::lock_guard lock(events_->mu);
    if (closed_) ++events_->after_close;
  }

  std::shared_ptr<Events> events_;
  std::shared_ptr<WsConnection> conn_;
  bool closed_ = false;  // guarded by events_->mu
};

// Accepts "Authorization: Bearer secret" or "?token=secret".
WsAcceptor echoAcceptor(std::shared_ptr<Events> events) {
  return [events](Request& req) -> asio::awaitable<Result<std::shared_ptr<WsHandler>>> {
    std::string token(req.bearerToken());
    if (token.empty()) token = req.queryParam("token");
    if (token != "secret") {
      co_return makeError("unauthorized",
                          "This needs a login: send \"Authorization: Bearer <token>\" or "
                          "?token=<token>.");
    }
    co_return std::shared_ptr<WsHandler>(std::make_shared<EchoHandler>(events));
  };
}

// A Server on 127.0.0.1, port 0, run by two threads, with "/ws" → echoAcceptor.
class TestServer {
 public:
  explicit TestServer(const std::function<void(ServerConfig&)>& tweak = {})
      : http_metrics_(metrics_.registry()), work_(asio::make_work_guard(io_)) {
    ServerConfig config;
    config.host = "127.0.0.1";
    config.port = 0;
    config.access_log = false;
    if (tweak) tweak(config);
    router_.websocket("/ws", echoAcceptor(events));
    auto created = Server::create(io_, config, router_, http_metrics_);
    if (!created) throw std::runtime_error(created.error().message);
    server_ = std::move(*created);
    server_->start();
    for (int i = 0; i < 2; ++i) threads_.emplace_back([this] { io_.run(); });
  }
  ~TestServer() {
    drain(1s);
    work_.reset();
    io_.stop();
    for (auto& t : threads_) t.join();
  }
  TestServer(const TestServer&) = delete;
  TestServer& operator=(const TestServer&) = delete;

  uint16_t port() const { return server_->port(); }
  Server& server() { return *server_; }

  // Server::drain, waited for. Returns the connections cut at the deadline.
  size_t drain(std::chrono::milliseconds deadline) {
    std::promise<size_t> cut;
    asio::co_spawn(
        io_, [&]() -> asio::awaitable<void> { cut.set_value(co_await server_->drain(deadline)); },
        asio::detached);
    return cut.get_future().get();
  }

  // The value of one series in the /metrics text, e.g. `ws_closes_total{reason="idle"}`;
  // -1 when absent.
  double metric(const std::string& series) const {
    std::istringstream lines(metrics_.render());
    std::string line;
    while (std::getline(lines, line)) {
      if (line.size() > series.size() && line.compare(0, series.size(), series) == 0 &&
          line[series.size()] == ' ') {
        return std::stod(line.substr(series.size() + 1));
      }
    }
    return -1;
  }

  std::shared_ptr<Events> events = std::make_shared<Events>();

 private:
  metrics::Metrics metrics_;
  HttpMetrics http_metrics_;
  Router router_;
  asio::io_context io_;
  asio::executor_work_guard<asio::io_context::executor_type> work_;
  std::unique_ptr<Server> server_;
  std::vector<std::thread> threads_;
};

WsClient::Options authorized() {
  WsClient::Options options;
  options.headers = {{"Authorization", "Bearer secret"}};
  return options;
}

void expectJsonError(const testing::HttpResult& r, int status, const std::string& code) {
  EXPECT_EQ(r.status, status) << r.body;
  EXPECT_EQ(r.header("content-type"), "application/json");
  auto json = r.json();
  ASSERT_TRUE(json.is_object()) << r.body;
  EXPECT_EQ(json.at("error").at("code").as_string(), code) << r.body;
  EXPECT_GT(json.at("error").at("message").as_string().size(), 10u) << r.body;
}

TEST(WebSocketTest, HandshakeThenEchoesTextAndBinary) {
  TestServer server;
  WsClient client(server.port(), authorized());
  ASSERT_TRUE(client.connected()) << client.error();
  EXPECT_EQ(client.response().status, 101);
  EXPECT_FALSE(client.response().header("x-request-id").empty());

  ASSERT_TRUE(client.sendText("hello"));
  auto text = client.receive();
  ASSERT_TRUE(text) << client.error();
  EXPECT_EQ(text->data, "hello");
  EXPECT_FALSE(text->binary);

  const std::string bytes("\x00\x01\xfe\xff", 4);
  ASSERT_TRUE(client.sendBinary(bytes));
  auto binary = client.receive();
  ASSERT_TRUE(binary) << client.error();
  EXPECT_EQ(binary->data, bytes);
  EXPECT_TRUE(binary->binary);

  auto conn = server.events->waitOpened(0);
  ASSERT_NE(conn, nullptr);
  EXPECT_EQ(conn->clientAddress(), "127.0.0.1");
  EXPECT_TRUE(conn->isOpen());

  // Browsers cannot set headers: the token may come in the query string.
  WsClient::Options query;
  query.target = "/ws?token=secret";
  WsClient by_query(server.port(), query);
  ASSERT_TRUE(by_query.connected()) << by_query.error();
  ASSERT_TRUE(by_query.sendText("id"));
  auto id = by_query.receive();
  ASSERT_TRUE(id);
  auto second = server.events->waitOpened(1);
  ASSERT_NE(second, nullptr);
  EXPECT_NE(conn->id(), second->id());

  EXPECT_EQ(server.metric("ws_connections_open"), 2);
  EXPECT_EQ(server.metric("ws_messages_received_total"), 3);
  // Counted when the write completes, which may be just after the client read it.
  EXPECT_TRUE(eventually([&] { return server.metric("ws_messages_sent_total") == 3; }));
  EXPECT_EQ(server.metric("http_connections_open"), 2);
  EXPECT_EQ(server.server().connectionCount(), 2u);
}

TEST(WebSocketTest, AcceptorRefusalIsA401JsonError) {
  TestServer server;
  WsClient anonymous(server.port());
  EXPECT_FALSE(anonymous.connected());
  expectJsonError(anonymous.response(), 401, "unauthorized");
  EXPECT_EQ(anonymous.response().header("www-authenticate"), "Bearer");

  WsClient::Options wrong;
  wrong.target = "/ws?token=wrong";
  WsClient wrong_token(server.port(), wrong);
  EXPECT_FALSE(wrong_token.connected());
  expectJsonError(wrong_token.response(), 401, "unauthorized");

  std::lock_guard lock(server.events->mu);
  EXPECT_TRUE(server.events->opened.empty());
  EXPECT_TRUE(server.events->closes.empty());
}

TEST(WebSocketTest, PlainRequestsToAWebSocketRouteGetJsonErrors) {
  TestServer server;
  HttpClient http(server.port());
  auto get = http.get("/ws", "secret");
  expectJsonError(get, 426, "upgrade_required");
  EXPECT_EQ(get.header("upgrade"), "websocket");

  auto post = http.request("POST", "/ws");
  expectJsonError(post, 405, "method_not_allowed");
  EXPECT_EQ(post.header("allow"), "GET");

  auto old_version = http.request("GET", "/ws", "",
                                  {{"Connection", "Upgrade"},
                                   {"Upgrade", "websocket"},
                                   {"Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ=="},
                                   {"Sec-WebSocket-Version", "8"}});
  expectJsonError(old_version, 426, "unsupported_websocket_version");
  EXPECT_EQ(old_version.header("sec-websocket-version"), "13");
}

TEST(WebSocketTest, OversizeMessageClosesWith1009) {
  TestServer server([](ServerConfig& c) { c.ws_max_message_bytes = 1024; });
  WsClient client(server.port(), authorized());
  ASSERT_TRUE(client.connected()) << client.error();
  ASSERT_TRUE(client.sendText(std::string(1024, 'a')));  // exactly the limit passes
  auto echoed = client.receive();
  ASSERT_TRUE(echoed) << client.error();
  EXPECT_EQ(echoed->data.size(), 1024u);

  ASSERT_TRUE(client.sendText(std::string(1025, 'b')));
  ASSERT_TRUE(client.waitClose()) << client.error();
  EXPECT_EQ(client.closeCode(), 1009);
  EXPECT_EQ(client.closeReason(), "message too big");

  // The limit is on the message, not the frame: small frames add up.
  WsClient fragmented(server.port(), authorized());
  ASSERT_TRUE(fragmented.connected()) << fragmented.error();
  ASSERT_TRUE(fragmented.sendTextInFrames(std::string(1500, 'c'), 300));
  ASSERT_TRUE(fragmented.waitClose()) << fragmented.error();
  EXPECT_EQ(fragmented.closeCode(), 1009);

  auto closes = server.events->waitCloses(2);
  ASSERT_EQ(closes.size(), 2u);
  for (const auto& [id, info] : closes) {
    EXPECT_EQ(info.cause, WsCloseCause::kTooBig);
    EXPECT_EQ(info.code, 1009);
  }
  EXPECT_EQ(server.metric("ws_closes_total{reason=\"too_big\"}"), 2);
}

TEST(WebSocketTest, RateLimitTellsTheHandlerAndKeepsTheConnectionOpen) {
  TestServer server([](ServerConfig& c) {
    c.ws_rate_per_second = 0.001;  // practically no refill during the test
    c.ws_rate_burst = 3;
  });
  WsClient client(server.port(), authorized());
  ASSERT_TRUE(client.connected()) << client.error();
  for (int i = 0; i < 6; ++i) ASSERT_TRUE(client.sendText("m" + std::to_string(i)));
  std::vector<std::string> replies;
  for (int i = 0; i < 6; ++i) {
    auto reply = client.receive();
    ASSERT_TRUE(reply) << client.error();
    replies.push_back(reply->data);
  }
  EXPECT_EQ(replies, (std::vector<std::string>{"m0", "m1", "m2", "rate_limited:m3:retry",
                                               "rate_limited:m4:retry", "rate_limited:m5:retry"}));
  auto conn = server.events->waitOpened(0);
  ASSERT_NE(conn, nullptr);
  EXPECT_TRUE(conn->isOpen());
  // Still open: a binary message is refused the same way and answered.
  ASSERT_TRUE(client.sendBinary("b"));
  auto reply = client.receive();
  ASSERT_TRUE(reply) << client.error();
  EXPECT_EQ(reply->data, "rate_limited:b:retry");
  EXPECT_EQ(server.metric("ws_rate_limited_total"), 4);
  {
    std::lock_guard lock(server.events->mu);
    EXPECT_EQ(server.events->refused.size(), 4u);
    EXPECT_TRUE(server.events->closes.empty());
  }
}

TEST(WebSocketTest, SlowConsumerIsClosedWhileAnotherClientKeepsReceiving) {
  TestServer server([](ServerConfig& c) {
    c.ws_outbound_max_messages = 64;
    c.ws_outbound_max_bytes = 1 << 20;
  });
  WsClient::Options small_window = authorized();
  small_window.receive_buffer_bytes = 64 << 10;
  WsClient slow(server.port(), small_window);
  WsClient fast(server.port(), authorized());
  ASSERT_TRUE(slow.connected()) << slow.error();
  ASSERT_TRUE(fast.connected()) << fast.error();
  ASSERT_TRUE(slow.sendText("id"));
  auto slow_id = slow.receive();
  ASSERT_TRUE(slow_id);
  auto a = server.events->waitOpened(0);
  auto b = server.events->waitOpened(1);
  ASSERT_TRUE(a && b);
  auto slow_conn = std::to_string(a->id()) == slow_id->data ? a : b;
  auto fast_conn = slow_conn == a ? b : a;

  // A broadcaster on this thread sends 64 KiB to both; only the fast client reads.
  const std::string chunk(64 << 10, 'x');
  bool overflowed = false;
  for (int i = 0; i < 1000 && !overflowed; ++i) {  // at most 64 MB
    if (!slow_conn->sendBinary(chunk)) {
      overflowed = true;
      break;
    }
    ASSERT_TRUE(fast_conn->sendBinary(chunk));
    auto got = fast.receive();
    ASSERT_TRUE(got) << fast.error();
    ASSERT_EQ(got->data.size(), chunk.size());
  }
  ASSERT_TRUE(overflowed) << "the slow client's queue never filled";
  EXPECT_FALSE(slow_conn->isOpen());
  EXPECT_FALSE(slow_conn->sendText("more")) << "a closing connection takes no messages";

  // The fast client is unaffected.
  EXPECT_TRUE(fast_conn->isOpen());
  ASSERT_TRUE(fast_conn->sendText("still here"));
  auto still = fast.receive();
  ASSERT_TRUE(still) << fast.error();
  EXPECT_EQ(still->data, "still here");

  // Reading at last, the slow client finds the close frame after what was already in flight.
  size_t drained = 0;
  ASSERT_TRUE(slow.waitClose(20s, &drained)) << slow.error();
  EXPECT_EQ(slow.closeCode(), kWsCloseSlowConsumer);
  EXPECT_EQ(slow.closeReason(), "too slow: outbound queue full");

  auto closes = server.events->waitCloses(1);
  ASSERT_EQ(closes.count(slow_conn->id()), 1u);
  EXPECT_EQ(closes[slow_conn->id()].cause, WsCloseCause::kSlowConsumer);
  EXPECT_EQ(closes[slow_conn->id()].code, kWsCloseSlowConsumer);
  EXPECT_EQ(closes.count(fast_conn->id()), 0u);
  EXPECT_EQ(server.metric("ws_closes_total{reason=\"slow_consumer\"}"), 1);
}

TEST(WebSocketTest, IdleClientIsClosedWhileAPingAnsweringOneStays) {
  TestServer server([](ServerConfig& c) {
    c.ws_idle_timeout_ms = 1000;
    c.read_timeout_ms = 20'000;  // the close handshake waits for the silent client to read
  });
  WsClient live(server.port(), authorized());
  ASSERT_TRUE(live.connected()) << live.error();
  ASSERT_TRUE(live.sendText("id"));
  auto live_id = live.receive();
  ASSERT_TRUE(live_id);
  WsClient silent(server.port(), authorized());  // never reads, so never answers a ping
  ASSERT_TRUE(silent.connected()) << silent.error();
  auto a = server.events->waitOpened(0);
  auto b = server.events->waitOpened(1);
  ASSERT_TRUE(a && b);
  auto live_conn = std::to_string(a->id()) == live_id->data ? a : b;
  auto silent_conn = live_conn == a ? b : a;

  // Once the silent one is closed, and after two more idle periods, talk to the live one. It
  // stays open only because its client answers the server's pings while it waits in receive.
  std::thread later([&] {
    eventually([&] { return !silent_conn->isOpen(); }, 15s);
    std::this_thread::sleep_for(2s);
    live_conn->sendText("after idle");
  });
  auto after = live.receive(20s);
  later.join();
  ASSERT_TRUE(after) << live.error();
  EXPECT_EQ(after->data, "after idle");
  EXPECT_TRUE(live_conn->isOpen());

  ASSERT_TRUE(silent.waitClose()) << silent.error();
  EXPECT_EQ(silent.closeCode(), kWsCloseIdle);
  EXPECT_EQ(silent.closeReason(), "idle timeout");
  auto closes = server.events->waitCloses(1);
  ASSERT_EQ(closes.count(silent_conn->id()), 1u);
  EXPECT_EQ(closes[silent_conn->id()].cause, WsCloseCause::kIdle);
  EXPECT_EQ(server.metric("ws_closes_total{reason=\"idle\"}"), 1);
}

TEST(WebSocketTest, DrainClosesWebSocketsWith1001) {
  TestServer server;
  WsClient a(server.port(), authorized());
  WsClient b(server.port(), authorized());
  ASSERT_TRUE(a.connected() && b.connected());
  ASSERT_TRUE(server.events->waitOpened(1));
  EXPECT_EQ(server.server().connectionCount(), 2u);

  auto cut = std::async(std::launch::async, [&] { return server.drain(10s); });
  ASSERT_TRUE(a.waitClose()) << a.error();
  ASSERT_TRUE(b.waitClose()) << b.error();
  EXPECT_EQ(a.closeCode(), 1001);
  EXPECT_EQ(a.closeReason(), "server shutting down");
  EXPECT_EQ(b.closeCode(), 1001);
  EXPECT_EQ(cut.get(), 0u);
  EXPECT_EQ(server.server().connectionCount(), 0u);

  auto closes = server.events->waitCloses(2);
  ASSERT_EQ(closes.size(), 2u);
  for (const auto& [id, info] : closes) EXPECT_EQ(info.cause, WsCloseCause::kShutdown);
  EXPECT_EQ(server.metric("ws_closes_total{reason=\"shutdown\"}"), 2);
  EXPECT_EQ(server.metric("ws_connections_open"), 0);
  EXPECT_EQ(server.metric("http_connections_open"), 0);
  WsClient late(server.port(), authorized());
  EXPECT_FALSE(late.connected());
}

TEST(WebSocketTest, DrainCutsAWebSocketThatNeverAnswersAtTheDeadline) {
  TestServer server;
  WsClient deaf(server.port(), authorized());  // never reads: the close handshake cannot end
  ASSERT_TRUE(deaf.connected()) << deaf.error();
  ASSERT_TRUE(server.events->waitOpened(0));
  EXPECT_EQ(server.drain(300ms), 1u);
  auto closes = server.events->waitCloses(1);
  ASSERT_EQ(closes.size(), 1u);
  EXPECT_EQ(closes.begin()->second.cause, WsCloseCause::kShutdown);
  EXPECT_EQ(server.server().connectionCount(), 0u);
}

TEST(WebSocketTest, EveryWayOfClosingCallsOnCloseExactlyOnce) {
  TestServer server;
  WsClient by_client(server.port(), authorized());
  WsClient by_handler(server.port(), authorized());
  WsClient by_throw(server.port(), authorized());
  auto dropped = std::make_unique<WsClient>(server.port(), authorized());
  ASSERT_TRUE(by_client.connected() && by_handler.connected() && by_throw.connected() &&
              dropped->connected());
  ASSERT_TRUE(server.events->waitOpened(3));

  ASSERT_TRUE(by_client.close(1000, "done")) << by_client.error();
  ASSERT_TRUE(by_handler.sendText("close-me"));
  ASSERT_TRUE(by_handler.waitClose()) << by_handler.error();
  EXPECT_EQ(by_handler.closeCode(), 4100);
  EXPECT_EQ(by_handler.closeReason(), "bye");
  ASSERT_TRUE(by_throw.sendText("throw"));
  ASSERT_TRUE(by_throw.waitClose()) << by_throw.error();
  EXPECT_EQ(by_throw.closeCode(), 1011);
  EXPECT_EQ(by_throw.closeReason(), "internal error");
  dropped.reset();  // TCP gone without a close frame

  auto closes = server.events->waitCloses(4);
  ASSERT_EQ(closes.size(), 4u);
  std::map<std::string, int> causes;
  for (const auto& [id, info] : closes) {
    causes[std::string(toString(info.cause))]++;
    if (info.code == 1000) {
      EXPECT_EQ(info.reason, "done");
    }
    if (info.code == 4100) {
      EXPECT_EQ(info.reason, "bye");
    }
  }
  EXPECT_EQ(causes["normal"], 2);
  EXPECT_EQ(causes["handler_error"], 1);
  EXPECT_EQ(causes["network_error"], 1);
  server.drain(1s);
  std::lock_guard lock(server.events->mu);
  EXPECT_EQ(server.events->closes.size(), 4u);
  EXPECT_EQ(server.events->after_close, 0);
}

TEST(WebSocketTest, MaxConnectionsCountsWebSockets) {
  TestServer server([](ServerConfig& c) { c.max_connections = 2; });
  auto a = std::make_unique<WsClient>(server.port(), authorized());
  WsClient b(server.port(), authorized());
  ASSERT_TRUE(a->connected() && b.connected());
  WsClient refused(server.port(), authorized());
  EXPECT_FALSE(refused.connected());
  ASSERT_TRUE(a->close()) << a->error();
  a.reset();
  ASSERT_TRUE(server.events->waitFor([&] { return !server.events->closes.empty(); }));
  // The connection is forgotten right after onClose; wait for the count to drop.
  ASSERT_TRUE(eventually([&] { return server.server().connectionCount() == 1; }));
  WsClient c(server.port(), authorized());
  EXPECT_TRUE(c.connected()) << c.error();
}

}  // namespace
}  // namespace startales::net
