// NatsBus against a real nats-server: several connections (nodes), a server that is stopped
// and started again on the same port, connecting to nothing, and the URL parser.

#include <gtest/gtest.h>

#include <atomic>
#include <future>
#include <set>
#include <thread>

#include "bus/nats_bus.h"
#include "bus_test_util.h"
#include "support/nats_server.h"
#include "support/test_database.h"  // store::unusedPort

namespace startales::bus {
namespace {

NatsConfig configFor(const testing::NatsServer& server, const std::string& name) {
  NatsConfig config;
  config.urls = {server.url()};
  config.name = name;
  config.reconnect_wait_ms = 50;
  config.connect_timeout_ms = 1000;
  return config;
}

bool eventually(const std::function<bool()>& condition, std::chrono::milliseconds within = 10s) {
  const auto deadline = std::chrono::steady_clock::now() + within;
  while (std::chrono::steady_clock::now() < deadline) {
    if (condition()) return true;
    std::this_thread::sleep_for(10ms);
  }
  return condition();
}

class NatsBusTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto server = testing::NatsServer::start();
    ASSERT_TRUE(server) << describe(server.error());
    server_ = std::move(*server);
    auto bus = NatsBus::connect(configFor(*server_, "node-a"), &metrics_);
    ASSERT_TRUE(bus) << describe(bus.error());
    bus_ = std::move(*bus);
  }

  prometheus::Registry registry_;
  BusMetrics metrics_{registry_};
  std::unique_ptr<testing::NatsServer> server_;
  std::unique_ptr<NatsBus> bus_;
};

TEST_F(NatsBusTest, NodesRequestEachOtherAndAQueueGroupHandlesEachRequestOnce) {
  prometheus::Registry other_registry;
  BusMetrics other_metrics(other_registry);
  auto node_b = NatsBus::connect(configFor(*server_, "node-b"), &other_metrics);
  ASSERT_TRUE(node_b) << describe(node_b.error());
  auto node_c = NatsBus::connect(configFor(*server_, "node-c"));
  ASSERT_TRUE(node_c) << describe(node_c.error());

  std::mutex mu;
  std::multiset<std::string> handled_by_b, handled_by_c;
  auto on_b = (*node_b)->subscribe("campaign.9.command", "owners", [&](Message m) {
    {
      std::lock_guard lock(mu);
      handled_by_b.insert(m.data);
    }
    (void)(*node_b)->reply(m, "b:" + m.data);
  });
  auto on_c = (*node_c)->subscribe("campaign.9.command", "owners", [&](Message m) {
    {
      std::lock_guard lock(mu);
      handled_by_c.insert(m.data);
    }
    (void)(*node_c)->reply(m, "c:" + m.data);
  });
  ASSERT_TRUE(on_b && on_c);
  ASSERT_TRUE(requestWhenSubscribed(*bus_, "campaign.9.command", "warmup"));
  ASSERT_TRUE(eventually([&] {  // both members registered: each answers eventually
    auto r = requestNow(*bus_, "campaign.9.command", "probe", 2s);
    std::lock_guard lock(mu);
    return !handled_by_b.empty() && !handled_by_c.empty();
  }));
  std::set<std::string> answers;
  for (int i = 0; i < 100; ++i) {
    Result<std::string> r = requestNow(*bus_, "campaign.9.command", std::to_string(i), 5s);
    ASSERT_TRUE(r) << describe(r.error());
    EXPECT_TRUE(*r == "b:" + std::to_string(i) || *r == "c:" + std::to_string(i)) << *r;
    answers.insert(*r);
  }
  std::lock_guard lock(mu);
  for (int i = 0; i < 100; ++i) {
    const std::string n = std::to_string(i);
    EXPECT_EQ(handled_by_b.count(n) + handled_by_c.count(n), 1u) << n;
  }
  EXPECT_EQ(answers.size(), 100u);
  EXPECT_GE(other_metrics.requests("ok"), 0);  // node b only answered
  EXPECT_GE(metrics_.requests("ok"), 100);
}

TEST_F(NatsBusTest, NatsRestartFailsRequestsInFlightAtOnceThenReconnects) {
  // A responder that holds requests without answering, on another connection.
  auto node_b = NatsBus::connect(configFor(*server_, "node-b"));
  ASSERT_TRUE(node_b) << describe(node_b.error());
  Collector held;
  auto holder = (*node_b)->subscribe("campaign.1.command", "", held.handler());
  auto echo = (*node_b)->subscribe("campaign.1.echo", "",
                                   [&](Message m) { (void)(*node_b)->reply(m, "echo:" + m.data); });
  ASSERT_TRUE(holder && echo);
  ASSERT_TRUE(requestWhenSubscribed(*bus_, "campaign.1.echo", "before"));
  Collector fanout;
  auto listener = bus_->subscribe("campaign.1.deltas", "", fanout.handler());
  ASSERT_TRUE(listener);

  // Five requests that would wait 30 s each.
  boost::asio::io_context io;
  std::vector<std::future<std::optional<Result<std::string>>>> inflight;
  for (int i = 0; i < 5; ++i) {
    inflight.push_back(boost::asio::co_spawn(
        io,
        [this]() -> boost::asio::awaitable<std::optional<Result<std::string>>> {
          co_return co_await bus_->request("campaign.1.command", "cmd", 30s);
        },
        boost::asio::use_future));
  }
  std::thread runner([&] { io.run(); });
  ASSERT_TRUE(held.waitFor(5));  // all five reached the responder

  const auto stopped = std::chrono::steady_clock::now();
  server_->halt(true);  // kill -9: no goodbye from the server
  for (auto& f : inflight) {
    ASSERT_EQ(f.wait_for(10s), std::future_status::ready) << "a request waited for its timeout";
    std::optional<Result<std::string>> r = f.get();
    ASSERT_FALSE(*r);
    EXPECT_EQ(r->error().code, "bus_unavailable") << r->error().message;
  }
  EXPECT_LT(std::chrono::steady_clock::now() - stopped, 10s);
  runner.join();
  EXPECT_EQ(metrics_.requests("unavailable"), 5);
  EXPECT_EQ(metrics_.disconnects(), 1);

  // Disconnected: nothing is sent, nothing is buffered for later.
  ASSERT_TRUE(eventually([&] { return !bus_->connected(); }));
  Result<void> published = bus_->publish("campaign.1.deltas", "while down");
  ASSERT_FALSE(published);
  EXPECT_EQ(published.error().code, "bus_unavailable");
  Result<std::string> refused = requestNow(*bus_, "campaign.1.echo", "while down", 5s);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, "bus_unavailable");

  // The server comes back on the same port: both connections reconnect by themselves.
  ASSERT_TRUE(server_->restart());
  ASSERT_TRUE(eventually([&] { return bus_->connected() && (*node_b)->connected(); }, 20s));
  // The reconnected callback runs on the library's callback thread, just after the status.
  EXPECT_TRUE(eventually([&] { return metrics_.reconnects() == 1; })) << metrics_.reconnects();
  // The subscriptions made before the restart work again (re-sent by the client library).
  Result<std::string> again = requestWhenSubscribed(*bus_, "campaign.1.echo", "after");
  ASSERT_TRUE(again) << describe(again.error());
  EXPECT_EQ(*again, "echo:after");
  ASSERT_TRUE(bus_->publish("campaign.1.deltas", "after restart"));
  ASSERT_TRUE(fanout.waitFor(1));
  for (const Message& m : fanout.messages()) EXPECT_NE(m.data, "while down");
  EXPECT_EQ(fanout.messages().back().data, "after restart");
}

TEST_F(NatsBusTest, ConnectingToNothingFailsWithinTheTimeoutNamingTheServer) {
  NatsConfig config;
  config.urls = {"nats://127.0.0.1:" + std::to_string(store::unusedPort())};
  config.connect_timeout_ms = 1000;
  const auto started = std::chrono::steady_clock::now();
  auto bus = NatsBus::connect(config);
  ASSERT_FALSE(bus);
  EXPECT_EQ(bus.error().code, "bus_unavailable");
  EXPECT_NE(bus.error().message.find(config.urls[0]), std::string::npos) << bus.error().message;
  EXPECT_LT(std::chrono::steady_clock::now() - started, 5s);
}

TEST_F(NatsBusTest, ASmallerServerMaxPayloadIsTheLimit) {
  auto small = testing::NatsServer::start({.max_payload = 4096});
  ASSERT_TRUE(small) << describe(small.error());
  auto bus = NatsBus::connect(configFor(**small, "small"));
  ASSERT_TRUE(bus) << describe(bus.error());
  EXPECT_EQ((*bus)->maxPayload(), 4096u);
  EXPECT_TRUE((*bus)->publish("x", std::string(4096, 'a')));
  Result<void> over = (*bus)->publish("x", std::string(4097, 'a'));
  ASSERT_FALSE(over);
  EXPECT_EQ(over.error().code, "bus_payload_too_large");
}

TEST(NatsUrls, ParsesOneOrSeveralServers) {
  auto one = parseNatsUrls("nats://nats:4222");
  ASSERT_TRUE(one);
  EXPECT_EQ(*one, std::vector<std::string>{"nats://nats:4222"});
  auto several = parseNatsUrls("nats://a:4222, nats://10.0.0.2:4223,nats://[::1]:4222");
  ASSERT_TRUE(several) << several.error().message;
  EXPECT_EQ(several->size(), 3u);
  EXPECT_EQ((*several)[1], "nats://10.0.0.2:4223");
}

TEST(NatsUrls, RefusesAnythingElseNamingIt) {
  for (const char* bad :
       {"", "nats://", "nats://host", "http://host:4222", "host:4222", "nats://host:0",
        "nats://host:70000", "nats://host:42x", "nats://:4222", "nats://a:4222,",
        "nats://u:p@host:4222", "nats://host:4222/path", "nats://::1:4222"}) {
    auto r = parseNatsUrls(bad);
    ASSERT_FALSE(r) << bad;
    EXPECT_EQ(r.error().code, "invalid_config");
    EXPECT_FALSE(r.error().message.empty());
  }
}

}  // namespace
}  // namespace startales::bus
