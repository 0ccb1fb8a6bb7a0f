#pragma once

// Headers on every answer of the server (net/server.cc adds them to each response it writes,
// errors and refusals included; the WebSocket handshake carries them too):
//   X-Content-Type-Options: nosniff       no answer is ever sniffed into another type
//   Referrer-Policy: no-referrer          URLs (campaign ids, ?token=) never leave in Referer
//   X-Frame-Options: DENY                 for browsers without CSP frame-ancestors
//   Content-Security-Policy               kApiCsp unless the response already has one (the web
//                                         client's HTML sets kClientCsp, net/static_files.cc)

#include <string_view>

#include "net/http.h"

namespace startales::net {

// The web client (web/): its own scripts, styles and worklet only (no inline script or style,
// no eval), images also from data: (the favicon), fetch/WebSocket to this origin only, never
// framed.
inline constexpr std::string_view kClientCsp =
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
    "frame-ancestors 'none'";

// Everything else (JSON, audio, event streams, metrics): nothing to load, never framed.
inline constexpr std::string_view kApiCsp = "default-src 'none'; frame-ancestors 'none'";

// Sets the headers above; keeps a Content-Security-Policy already set.
void addSecurityHeaders(http::fields& headers);

}  // namespace startales::net
