// Request/reply round trip on the bus: LocalBus (in process) vs NatsBus through a real
// nats-server on loopback (started here, tests/support/nats_server.h). One requester, one
// responder on its own connection (another node), small and 4 KiB payloads.
//   build/dev/bench/bus_bench --benchmark_min_time=2

#include <benchmark/benchmark.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>
#include <optional>
#include <thread>

#include "bus/local_bus.h"
#include "bus/nats_bus.h"
#include "support/nats_server.h"

namespace startales::bus {
namespace {

using namespace std::chrono_literals;

void roundTrips(benchmark::State& state, Bus& requester, Bus& responder) {
  auto sub = responder.subscribe("bench.echo", "",
                                 [&responder](Message m) { (void)responder.reply(m, m.data); });
  if (!sub) {
    state.SkipWithError(sub.error().message.c_str());
    return;
  }
  const std::string payload(static_cast<size_t>(state.range(0)), 'x');
  boost::asio::io_context io;
  auto once = [&]() -> Result<std::string> {
    auto done = boost::asio::co_spawn(
        io,
        [&]() -> boost::asio::awaitable<std::optional<Result<std::string>>> {
          co_return co_await requester.request("bench.echo", payload, 5s);
        },
        boost::asio::use_future);
    io.restart();
    io.run();
    return std::move(*done.get());
  };
  for (int i = 0; i < 500; ++i) {  // until the subscription is in place on the server
    if (once().ok()) break;
    std::this_thread::sleep_for(10ms);
  }
  for (auto _ : state) {
    Result<std::string> r = once();
    if (!r) {
      state.SkipWithError(r.error().message.c_str());
      return;
    }
    benchmark::DoNotOptimize(r);
  }
  state.SetItemsProcessed(state.iterations());
}

void BM_LocalBusRequestReply(benchmark::State& state) {
  LocalBus bus;
  roundTrips(state, bus, bus);
}
BENCHMARK(BM_LocalBusRequestReply)->Arg(64)->Arg(4096)->UseRealTime();

// range(1): 1 = send_asap (the default), 0 = the library's flusher coalesces writes.
void BM_NatsBusRequestReply(benchmark::State& state) {
  auto server = testing::NatsServer::start();
  if (!server) {
    state.SkipWithError(server.error().message.c_str());
    return;
  }
  NatsConfig config;
  config.urls = {(*server)->url()};
  config.name = "bench-requester";
  config.send_asap = state.range(1) != 0;
  auto requester = NatsBus::connect(config);
  config.name = "bench-responder";
  auto responder = NatsBus::connect(config);
  if (!requester || !responder) {
    state.SkipWithError("cannot connect to the bench nats-server");
    return;
  }
  roundTrips(state, **requester, **responder);
}
BENCHMARK(BM_NatsBusRequestReply)->ArgsProduct({{64, 4096}, {1, 0}})->UseRealTime();

}  // namespace
}  // namespace startales::bus

BENCHMARK_MAIN();
