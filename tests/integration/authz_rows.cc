// The rows of the authorization matrix (authz_matrix.h). Statuses in role order:
//            anonymous, stranger, observer, player, other player, host.
// The campaign fixture (authz_matrix_test.cc): the host created it (civ 0), "player" and
// "other player" joined as players, "observer" as an observer; the stranger is logged in but
// no member. A stranger on a private campaign gets exactly what a campaign id nobody created
// gets (the driver compares the bodies), so every such cell is 404.

#include "integration/authz_matrix.h"

namespace startales::testing::authz {

namespace {

constexpr int kOk = 200, kCreated = 201, kAccepted = 202, kNoContent = 204;
constexpr int kBad = 400, kUnauth = 401, kForbidden = 403, kMissing = 404, kConflict = 409;

Row http(std::string method, std::string pattern, Statuses all) {
  Row r;
  r.method = std::move(method);
  r.pattern = std::move(pattern);
  r.pub = all;
  r.priv = all;
  return r;
}

// A route about one campaign in `state`: `pub` on a public campaign; on a private one the
// same but the stranger's 404.
Row campaign(std::string method, std::string pattern, State state, Statuses pub) {
  Row r = http(std::move(method), std::move(pattern), pub);
  r.state = state;
  r.priv[kStranger] = kMissing;
  return r;
}

Row with(Row r, std::string body) {
  r.body = std::move(body);
  return r;
}
Row at(Row r, std::string target) {
  r.target = std::move(target);
  return r;
}
Row fresh(Row r) {
  r.fresh = true;
  return r;
}
Row proposal(Row r) {
  r.proposal = true;
  return r;
}

constexpr auto kRunning = State::kRunning;
constexpr auto kLobby = State::kLobby;

}  // namespace

std::vector<Row> restRows() {
  std::vector<Row> rows;
  auto add = [&](Row r) { rows.push_back(std::move(r)); };

  // Accounts, health, metrics: no campaign.
  add(with(http("POST", "/api/auth/register", {kCreated, kCreated, kCreated, kCreated, kCreated,
                                                kCreated}),
           R"({"username":"reg{n}","password":"a long secret"})"));
  add(with(http("POST", "/api/auth/login", {kUnauth, kUnauth, kUnauth, kUnauth, kUnauth, kUnauth}),
           R"({"username":"nobody","password":"not the password"})"));
  Row refresh = http("POST", "/api/auth/refresh", {kUnauth, kOk, kOk, kOk, kOk, kOk});
  refresh.own_session = true;
  add(refresh);
  Row logout = http("POST", "/api/auth/logout",
                    {kUnauth, kNoContent, kNoContent, kNoContent, kNoContent, kNoContent});
  logout.own_session = true;
  add(logout);
  add(http("GET", "/api/me", {kUnauth, kOk, kOk, kOk, kOk, kOk}));
  add(http("GET", "/api/health", {kOk, kOk, kOk, kOk, kOk, kOk}));
  add(http("GET", "/api/ready", {kOk, kOk, kOk, kOk, kOk, kOk}));
  // On the main port only with --metrics-token, and then only to that token (a login is not it).
  add(http("GET", "/metrics", {kUnauth, kUnauth, kUnauth, kUnauth, kUnauth, kUnauth}));
  Row scrape = http("GET", "/metrics", {kOk, kOk, kOk, kOk, kOk, kOk});
  scrape.listener = "metrics";  // a private address: whoever reaches it may read
  add(scrape);

  // The lobby.
  add(with(http("POST", "/api/campaigns", {kUnauth, kCreated, kCreated, kCreated, kCreated,
                                           kCreated}),
           R"({"name":"Extra","systems":20,"ai_empires":0,"max_players":1})"));
  add(http("GET", "/api/campaigns", {kUnauth, kOk, kOk, kOk, kOk, kOk}));  // + list contents
  add(campaign("GET", "/api/campaigns/{id}", kRunning, {kUnauth, kOk, kOk, kOk, kOk, kOk}));
  add(fresh(campaign("DELETE", "/api/campaigns/{id}", kLobby,
                     {kUnauth, kForbidden, kForbidden, kForbidden, kForbidden, kNoContent})));
  // A stranger joins a public lobby; a private one needs its invite code (none sent here).
  add(with(fresh(campaign("POST", "/api/campaigns/{id}/join", kLobby,
                          {kUnauth, kOk, kConflict, kConflict, kConflict, kConflict})),
           "{}"));
  add(fresh(campaign("POST", "/api/campaigns/{id}/leave", kLobby,
                     {kUnauth, kForbidden, kOk, kOk, kOk, kConflict})));
  add(with(fresh(campaign("POST", "/api/campaigns/{id}/ready", kLobby,
                          {kUnauth, kForbidden, kForbidden, kOk, kOk, kOk})),
           "{}"));
  add(fresh(campaign("POST", "/api/campaigns/{id}/start", kLobby,
                     {kUnauth, kForbidden, kForbidden, kForbidden, kForbidden, kOk})));
  add(fresh(campaign("POST", "/api/campaigns/{id}/pause", kRunning,
                     {kUnauth, kForbidden, kForbidden, kForbidden, kForbidden, kOk})));
  add(fresh(campaign("POST", "/api/campaigns/{id}/resume", State::kPaused,
                     {kUnauth, kForbidden, kForbidden, kForbidden, kForbidden, kOk})));

  // Playing.
  add(campaign("GET", "/api/campaigns/{id}/state", kRunning,
               {kUnauth, kForbidden, kOk, kOk, kOk, kOk}));
  add(with(campaign("POST", "/api/campaigns/{id}/commands", kRunning,
                    {kUnauth, kForbidden, kForbidden, kAccepted, kAccepted, kAccepted}),
           R"({"type":"set_policy","tax_rate":25})"));
  add(campaign("GET", "/api/campaigns/{id}/commands", kRunning,
               {kUnauth, kForbidden, kOk, kOk, kOk, kOk}));

  // Characters: {cid} is the player's science advisor, in no one else's cabinet.
  const Statuses cabinet = {kUnauth, kForbidden, kForbidden, kOk, kForbidden, kForbidden};
  add(campaign("GET", "/api/campaigns/{id}/characters", kRunning,
               {kUnauth, kForbidden, kOk, kOk, kOk, kOk}));
  add(campaign("GET", "/api/campaigns/{id}/characters/{cid}", kRunning, cabinet));
  add(campaign("GET", "/api/campaigns/{id}/characters/{cid}/card", kRunning, cabinet));
  // The player is let through to the card's validation ({} is no Character Card V2).
  add(with(campaign("PUT", "/api/campaigns/{id}/characters/{cid}/card", kRunning,
                    {kUnauth, kForbidden, kForbidden, kBad, kForbidden, kForbidden}),
           "{}"));
  add(campaign("GET", "/api/campaigns/{id}/characters/{cid}/messages", kRunning, cabinet));
  add(with(campaign("POST", "/api/campaigns/{id}/characters/{cid}/messages", kRunning, cabinet),
           R"({"text":"How are our finances?"})"));
  add(campaign("GET", "/api/campaigns/{id}/proposals", kRunning,
               {kUnauth, kForbidden, kOk, kOk, kOk, kOk}));
  // {pid} was made to the player: only the player decides it. Approving changes the game, so
  // each cell gets its own campaign.
  const Statuses decide = cabinet;
  for (const char* prefix : {"/api/campaigns/{id}", "/api/campaigns/{id}/characters/{cid}"}) {
    const std::string base = std::string(prefix) + "/proposals/{pid}/";
    add(fresh(proposal(campaign("POST", base + "approve", kRunning, decide))));
    add(proposal(campaign("POST", base + "reject", kRunning, decide)));
  }
  add(campaign("GET", "/api/campaigns/{id}/recap", kRunning,
               {kUnauth, kForbidden, kOk, kOk, kOk, kOk}));

  // Speech needs an account (api/speech_auth.h). Grammar mode names a campaign: its seat is
  // checked before the audio (none sent, so a player gets 400). The others name none.
  add(at(campaign("POST", "/api/stt/transcribe", kRunning,
                  {kUnauth, kForbidden, kForbidden, kBad, kBad, kBad}),
         "/api/stt/transcribe?campaign={id}"));
  add(http("POST", "/api/stt/v1/audio/transcriptions", {kUnauth, kBad, kBad, kBad, kBad, kBad}));
  add(http("GET", "/api/stt/models", {kUnauth, kOk, kOk, kOk, kOk, kOk}));
  add(with(http("POST", "/api/tts/synthesize", {kUnauth, kBad, kBad, kBad, kBad, kBad}), "{}"));
  add(with(http("POST", "/api/tts/v1/audio/speech", {kUnauth, kBad, kBad, kBad, kBad, kBad}), "{}"));
  add(http("POST", "/api/tts/clone-voice", {kUnauth, kBad, kBad, kBad, kBad, kBad}));
  add(http("GET", "/api/tts/voices", {kUnauth, kOk, kOk, kOk, kOk, kOk}));
  return rows;
}

std::vector<WsRow> wsRows() {
  const std::string no = "error:not_joined";
  // Public: a stranger may not attach; private: it does not exist for them.
  return {
      {"ping", R"({"type":"ping"})",
       {"", "pong", "pong", "pong", "pong", "pong"},
       {"", "pong", "pong", "pong", "pong", "pong"}},
      {"join", R"({"type":"join","campaign":{id}})",
       {"", "error:forbidden", "joined", "joined", "joined", "joined"},
       {"", "error:not_found", "joined", "joined", "joined", "joined"}},
      {"command", R"({"type":"command","command":{"type":"set_policy","tax_rate":26}})",
       {"", no, "error:forbidden", "ack", "ack", "ack"},
       {"", no, "error:forbidden", "ack", "ack", "ack"}},
      {"chat", R"({"type":"chat","text":"hello"})",
       {"", no, "ack", "ack", "ack", "ack"},
       {"", no, "ack", "ack", "ack", "ack"}},
      {"talk", R"({"type":"talk","character":{cid},"text":"How are our finances?"})",
       {"", no, "error:forbidden", "ack", "error:forbidden", "error:forbidden"},
       {"", no, "error:forbidden", "ack", "error:forbidden", "error:forbidden"}},
      {"talk.cancel", R"({"type":"talk.cancel"})",
       {"", "ack", "ack", "ack", "ack", "ack"},
       {"", "ack", "ack", "ack", "ack", "ack"}},
      {"recap", R"({"type":"recap","since":0})",
       {"", no, "recap", "recap", "recap", "recap"},
       {"", no, "recap", "recap", "recap", "recap"}},
      {"voice.start", R"({"type":"voice.start"})",
       {"", no, "ack", "ack", "ack", "ack"},
       {"", no, "ack", "ack", "ack", "ack"}},
      // No audio was sent: a member is let through to the audio check.
      {"voice.end", R"({"type":"voice.end"})",
       {"", "error:voice_not_started", "error:invalid_audio", "error:invalid_audio",
        "error:invalid_audio", "error:invalid_audio"},
       {"", "error:voice_not_started", "error:invalid_audio", "error:invalid_audio",
        "error:invalid_audio", "error:invalid_audio"}},
      {"voice.cancel", R"({"type":"voice.cancel"})",
       {"", "ack", "ack", "ack", "ack", "ack"},
       {"", "ack", "ack", "ack", "ack", "ack"}},
      {"leave", R"({"type":"leave"})",
       {"", "left", "left", "left", "left", "left"},
       {"", "left", "left", "left", "left", "left"}},
  };
}

}  // namespace startales::testing::authz
