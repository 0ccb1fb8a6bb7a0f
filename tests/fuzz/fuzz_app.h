#pragma once

// The application the HTTP and WebSocket fuzz targets drive, wired as app/server_main.cc
// wires `startales serve`, minus the socket and the speech engines: a SQLite database in a
// temporary directory, accounts, campaigns on a simulation thread, the AI characters with the
// built-in engine, and a Router with the real routes (health, auth, campaigns, characters and
// the /ws gateway). Requests go through Router::match and the matched handler in-process, as
// net::Server would run them on a connection's strand.
//
// Made once per process (FuzzApp::get()); it logs in a player who owns campaign 1, running,
// so inputs reach authenticated paths: the targets replace "@TOKEN@" in an input by that
// player's bearer token. Argon2id runs at libsodium's minimum cost and the auth rate limits
// are effectively off, so registration and login stay cheap per run.

#include <boost/asio/awaitable.hpp>
#include <boost/json/value.hpp>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "net/http.h"

namespace startales::fuzz {

class FuzzApp {
 public:
  static FuzzApp& get();

  // The player's bearer token and their campaign's id.
  [[nodiscard]] const std::string& token() const;
  [[nodiscard]] int64_t campaignId() const;

  // Routes `request` (target, method, headers, body as parsed) through the router and runs the
  // handler; event-stream routes write into a buffer. 404/405 answers as net::Server gives
  // them. Aborts when a handler takes longer than 20 s (a hang is a finding).
  net::Response handle(net::Request request);

  // Opens a /ws session through the router's acceptor (as the upgrade request would, with
  // the player's token), sends each message to it as a text frame, then closes it. Returns
  // false when the acceptor refused. The session's replies are dropped (no socket).
  bool webSocket(const std::vector<std::string>& messages);

  // `input` with every "@TOKEN@" replaced by token().
  [[nodiscard]] std::string withToken(std::string_view input) const;

  struct Impl;

 private:
  FuzzApp();
  std::unique_ptr<Impl> impl_;
};

}  // namespace startales::fuzz
