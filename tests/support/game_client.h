#pragma once

// Players for integration tests on the real binary: sign-up and login over REST, JSON POSTs
// with a status check, and a /ws client that speaks the game protocol (docs/protocol.md).

#include <boost/json/object.hpp>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "support/http_client.h"
#include "support/ws_client.h"

namespace startales::testing {

// Auth limits the tests' many sign-ups from one address cannot trip ("NAME=value").
extern const std::vector<std::string> kFastAuth;

struct Player {
  std::string name;
  std::string token;
  int64_t id = 0;
};

// Registers and logs in `name` (EXPECTs 201 and 200).
Player signUp(HttpClient& http, const std::string& name);

// POSTs JSON as `p`, EXPECTs `expect`, returns the JSON object ({} when the body is not one).
boost::json::object post(HttpClient& http, const std::string& path, const std::string& body,
                         const Player& p, int expect = 200);

// A /ws client that knows the game protocol.
class Gamer {
 public:
  Gamer(uint16_t port, const Player& p);

  // The next message ({} on timeout or close).
  boost::json::object next(std::chrono::milliseconds timeout = std::chrono::milliseconds(5000));
  void send(const boost::json::object& o);

  // Waits for a message of `type` with the given id (or an error with that id); every message
  // read is kept in seen().
  boost::json::object waitFor(const std::string& type, int64_t id = -1,
                              std::chrono::milliseconds timeout = std::chrono::milliseconds(8000));

  boost::json::object join(int64_t campaign, std::optional<int64_t> last_tick = std::nullopt);
  boost::json::object command(const boost::json::object& cmd);
  // A new request id.
  int64_t nextId() { return ++ids_; }

  std::vector<boost::json::object>& seen() { return seen_; }
  WsClient& raw() { return ws_; }

 private:
  WsClient ws_;
  int64_t ids_ = 0;
  std::vector<boost::json::object> seen_;
};

}  // namespace startales::testing
