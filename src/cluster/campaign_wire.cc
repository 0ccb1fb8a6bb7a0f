#include "cluster/campaign_wire.h"

#include <boost/json.hpp>
#include <cctype>
#include <charconv>

namespace startales::cluster::wire {

namespace json = boost::json;

std::string rpcSubject(int64_t campaign) {
  return "st.campaign." + std::to_string(campaign) + ".rpc";
}
std::string movedSubject(int64_t campaign) {
  return "st.campaign." + std::to_string(campaign) + ".moved";
}
std::string feedSubject(std::string_view node) {
  // A node name may hold dots (a host name): one subject token all the same.
  std::string token(node);
  for (char& ch : token) {
    if (!std::isalnum(static_cast<unsigned char>(ch)) && ch != '-' && ch != '_') ch = '_';
  }
  return "st.node." + token + ".feed";
}

std::string okReply(const json::value& value) {
  return json::serialize(json::object{{"ok", value}});
}

std::string errorReply(const Error& error) {
  // Internal details (a store's own text) stay on the owner: the sentence is the public one.
  const std::string message =
      error.internal ? "The campaign's server failed to answer; try again in a moment."
                     : error.message;
  return json::serialize(json::object{
      {"error",
       {{"code", error.code}, {"message", message}, {"retry_after", error.retry_after_s}}}});
}

Result<json::value> parseReply(std::string_view data) {
  boost::system::error_code ec;
  json::value v = json::parse(data, ec);
  if (ec || !v.is_object()) {
    return makeInternalError("bus_error", "An unreadable reply came over the bus.");
  }
  auto& o = v.as_object();
  if (auto* ok = o.if_contains("ok")) return *ok;
  const auto* e = o.if_contains("error");
  if (e == nullptr || !e->is_object()) {
    return makeInternalError("bus_error", "A reply over the bus had neither ok nor error.");
  }
  const auto& eo = e->as_object();
  const auto* code = eo.if_contains("code");
  const auto* message = eo.if_contains("message");
  Error out = makeError(code && code->is_string() ? std::string(code->as_string()) : "bus_error",
                        message && message->is_string() ? std::string(message->as_string())
                                                        : "The campaign's server failed.");
  if (const auto* r = eo.if_contains("retry_after"); r && r->is_int64()) {
    out.retry_after_s = static_cast<int>(r->as_int64());
  }
  return out;
}

Error forwarded(const Error& bus_error) {
  if (bus_error.code == "bus_no_responders") {
    Error e = makeError("campaign_moved",
                        "This campaign is moving to another server; try again in a moment.");
    e.retry_after_s = 1;
    return e;
  }
  if (bus_error.code == "bus_timeout") {
    Error e = makeError("bus_timeout",
                        "The campaign's server did not answer in time; send the command again "
                        "(with the same client id it is applied at most once).");
    e.retry_after_s = 1;
    return e;
  }
  if (bus_error.code == "bus_unavailable") {
    Error e = makeError("bus_unavailable",
                        "This server lost its link to the other servers for a moment; try again.");
    e.retry_after_s = 1;
    return e;
  }
  return bus_error;
}

std::string frame(std::string_view key, uint64_t seq, std::string_view message) {
  std::string out;
  out.reserve(key.size() + 22 + message.size());
  out.append(key);
  out.push_back(' ');
  out.append(std::to_string(seq));
  out.push_back('\n');
  out.append(message);
  return out;
}

std::optional<Frame> parseFrame(std::string_view data) {
  const size_t space = data.find(' ');
  const size_t newline = data.find('\n');
  if (space == std::string_view::npos || newline == std::string_view::npos || space > newline ||
      space == 0) {
    return std::nullopt;
  }
  Frame f;
  f.key = data.substr(0, space);
  auto [end, ec] = std::from_chars(data.data() + space + 1, data.data() + newline, f.seq);
  if (ec != std::errc() || end != data.data() + newline) return std::nullopt;
  f.message = data.substr(newline + 1);
  return f;
}

}  // namespace startales::cluster::wire
