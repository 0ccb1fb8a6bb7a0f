#pragma once

// How cluster nodes talk about a campaign over the bus (docs/protocol.md, "Between nodes").
//
//   st.campaign.<id>.rpc   requests to the campaign's owner, one JSON object each:
//                          {"op":"command"|"view"|"status"|"state"|"chat"|"subscribe"|
//                           "unsubscribe"|"keep", ...}; the reply is {"ok": value} or
//                          {"error": {"code", "message", "retry_after"}}
//   st.campaign.<id>.moved published by an owner that stops owning the campaign: the nodes
//                          relaying it to their players subscribe again (to the next owner)
//   st.node.<node>.feed    what the owners send to node <node>'s players: frames of
//                          "<key> <seq>\n<message>", one per message for one player socket
//                          (<key>), numbered from 0 per subscription so a gap is seen
//
// Threading: pure functions.

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/result.h"

namespace startales::cluster::wire {

std::string rpcSubject(int64_t campaign);
std::string movedSubject(int64_t campaign);
std::string feedSubject(std::string_view node);

// {"ok": value}
std::string okReply(const boost::json::value& value);
// {"error": {...}} carrying the error's code, its public sentence and retry_after.
std::string errorReply(const Error& error);
// The value of an {"ok": ...} reply, or the error of an {"error": ...} one (or of an
// unreadable one: "bus_error").
Result<boost::json::value> parseReply(std::string_view data);

// A bus failure as a player reads it: no owner answering means the campaign is moving
// ("campaign_moved", retriable); a timeout means the outcome is unknown ("bus_timeout":
// resend with the same client id); otherwise the bus's own error.
Error forwarded(const Error& bus_error);

struct Frame {
  std::string_view key;
  uint64_t seq = 0;
  std::string_view message;
};
std::string frame(std::string_view key, uint64_t seq, std::string_view message);
// nullopt for a malformed frame.
std::optional<Frame> parseFrame(std::string_view data);

}  // namespace startales::cluster::wire
