#include "outbound/url.h"

#include <boost/url/parse.hpp>
#include <cctype>
#include <charconv>

namespace startales::outbound {

std::string Endpoint::hostPort() const {
  const bool ipv6 = host.find(':') != std::string::npos;
  return (ipv6 ? "[" + host + "]" : host) + ":" + port;
}

Result<Endpoint> parseUrl(std::string_view url, std::string_view what,
                          std::string_view error_code) {
  const std::string quoted = "'" + std::string(url) + "'";
  const std::string name(what);
  auto refuse = [&](const std::string& message) {
    return makeError(std::string(error_code), message);
  };
  auto parsed = boost::urls::parse_uri(url);
  if (!parsed) return refuse("The " + name + " URL " + quoted + " is not a URL.");
  if (parsed->has_userinfo()) {  // not quoted: it may hold a password
    return refuse("The " + name + " URL has user info (user:password@); pass credentials as an " +
                  "API key instead.");
  }
  if (parsed->scheme() != "http") {
    return refuse("Only http:// " + name + " URLs are supported (" + quoted +
                  "); put a TLS-terminating proxy in front for https.");
  }
  Endpoint ep;
  ep.host = std::string(parsed->host_address());
  if (ep.host.empty()) return refuse("The " + name + " URL " + quoted + " has no host.");
  if (parsed->has_query() || parsed->has_fragment()) {
    return refuse("The " + name + " URL " + quoted + " has a query or a fragment; give only " +
                  "scheme, host, port and path.");
  }
  ep.port = "80";
  if (parsed->has_port()) {
    const std::string_view port = parsed->port();
    int value = 0;
    auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
    if (port.empty() || ec != std::errc() || end != port.data() + port.size() || value < 1 ||
        value > 65535) {
      return refuse("The " + name + " URL " + quoted + " has an invalid port (1..65535).");
    }
    ep.port = std::to_string(value);
  }
  ep.base_path = std::string(parsed->encoded_path());
  while (!ep.base_path.empty() && ep.base_path.back() == '/') ep.base_path.pop_back();
  return ep;
}

std::string urlEncode(std::string_view value) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (char c : value) {
    auto u = static_cast<unsigned char>(c);
    if (std::isalnum(u) || c == '-' || c == '_' || c == '.' || c == '~') {
      out.push_back(c);
    } else {
      out.push_back('%');
      out.push_back(kHex[u >> 4]);
      out.push_back(kHex[u & 15]);
    }
  }
  return out;
}

}  // namespace startales::outbound
