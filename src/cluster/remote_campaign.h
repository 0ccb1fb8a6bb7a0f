#pragma once

// The node's side of campaigns other nodes own (cluster mode): a LiveCampaign per campaign
// that forwards every call to the owner over the bus, and feeds this node's player sockets
// from the owner's relays (campaign_relay.h).
//
// A player socket's feed is resubscribed — to whoever owns the campaign by then, with the last
// tick it saw, so it gets the missing deltas or a fresh snapshot — when a frame is missing
// (a gap in the numbering), when the owner says it moved, or when a "keep" finds the relay
// gone. While no node owns it (a failover), it retries for up to kResubscribeFor, then tells
// the player with an error message.
//
// Threading: thread-safe. Bus handlers only look up the socket and deliver (Subscriber::
// deliver must not block); every request runs in a coroutine on `io`.

#include <boost/asio/io_context.hpp>
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <boost/asio/strand.hpp>
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

#include "bus/bus.h"
#include "campaign/live_campaign.h"

namespace startales::cluster {

class RemoteCampaign;

class RemoteCampaigns {
 public:
  static constexpr std::chrono::seconds kKeepEvery{5};
  static constexpr std::chrono::seconds kResubscribeFor{30};
  // The owner's durable append takes milliseconds; a timeout (a dead owner never answers) is
  // safe to retry: the client command id makes the retry answer the first outcome.
  static constexpr std::chrono::milliseconds kCommandTimeout{2000};
  static constexpr std::chrono::milliseconds kRequestTimeout{2000};

  // `bus` and `io` outlive this. `node`: this node's name (its feed's subject).
  RemoteCampaigns(bus::Bus& bus, std::string node, boost::asio::io_context& io);
  ~RemoteCampaigns();

  // Subscribes this node's feed and starts the keep-alive loop.
  Result<void> start();
  void stop();

  // The handle of campaign `id` (one per campaign while anyone holds it).
  std::shared_ptr<campaign::LiveCampaign> open(int64_t id);

  // Player sockets fed from other nodes now.
  size_t feedCount() const;
  // Declares cluster_forwarded_requests_total{op,outcome} and
  // cluster_forwarded_request_seconds{op} on `registry`; call once before start().
  void registerMetrics(prometheus::Registry& registry);

 private:
  friend class RemoteCampaign;
  struct Feed;  // one player socket's subscription

  void onFrame(const bus::Message& message);
  boost::asio::awaitable<void> keepLoop();
  // (Re)subscribes `feed` under a fresh key, retrying while the campaign has no owner.
  void resubscribe(std::shared_ptr<Feed> feed, std::chrono::milliseconds delay);
  boost::asio::awaitable<void> resubscribeLoop(std::shared_ptr<Feed> feed,
                                               std::chrono::milliseconds delay);
  boost::asio::awaitable<Result<boost::json::value>> call(int64_t id, boost::json::object request,
                                                          std::chrono::milliseconds timeout);
  std::string newKey();
  void count(const std::string& op, const std::string& outcome, double seconds);
  void movedNotice(int64_t id);

  bus::Bus& bus_;
  const std::string node_;
  boost::asio::io_context& io_;
  std::unique_ptr<bus::Subscription> feed_subscription_;
  prometheus::Family<prometheus::Counter>* requests_ = nullptr;    // set by registerMetrics
  prometheus::Family<prometheus::Histogram>* seconds_ = nullptr;   // likewise
  std::atomic<bool> stopped_{false};

  mutable std::mutex mu_;
  uint64_t next_key_ = 0;                                   // guarded by mu_
  std::map<std::string, std::shared_ptr<Feed>> feeds_;      // by current key; guarded by mu_
  std::map<int64_t, std::weak_ptr<RemoteCampaign>> open_;   // guarded by mu_
  std::map<int64_t, std::unique_ptr<bus::Subscription>> moved_;  // guarded by mu_
};

}  // namespace startales::cluster
