// `startales healthcheck URL`: a container's HEALTHCHECK without curl in the image. One GET
// through the outbound client (no retries, one deadline for connect + reply); exit 0 on 2xx,
// otherwise one line on stderr saying what answered and exit 1.

#include <iostream>
#include <string>

#include "app/commands.h"
#include "outbound/http_client.h"
#include "outbound/url.h"

namespace startales::app {

int runHealthcheck(const HealthcheckOptions& options) {
  auto endpoint = outbound::parseUrl(options.url, "health check");
  if (!endpoint) {
    std::cerr << "startales healthcheck: " << endpoint.error().message << "\n";
    return 2;
  }
  outbound::HttpClient client(*endpoint, {"healthcheck", "HTTP", "cancelled"});
  outbound::Policy policy;
  policy.connect_timeout_ms = options.timeout_ms;
  policy.total_timeout_ms = options.timeout_ms;
  policy.max_retries = 0;
  policy.max_body_bytes = 1u << 20;
  outbound::Request request;
  request.target = endpoint->base_path.empty() ? "/" : endpoint->base_path;
  auto reply = client.callBlocking(std::move(request), policy);
  if (!reply) {
    std::cerr << "startales healthcheck: " << reply.error().message << "\n";
    return 1;
  }
  if (reply->status < 200 || reply->status > 299) {
    std::string body = reply->body.substr(0, 200);
    for (char& c : body) {
      if (c == '\n' || c == '\r') c = ' ';
    }
    std::cerr << "startales healthcheck: " << options.url << " answered HTTP " << reply->status
              << (body.empty() ? "" : ": ") << body << "\n";
    return 1;
  }
  return 0;
}

}  // namespace startales::app
