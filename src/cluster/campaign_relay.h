#pragma once

// The owner's side of a campaign other nodes' players use (cluster mode): answers the
// campaign's requests on the bus (commands, views, status, its state for a remote read(),
// chat) and relays each remote player socket's messages to that player's node, numbered so
// the node sees a gap (campaign_wire.h).
//
// A relay lives while its node keeps it alive ("keep" every few seconds); one not kept for
// kRelayTtl is dropped (its node died or lost the bus). The owner trusts what the forwarding
// node checked (the member's seat): the bus is the cluster's private network.
//
// Threading: bus handlers only parse and hand the request to a coroutine on `io`; serve(),
// stop() and the sweep take mu_. Thread-safe.

#include <boost/asio/io_context.hpp>
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "bus/bus.h"
#include "campaign/runtime.h"

namespace startales::cluster {

class CampaignRelay {
 public:
  static constexpr std::chrono::seconds kRelayTtl{15};

  // `bus` and `io` outlive this.
  CampaignRelay(bus::Bus& bus, boost::asio::io_context& io);
  ~CampaignRelay();

  // Answers campaign `id`'s requests from `runtime` from now on. "bus_*" when the bus
  // refuses the subscription.
  Result<void> serve(int64_t id, std::shared_ptr<campaign::CampaignRuntime> runtime);
  // Stops answering for `id`, drops its relays, and tells the relaying nodes it moved.
  void stop(int64_t id);
  // Drops relays not kept alive for kRelayTtl (called by the owner's loop).
  void sweep();
  // Relays (remote player sockets) this node feeds now.
  size_t relayCount() const;

 private:
  struct Relay;
  struct Served {
    std::shared_ptr<campaign::CampaignRuntime> runtime;
    std::unique_ptr<bus::Subscription> subscription;
    std::map<std::string, std::shared_ptr<Relay>> relays;  // "<node>/<key>"
  };

  void onRequest(int64_t id, bus::Message message);
  boost::asio::awaitable<void> answer(int64_t id, bus::Message message);
  boost::asio::awaitable<Result<boost::json::value>> handle(
      int64_t id, const std::shared_ptr<campaign::CampaignRuntime>& runtime,
      const boost::json::object& request);
  Result<boost::json::value> keep(int64_t id, const boost::json::object& request);

  bus::Bus& bus_;
  boost::asio::io_context& io_;
  mutable std::mutex mu_;
  std::map<int64_t, Served> served_;  // guarded by mu_
};

}  // namespace startales::cluster
