#include "bus/bus_metrics.h"

#include <prometheus/registry.h>

namespace startales::bus {
namespace {

prometheus::Counter& counter(prometheus::Registry& registry, const char* name, const char* help) {
  return prometheus::BuildCounter().Name(name).Help(help).Register(registry).Add({});
}

}  // namespace

BusMetrics::BusMetrics(prometheus::Registry& registry)
    : published_(counter(registry, "bus_messages_published_total",
                         "Messages sent on the bus: publishes, requests and replies.")),
      received_(counter(registry, "bus_messages_received_total",
                        "Messages handed to this node's subscription handlers.")),
      requests_(prometheus::BuildCounter()
                    .Name("bus_requests_total")
                    .Help("Bus requests finished, by outcome: ok, timeout, no_responders, "
                          "unavailable, error.")
                    .Register(registry)),
      ok_(requests_.Add({{"outcome", "ok"}})),
      timeout_(requests_.Add({{"outcome", "timeout"}})),
      no_responders_(requests_.Add({{"outcome", "no_responders"}})),
      unavailable_(requests_.Add({{"outcome", "unavailable"}})),
      error_(requests_.Add({{"outcome", "error"}})),
      duration_(
          prometheus::BuildHistogram()
              .Name("bus_request_duration_seconds")
              .Help("Bus request sent to its outcome (reply, timeout or error), seconds.")
              .Register(registry)
              .Add({}, prometheus::Histogram::BucketBoundaries{0.0001, 0.00025, 0.0005, 0.001,
                                                               0.0025, 0.005, 0.01, 0.025, 0.05,
                                                               0.1, 0.25, 0.5, 1, 2.5, 5, 10})),
      reconnects_(counter(registry, "bus_reconnects_total",
                          "Bus connections re-established after a drop.")),
      disconnects_(counter(registry, "bus_disconnects_total", "Bus connections dropped.")),
      slow_consumer_(counter(registry, "bus_slow_consumer_total",
                             "Slow-consumer episodes: a subscription fell behind its pending "
                             "limit and messages were dropped.")),
      dropped_(counter(registry, "bus_messages_dropped_total",
                       "Messages dropped because their subscription was a slow consumer.")),
      connected_(prometheus::BuildGauge()
                     .Name("bus_connected")
                     .Help("1 when the bus is connected, 0 when not.")
                     .Register(registry)
                     .Add({})) {}

prometheus::Counter& BusMetrics::outcomeCounter(std::string_view outcome) const {
  if (outcome == "ok") return ok_;
  if (outcome == "timeout") return timeout_;
  if (outcome == "no_responders") return no_responders_;
  if (outcome == "unavailable") return unavailable_;
  return error_;
}

void BusMetrics::request(std::string_view outcome, double seconds) {
  outcomeCounter(outcome).Increment();
  duration_.Observe(seconds);
}

double BusMetrics::requests(std::string_view outcome) const {
  return outcomeCounter(outcome).Value();
}

}  // namespace startales::bus
