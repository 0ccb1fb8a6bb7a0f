// The bus suite: every case runs against LocalBus and against NatsBus on a real nats-server
// that the test starts on a free loopback port (support/nats_server.h).

#include <gtest/gtest.h>

#include <atomic>
#include <functional>
#include <map>
#include <set>
#include <thread>

#include "bus/local_bus.h"
#include "bus/nats_bus.h"
#include "bus_test_util.h"
#include "support/nats_server.h"

namespace startales::bus {
namespace {

bool eventually(const std::function<bool()>& condition) {
  for (int i = 0; i < 1000 && !condition(); ++i) std::this_thread::sleep_for(10ms);
  return condition();
}

struct Limits {
  int pending_messages = 65536;
};

class BusTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override { open({}); }

  void open(Limits limits) {
    bus_.reset();
    if (GetParam() == "local") {
      LocalBusConfig config;
      config.pending_messages = static_cast<size_t>(limits.pending_messages);
      bus_ = std::make_unique<LocalBus>(config, &metrics_);
      return;
    }
    if (!server_) {
      auto server = testing::NatsServer::start();
      ASSERT_TRUE(server) << describe(server.error());
      server_ = std::move(*server);
    }
    NatsConfig config;
    config.urls = {server_->url()};
    config.name = "bus-test";
    config.pending_messages = limits.pending_messages;
    auto bus = NatsBus::connect(config, &metrics_);
    ASSERT_TRUE(bus) << describe(bus.error());
    bus_ = std::move(*bus);
  }

  std::unique_ptr<Subscription> subscribe(const std::string& subject, Handler handler,
                                          const std::string& queue = "") {
    auto sub = bus_->subscribe(subject, queue, std::move(handler));
    EXPECT_TRUE(sub) << describe(sub.error());
    return sub ? std::move(*sub) : nullptr;
  }

  void publish(const std::string& subject, const std::string& data) {
    Result<void> sent = bus_->publish(subject, data);
    ASSERT_TRUE(sent) << describe(sent.error());
  }

  // Messages on one connection reach the server in order: once a request on `probe` was
  // answered, every subscription made before it is in place and every message published
  // before it has reached the server. Not that other subscriptions' handlers have run: NATS
  // delivers on several threads (LocalBus on one, in order).
  void sync() {
    auto responder = subscribe("sync.probe", [this](Message m) { (void)bus_->reply(m, "ok"); });
    ASSERT_TRUE(requestNow(*bus_, "sync.probe", "", 5s).ok());
  }

  prometheus::Registry registry_;
  BusMetrics metrics_{registry_};
  std::unique_ptr<testing::NatsServer> server_;
  std::unique_ptr<Bus> bus_;  // destroyed before server_
};

TEST_P(BusTest, IsConnected) {
  EXPECT_TRUE(bus_->connected());
  EXPECT_GE(bus_->maxPayload(), size_t{1024});
}

TEST_P(BusTest, PublishReachesEveryMatchingSubscriber) {
  Collector exact, exact2, star, tail, other;
  auto s1 = subscribe("fleet.moved", exact.handler());
  auto s2 = subscribe("fleet.moved", exact2.handler());
  auto s3 = subscribe("fleet.*", star.handler());
  auto s4 = subscribe("fleet.>", tail.handler());
  auto s5 = subscribe("fleet.built", other.handler());
  publish("fleet.moved", "to mars");
  publish("fleet.moved.fast", "to venus");
  ASSERT_TRUE(exact.waitFor(1));
  ASSERT_TRUE(exact2.waitFor(1));
  ASSERT_TRUE(star.waitFor(1));
  ASSERT_TRUE(tail.waitFor(2));
  EXPECT_EQ(exact.messages()[0].data, "to mars");
  EXPECT_EQ(exact.messages()[0].subject, "fleet.moved");
  EXPECT_TRUE(exact.messages()[0].reply.empty());
  EXPECT_EQ(tail.messages()[1].subject, "fleet.moved.fast");
  sync();
  std::this_thread::sleep_for(100ms);  // time for a wrong delivery to show
  EXPECT_EQ(exact.size(), 1u);
  EXPECT_EQ(star.size(), 1u);  // "fleet.*" does not match three tokens
  EXPECT_EQ(other.size(), 0u);
}

TEST_P(BusTest, QueueGroupDeliversEachMessageToExactlyOneMember) {
  Collector a, b, c, everyone;
  auto s1 = subscribe("orders", a.handler(), "workers");
  auto s2 = subscribe("orders", b.handler(), "workers");
  auto s3 = subscribe("orders", c.handler(), "workers");
  auto s4 = subscribe("orders", everyone.handler());
  constexpr int kCount = 300;
  for (int i = 0; i < kCount; ++i) publish("orders", std::to_string(i));
  ASSERT_TRUE(everyone.waitFor(kCount));
  // Members may sit on other delivery threads than `everyone`: wait for their total.
  EXPECT_TRUE(eventually([&] { return a.size() + b.size() + c.size() >= kCount; }));
  sync();
  std::multiset<std::string> seen;
  for (Collector* member : {&a, &b, &c}) {
    for (const Message& m : member->messages()) seen.insert(m.data);
  }
  EXPECT_EQ(seen.size(), static_cast<size_t>(kCount));
  for (int i = 0; i < kCount; ++i) EXPECT_EQ(seen.count(std::to_string(i)), 1u) << i;
  // The group spreads the work (NATS picks at random, LocalBus in turn).
  EXPECT_GT(a.size(), 0u);
  EXPECT_GT(b.size(), 0u);
  EXPECT_GT(c.size(), 0u);
}

TEST_P(BusTest, RequestGetsTheReply) {
  auto responder = subscribe("campaign.42.command", [this](Message m) {
    EXPECT_FALSE(m.reply.empty());
    (void)bus_->reply(m, "ack:" + m.data);
  });
  Result<std::string> answer = requestNow(*bus_, "campaign.42.command", "build shipyard", 5s);
  ASSERT_TRUE(answer) << describe(answer.error());
  EXPECT_EQ(*answer, "ack:build shipyard");
  EXPECT_EQ(metrics_.requests("ok"), 1);
}

TEST_P(BusTest, ConcurrentRequestsGetTheirOwnReplies) {
  auto responder = subscribe("echo", [this](Message m) { (void)bus_->reply(m, m.data); });
  boost::asio::io_context io;
  std::vector<std::future<std::optional<Result<std::string>>>> replies;
  for (int i = 0; i < 50; ++i) {
    replies.push_back(boost::asio::co_spawn(
        io,
        [this, i]() -> boost::asio::awaitable<std::optional<Result<std::string>>> {
          co_return co_await bus_->request("echo", "n" + std::to_string(i), 5s);
        },
        boost::asio::use_future));
  }
  std::thread runner([&] { io.run(); });
  for (int i = 0; i < 50; ++i) {
    std::optional<Result<std::string>> r = replies[i].get();
    ASSERT_TRUE(*r) << describe(r->error());
    EXPECT_EQ(**r, "n" + std::to_string(i));
  }
  runner.join();
}

TEST_P(BusTest, RequestWithoutAnswerTimesOut) {
  Collector silent;
  auto sub = subscribe("campaign.7.command", silent.handler());
  const auto started = std::chrono::steady_clock::now();
  Result<std::string> answer = requestNow(*bus_, "campaign.7.command", "x", 200ms);
  ASSERT_FALSE(answer);
  EXPECT_EQ(answer.error().code, "bus_timeout");
  EXPECT_GE(std::chrono::steady_clock::now() - started, 190ms);
  EXPECT_TRUE(silent.waitFor(1));  // it was delivered, just never answered
  EXPECT_EQ(metrics_.requests("timeout"), 1);
}

TEST_P(BusTest, LateReplyAfterTheTimeoutIsDropped) {
  std::vector<Message> held;
  std::mutex mu;
  auto sub = subscribe("slow", [&](Message m) {
    std::lock_guard lock(mu);
    held.push_back(std::move(m));
  });
  Result<std::string> answer = requestNow(*bus_, "slow", "x", 100ms);
  ASSERT_FALSE(answer);
  EXPECT_EQ(answer.error().code, "bus_timeout");
  std::lock_guard lock(mu);
  ASSERT_EQ(held.size(), 1u);
  EXPECT_TRUE(bus_->reply(held[0], "too late"));  // sent; nobody waits for it any more
  auto responder = subscribe("fast", [this](Message m) { (void)bus_->reply(m, "on time"); });
  Result<std::string> next = requestNow(*bus_, "fast", "y", 5s);
  ASSERT_TRUE(next) << describe(next.error());
  EXPECT_EQ(*next, "on time");
}

TEST_P(BusTest, RequestNobodySubscribesToHasNoResponders) {
  const auto started = std::chrono::steady_clock::now();
  Result<std::string> answer = requestNow(*bus_, "nobody.home", "x", 10s);
  ASSERT_FALSE(answer);
  EXPECT_EQ(answer.error().code, "bus_no_responders") << answer.error().message;
  EXPECT_LT(std::chrono::steady_clock::now() - started, 5s);  // not the timeout
  EXPECT_EQ(metrics_.requests("no_responders"), 1);
}

TEST_P(BusTest, HandlerIsNeverCalledAfterUnsubscribeReturns) {
  std::atomic<bool> unsubscribed{false};
  std::atomic<int> calls{0}, late{0};
  auto sub = subscribe("ticks", [&](Message) {
    if (unsubscribed.load()) late.fetch_add(1);
    calls.fetch_add(1);
    std::this_thread::sleep_for(100us);  // widen the window for a racing unsubscribe
  });
  std::atomic<bool> stop{false};
  std::thread publisher([&] {
    while (!stop.load()) {
      (void)bus_->publish("ticks", "t");
      std::this_thread::sleep_for(20us);
    }
  });
  while (calls.load() < 20) std::this_thread::sleep_for(1ms);
  sub.reset();  // while messages keep arriving
  unsubscribed = true;
  std::this_thread::sleep_for(200ms);
  stop = true;
  publisher.join();
  sync();
  EXPECT_EQ(late.load(), 0);
}

TEST_P(BusTest, HandlerMayUnsubscribeItself) {
  std::unique_ptr<Subscription> sub;
  std::mutex mu;
  std::atomic<int> calls{0};
  sub = subscribe("once", [&](Message) {
    calls.fetch_add(1);
    std::lock_guard lock(mu);
    sub.reset();  // from inside its own handler: no deadlock, and the last call
  });
  {
    std::lock_guard lock(mu);  // sub is assigned before the first delivery uses it
  }
  publish("once", "1");
  publish("once", "2");
  publish("once", "3");
  sync();
  std::this_thread::sleep_for(50ms);
  EXPECT_EQ(calls.load(), 1);
}

TEST_P(BusTest, MessagesOfASubscriptionArriveInOrder) {
  Collector ordered;
  auto sub = subscribe("deltas.1", ordered.handler());
  constexpr int kCount = 2000;
  for (int i = 0; i < kCount; ++i) publish("deltas.1", std::to_string(i));
  ASSERT_TRUE(ordered.waitFor(kCount));
  const auto got = ordered.messages();
  for (int i = 0; i < kCount; ++i) ASSERT_EQ(got[i].data, std::to_string(i)) << i;
}

TEST_P(BusTest, PayloadUpToTheLimitArrivesIntactAndBeyondIsRefused) {
  const size_t max = bus_->maxPayload();
  std::string big(max, '\0');
  for (size_t i = 0; i < big.size(); ++i) big[i] = static_cast<char>((i * 7919) % 251);
  Collector sink;
  auto sub = subscribe("big", sink.handler());
  publish("big", big);
  ASSERT_TRUE(sink.waitFor(1));
  EXPECT_TRUE(sink.messages()[0].data == big) << "the payload changed on the way";

  auto echo = subscribe("big.echo", [this](Message m) { (void)bus_->reply(m, m.data); });
  Result<std::string> round = requestNow(*bus_, "big.echo", big, 10s);
  ASSERT_TRUE(round) << describe(round.error());
  EXPECT_TRUE(*round == big);

  const std::string over(max + 1, 'x');
  Result<void> refused = bus_->publish("big", over);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, "bus_payload_too_large");
  EXPECT_NE(refused.error().message.find(std::to_string(max)), std::string::npos)
      << refused.error().message;
  Result<std::string> refused_request = requestNow(*bus_, "big.echo", over, 5s);
  ASSERT_FALSE(refused_request);
  EXPECT_EQ(refused_request.error().code, "bus_payload_too_large");
}

TEST_P(BusTest, MalformedSubjectsAreRefused) {
  for (const char* subject : {"", "a..b", ".a", "a.", "a b", "a.*", "a.>", "a*"}) {
    Result<void> sent = bus_->publish(subject, "x");
    ASSERT_FALSE(sent) << subject;
    EXPECT_EQ(sent.error().code, "invalid_argument") << subject;
  }
  for (const char* subject : {"", "a.>.b", "a..b", "a b", "a*b"}) {
    auto sub = bus_->subscribe(subject, "", [](Message) {});
    ASSERT_FALSE(sub) << subject;
    EXPECT_EQ(sub.error().code, "invalid_argument") << subject;
  }
  auto bad_queue = bus_->subscribe("a", "two.tokens", [](Message) {});
  ASSERT_FALSE(bad_queue);
  EXPECT_EQ(bad_queue.error().code, "invalid_argument");
  Result<std::string> r = requestNow(*bus_, "a.*", "x", 1s);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, "invalid_argument");
}

TEST_P(BusTest, ReplyToAPlainMessageIsRefused) {
  Result<void> r = bus_->reply(Message{"fleet.moved", "", "x"}, "answer");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, "invalid_argument");
}

TEST_P(BusTest, SlowConsumerDropsBeyondItsPendingLimitAndRecovers) {
  open({.pending_messages = 10});
  std::mutex gate;
  std::unique_lock hold(gate);  // the handler blocks until released
  Collector got;
  Handler record = got.handler();
  auto sub = subscribe("flood", [&](Message m) {
    std::lock_guard wait(gate);
    record(std::move(m));
  });
  constexpr int kCount = 200;
  for (int i = 0; i < kCount; ++i) publish("flood", std::to_string(i));
  // Not sync(): its probe may share the blocked delivery thread.
  for (int i = 0; i < 500 && metrics_.slowConsumers() < 1; ++i) std::this_thread::sleep_for(10ms);
  std::this_thread::sleep_for(100ms);  // the rest of the flood arrives (and is dropped)
  hold.unlock();
  // The handler catches up with what fitted (the count stops growing)...
  for (size_t before = 0; before == 0 || got.size() != before;) {
    before = got.size();
    std::this_thread::sleep_for(200ms);
  }
  // ...then delivery goes on; "after" comes last (same connection).
  publish("flood", "after");
  ASSERT_TRUE(eventually([&] {
    auto m = got.messages();
    return !m.empty() && m.back().data == "after";
  }));
  const size_t delivered = got.size() - 1;  // of the flood
  EXPECT_LT(delivered, static_cast<size_t>(kCount));
  EXPECT_GE(delivered, 10u);  // what fitted the pending limit
  EXPECT_GE(metrics_.slowConsumers(), 1);
  sub.reset();  // the drops are counted by the time the subscription is gone
  EXPECT_EQ(metrics_.droppedMessages(), static_cast<double>(kCount - delivered));
}

INSTANTIATE_TEST_SUITE_P(Backends, BusTest, ::testing::Values("local", "nats"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace startales::bus
