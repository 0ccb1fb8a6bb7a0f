#pragma once

// startales-loadgen's settings, as parsed from the command line (main.cc). Every field is
// range-checked by CLI11 there; crossValidate() checks the combinations.

#include <cstdint>
#include <optional>
#include <string>

namespace startales::loadgen {

struct Options {
  std::string url = "http://127.0.0.1:4000";  // the server, http://host[:port]
  std::string urls;  // cluster: comma-separated nodes; player i's socket goes to node i % n
                     // (setup requests go to the first); empty: everything to `url`
  int players = 0;                            // accounts, WebSockets and civilizations
  int per_campaign = 4;                       // players per campaign (the last one may have fewer)
  int command_interval_ms = 1000;             // per player, between two commands, milliseconds
  int duration_s = 10;                        // measured window, seconds
  int systems = 40;                           // star systems per campaign
  int ai_empires = 0;                         // AI civilizations per campaign
  int tick_ms = 1000;                         // campaign tick, real milliseconds
  int threads = 2;                            // threads running the client's io_context
  int http_concurrency = 32;                  // setup requests in flight
  int connect_concurrency = 64;               // WebSocket handshakes + joins in flight
  int setup_timeout_s = 900;                  // whole setup (accounts, campaigns, sockets), seconds
  int drain_timeout_s = 10;     // after the window: wait this long for the last answers
  bool json = false;            // one JSON object on stdout instead of a summary
  bool quiet = false;           // no progress lines on stderr
  bool trace = false;           // print the first player's WebSocket traffic on stderr
  bool keep_campaigns = false;  // leave the campaigns running instead of deleting them
};

// Problems no single-flag range check catches; nullopt when the options are consistent.
inline std::optional<std::string> crossValidate(const Options& o) {
  const int civs = o.per_campaign + o.ai_empires;
  if (civs > 32) {
    return "--per-campaign + --ai-empires is " + std::to_string(civs) +
           " civilizations; a galaxy holds at most 32";
  }
  if (civs * 5 > o.systems) {
    return "--per-campaign " + std::to_string(o.per_campaign) + " + --ai-empires " +
           std::to_string(o.ai_empires) + " civilizations need at least " +
           std::to_string(civs * 5) + " --systems (5 per civilization), not " +
           std::to_string(o.systems);
  }
  return std::nullopt;
}

}  // namespace startales::loadgen
