#pragma once

// Server-Sent Events responses (text/event-stream): a handler that streams its answer, e.g.
// a character's reply token by token. Registered with Router::events().
//
// The handler first validates (answering errors as an ordinary Response), then calls send()
// for each event. The first send() writes the 200 headers; the body ends when the handler
// returns, and the connection closes then (no keep-alive after a stream).
//
// Threading: send() must be awaited from the handler's coroutine (the connection's strand),
// one at a time.

#include <boost/asio/awaitable.hpp>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "net/http.h"

namespace startales::net {

class EventStream {
 public:
  virtual ~EventStream() = default;
  // Writes "event: <event>\ndata: <data>\n\n" (data lines split at '\n'). False when the
  // client is gone or too slow (a write that takes longer than the server's write timeout);
  // the handler should stop its work then. By value: the coroutine outlives the caller's
  // temporaries.
  virtual boost::asio::awaitable<bool> send(std::string event, std::string data) = 0;
  // True once the headers are out (after the first send()).
  [[nodiscard]] virtual bool started() const = 0;
};

// nullopt: the stream was the answer. A Response: answered instead (only before any send()).
using EventHandler =
    std::function<boost::asio::awaitable<std::optional<Response>>(Request&, EventStream&)>;

// "event: NAME\ndata: ...\n\n" with one data line per line of `data`.
std::string formatEvent(std::string_view event, std::string_view data);

}  // namespace startales::net
