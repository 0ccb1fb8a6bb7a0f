#pragma once

// The message bus between cluster nodes: fire-and-forget publish, subscriptions (fan-out or
// queue groups) and request/reply with a timeout. Two implementations behind one interface,
// chosen by configuration: LocalBus (in process, `serve` and unit tests) and NatsBus (a NATS
// server, the `api` role). Subjects are NATS subjects: dot-separated tokens; a subscription
// may use `*` (one token) and a final `>` (one or more tokens).
//
// Delivery is at most once: a message published while a subscriber is being set up, while a
// NATS connection is dropping or beyond a subscription's pending limit is lost, never
// retried. Callers that need more (forwarded commands, deltas) detect loss themselves
// (request timeouts, sequence numbers).

#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "common/result.h"

namespace startales::bus {

struct Message {
  std::string subject;  // the subject it was published on (not the subscription's pattern)
  std::string reply;    // where a request wants its reply (empty for a plain publish)
  std::string data;
};

// Runs on the bus's delivery thread: must be quick and never block (post real work to an
// executor). Messages of one subscription are delivered in order, one at a time. An
// exception thrown by a handler is logged and the message dropped.
using Handler = std::function<void(Message)>;

// Unsubscribes when destroyed; once the destructor returns the handler is never called again
// (also when it is destroyed from inside its own handler). May outlive its bus: then it only
// releases its resources.
class Subscription {
 public:
  virtual ~Subscription() = default;
};

class Bus {
 public:
  virtual ~Bus() = default;

  // Fire and forget. "bus_unavailable" when not connected (then nothing was sent: no silent
  // buffering); "bus_payload_too_large" beyond maxPayload(); "invalid_argument" for a subject
  // that is empty, has an empty token, whitespace or a wildcard.
  virtual Result<void> publish(std::string_view subject, std::string_view data) = 0;

  // queue empty: every subscriber gets each message; non-empty: one member of the queue
  // group gets it. "invalid_argument" for a malformed subject or queue name. A NatsBus takes
  // a subscription while disconnected too: it receives once the connection is back. Messages
  // published by other connections reach it once the server has processed it (about one
  // round trip).
  virtual Result<std::unique_ptr<Subscription>> subscribe(std::string subject, std::string queue,
                                                          Handler handler) = 0;

  // Request/reply; completes on the awaiting coroutine's executor with the reply's data or:
  // "bus_timeout" (no reply in time: the request may or may not have been handled),
  // "bus_no_responders" (nobody subscribed: certainly not handled),
  // "bus_unavailable" (not connected, or the connection dropped while waiting: retriable),
  // "bus_payload_too_large", "invalid_argument" (as publish).
  // Never blocks the calling thread. The reply wins if it arrives before the timeout.
  virtual boost::asio::awaitable<Result<std::string>> request(
      std::string subject, std::string data, std::chrono::milliseconds timeout) = 0;

  // Answers a request received by a handler. "invalid_argument" if it wanted no reply;
  // otherwise as publish.
  virtual Result<void> reply(const Message& request, std::string_view data) = 0;

  virtual bool connected() const = 0;

  // The largest data accepted by publish, request and reply, in bytes (NATS: the server's
  // max_payload, 1 MiB by default).
  virtual size_t maxPayload() const = 0;
};

// "invalid_argument" unless `subject` is a valid subject: non-empty dot-separated tokens
// without whitespace; with `wildcards`, a token may be `*` and the last one `>`.
Result<void> checkSubject(std::string_view subject, bool wildcards);
// True when the concrete `subject` matches the subscription `pattern` (which may hold
// wildcards).
bool subjectMatches(std::string_view pattern, std::string_view subject);

}  // namespace startales::bus
