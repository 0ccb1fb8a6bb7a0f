#include "metrics/metrics.h"

#include <gtest/gtest.h>
#include <prometheus/counter.h>
#include <prometheus/registry.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <atomic>
#include <thread>

#include "common/worker_pool.h"

namespace startales {
namespace {

TEST(MetricsTest, RendersModuleAndProcessMetrics) {
  metrics::Metrics m;
  auto& family = prometheus::BuildCounter().Name("things_total").Help("Things.").Register(
      m.registry());
  family.Add({{"kind", "widget"}}).Increment(3);
  std::string text = m.render();
  EXPECT_NE(text.find("things_total{kind=\"widget\"} 3"), std::string::npos) << text;
  EXPECT_NE(text.find("# TYPE process_cpu_seconds_total counter"), std::string::npos) << text;
  EXPECT_NE(text.find("process_open_fds"), std::string::npos);
}

TEST(WorkerPoolTest, RunsOffTheCallerThreadAndRejectsBeyondTheBound) {
  boost::asio::io_context io;
  WorkerPool pool("test", 1, 1);
  std::thread::id caller = std::this_thread::get_id();
  std::thread::id worker;
  Result<int> first = makeError("unset", "");
  Result<int> second = makeError("unset", "");
  std::atomic<bool> release{false};
  boost::asio::co_spawn(io, [&]() -> boost::asio::awaitable<void> {
    first = co_await pool.run([&]() -> Result<int> {
      worker = std::this_thread::get_id();
      while (!release) std::this_thread::yield();
      return 42;
    });
  }, boost::asio::detached);
  boost::asio::co_spawn(io, [&]() -> boost::asio::awaitable<void> {
    second = co_await pool.run([]() -> Result<int> { return 7; });  // pool is full
    release = true;
  }, boost::asio::detached);
  io.run();
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(*first, 42);
  EXPECT_NE(worker, caller);
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.error().code, "overloaded");
  EXPECT_EQ(pool.rejected(), 1u);
}

TEST(WorkerPoolTest, ExceptionsBecomeErrors) {
  boost::asio::io_context io;
  WorkerPool pool("test", 1, 4);
  Result<int> r = makeError("unset", "");
  boost::asio::co_spawn(io, [&]() -> boost::asio::awaitable<void> {
    r = co_await pool.run([]() -> Result<int> { throw std::runtime_error("boom"); });
  }, boost::asio::detached);
  io.run();
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "internal");
}

}  // namespace
}  // namespace startales
