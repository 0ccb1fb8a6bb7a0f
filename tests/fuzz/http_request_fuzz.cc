// The HTTP request path: raw bytes as a client sends them, parsed by Beast's request parser
// with the server's limits (net::ServerConfig), then routed through the real Router to the
// real handlers (fuzz_app.h). "@TOKEN@" in the input becomes a logged-in player's bearer
// token, so authenticated routes are reached. Every answer must be a valid HTTP status with,
// for errors, the one JSON error shape.

#include <boost/beast/http/parser.hpp>
#include <boost/json.hpp>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "fuzz/fuzz_app.h"
#include "net/server.h"

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  (void)startales::fuzz::FuzzApp::get();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  namespace http = startales::net::http;
  auto& app = startales::fuzz::FuzzApp::get();
  const std::string input = app.withToken({reinterpret_cast<const char*>(data), size});
  const startales::net::ServerConfig limits;
  http::request_parser<http::string_body> parser;
  parser.header_limit(static_cast<uint32_t>(limits.max_header_bytes));
  parser.body_limit(limits.max_body_bytes);
  parser.eager(true);
  boost::system::error_code ec;
  parser.put(boost::asio::buffer(input), ec);
  if (!ec && !parser.is_done()) parser.put_eof(ec);
  if (ec || !parser.is_done()) return 0;  // net::Server answers 400/413/431 without routing

  startales::net::Request req;
  req.http = parser.release();
  startales::net::Response res = app.handle(std::move(req));
  const unsigned status = res.result_int();
  if (status < 100 || status > 599) std::abort();
  if (status >= 400 && status != 426) {  // every error is {"error":{"code","message"}}
    boost::system::error_code jec;
    auto body = boost::json::parse(res.body(), jec);
    if (jec || !body.is_object()) std::abort();
    const auto* error = body.as_object().if_contains("error");
    if (!error || !error->is_object() || !error->as_object().contains("code") ||
        !error->as_object().contains("message")) {
      std::abort();
    }
  }
  return 0;
}
