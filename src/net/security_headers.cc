#include "net/security_headers.h"

namespace startales::net {

void addSecurityHeaders(http::fields& headers) {
  headers.set("X-Content-Type-Options", "nosniff");
  headers.set("Referrer-Policy", "no-referrer");
  headers.set("X-Frame-Options", "DENY");
  if (headers.find("Content-Security-Policy") == headers.end()) {
    headers.set("Content-Security-Policy", kApiCsp);
  }
}

}  // namespace startales::net
