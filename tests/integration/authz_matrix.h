#pragma once

// The authorization matrix's table (authz_matrix_test.cc drives it against the real binary):
// one row per route that `startales routes` lists and one per /ws message type, each with the
// answer every role gets on a public and on a private campaign. Keep it in step with
// docs/protocol.md ("Who may do what").

#include <array>
#include <string>
#include <vector>

namespace startales::testing::authz {

enum Role { kAnonymous, kStranger, kObserver, kPlayer, kOther, kHost, kRoleCount };
inline constexpr std::array<const char*, kRoleCount> kRoleNames = {
    "anonymous", "stranger", "observer", "player", "other player", "host"};

// HTTP status per role, in Role order.
using Statuses = std::array<int, kRoleCount>;

// The campaign a row's request names, and the state it must be in. kNone: no campaign.
enum class State { kNone, kLobby, kRunning, kPaused };

struct Row {
  std::string method;             // as `startales routes` prints it: "GET", "POST", ...
  std::string pattern;            // the route pattern, e.g. "/api/campaigns/{id}/join"
  std::string listener = "main";  // "main", or "metrics" (--metrics-listen)
  // The request target. Path parameters: {id} the campaign, {cid} the player's science advisor,
  // {pid} a proposal just made to the player, {n} a number unique in the run. Empty: pattern.
  std::string target;
  std::string body;
  State state = State::kNone;
  bool fresh = false;        // the request changes the campaign: a new one for every cell
                             // that expects a 2xx (the others share one it must not change)
  bool proposal = false;     // {pid}: the player asks the science advisor for one first
  bool own_session = false;  // ends or replaces the session: each cell logs in anew
  Statuses pub{};            // the answers on a public campaign (or when there is none)
  Statuses priv{};           // ... on a private one; unused when state is kNone
};

// One /ws client message. The driver adds "id". Expected replies per role, public and private:
// the reply's type, "error:<code>" for an error; anonymous cannot connect (401 on upgrade).
struct WsRow {
  std::string type;
  std::string message;  // JSON; {id} is the campaign, {cid} the player's science advisor
  std::array<std::string, kRoleCount> pub;
  std::array<std::string, kRoleCount> priv;
};

std::vector<Row> restRows();
// In the order they are sent on one connection (join first).
std::vector<WsRow> wsRows();

// The security headers every answer carries (net/security_headers.h).
inline constexpr const char* kApiCsp = "default-src 'none'; frame-ancestors 'none'";
inline constexpr const char* kClientCsp =
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
    "frame-ancestors 'none'";

}  // namespace startales::testing::authz
