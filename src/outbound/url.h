#pragma once

// Where a remote engine listens, from its URL: "http://HOST[:PORT][/base]".

#include <string>
#include <string_view>

#include "common/result.h"

namespace startales::outbound {

struct Endpoint {
  std::string host;       // a name, an IPv4 address or an IPv6 address (without brackets)
  std::string port;       // "80" when the URL has none
  std::string base_path;  // without a trailing '/', e.g. "" or "/v1"

  // "host:port" ("[::1]:port" for IPv6): for messages and the Host header.
  [[nodiscard]] std::string hostPort() const;
};

// Parses `url`. Refused, each with its own sentence naming `what` ("LLM", "STT", "TTS"): not a
// URL, a scheme other than http (https: put a TLS-terminating proxy in front), no host, a port
// that is not 1..65535, user info, a query or a fragment. Error code: `error_code`.
Result<Endpoint> parseUrl(std::string_view url, std::string_view what,
                          std::string_view error_code = "invalid_config");

// application/x-www-form-urlencoded / query-string encoding of one value.
std::string urlEncode(std::string_view value);

}  // namespace startales::outbound
