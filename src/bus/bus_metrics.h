#pragma once

// Bus metrics, declared once per registry (a process has one bus):
//   bus_messages_published_total          publishes, requests and replies sent
//   bus_messages_received_total           messages handed to subscription handlers
//   bus_requests_total{outcome}           requests finished: ok | timeout | no_responders |
//                                         unavailable | error
//   bus_request_duration_seconds          histogram: request sent → outcome
//   bus_reconnects_total                  connections re-established after a drop
//   bus_disconnects_total                 connections dropped
//   bus_slow_consumer_total               slow-consumer episodes: a subscription's pending
//                                         limit was reached and messages were dropped
//   bus_messages_dropped_total            messages dropped for slow consumers (LocalBus counts
//                                         each; NatsBus counts what the client library reports
//                                         when an episode starts and when the
//                                         subscription closes)
//   bus_connected                         gauge: 1 connected, 0 not
// Thread-safe.

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>

#include <string_view>

namespace prometheus {
class Registry;
}

namespace startales::bus {

class BusMetrics {
 public:
  explicit BusMetrics(prometheus::Registry& registry);

  void published() { published_.Increment(); }
  void received() { received_.Increment(); }
  // outcome: ok | timeout | no_responders | unavailable | error
  void request(std::string_view outcome, double seconds);
  void reconnected() { reconnects_.Increment(); }
  void disconnected() { disconnects_.Increment(); }
  void slowConsumer() { slow_consumer_.Increment(); }
  void dropped(double messages) { dropped_.Increment(messages); }
  void setConnected(bool up) { connected_.Set(up ? 1 : 0); }

  // Current values (tests, /api/ready).
  double reconnects() const { return reconnects_.Value(); }
  double disconnects() const { return disconnects_.Value(); }
  double slowConsumers() const { return slow_consumer_.Value(); }
  double droppedMessages() const { return dropped_.Value(); }
  double requests(std::string_view outcome) const;

 private:
  prometheus::Counter& outcomeCounter(std::string_view outcome) const;

  prometheus::Counter& published_;
  prometheus::Counter& received_;
  prometheus::Family<prometheus::Counter>& requests_;
  prometheus::Counter& ok_;
  prometheus::Counter& timeout_;
  prometheus::Counter& no_responders_;
  prometheus::Counter& unavailable_;
  prometheus::Counter& error_;
  prometheus::Histogram& duration_;
  prometheus::Counter& reconnects_;
  prometheus::Counter& disconnects_;
  prometheus::Counter& slow_consumer_;
  prometheus::Counter& dropped_;
  prometheus::Gauge& connected_;
};

}  // namespace startales::bus
