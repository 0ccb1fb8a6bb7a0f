#pragma once

// Who may use the speech routes. Inside `serve` and `api` (/api/tts/*, /api/stt/*, the
// OpenAI-compatible ones too): a logged-in account (Bearer session token). In the standalone
// `startales stt` / `startales tts`: the configured service token (--speech-token), compared
// in constant time. Speech is the most expensive thing a request can ask for; nobody gets it
// anonymously.

#include <boost/asio/awaitable.hpp>
#include <optional>
#include <string>

#include "api/auth_routes.h"
#include "net/router.h"

namespace startales::api {

struct SpeechAccess {
  // Exactly one is used: `auth` when set (serve/api), else `service_token`. Both unset
  // refuses every request (fail closed).
  const AuthDeps* auth = nullptr;
  std::string service_token;  // standalone services; never empty there (checked at start)
};

// The caller's account (serve/api) or nullopt (a valid service token). Error "unauthorized"
// otherwise; answer it with speechRefusal().
boost::asio::awaitable<Result<std::optional<account::User>>> authorizeSpeech(
    const net::Request& req, const SpeechAccess& access);

// 401 + WWW-Authenticate: Bearer for "unauthorized", the usual mapping for anything else.
net::Response speechRefusal(const Error& error);

}  // namespace startales::api
