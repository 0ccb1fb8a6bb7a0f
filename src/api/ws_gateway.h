#pragma once

// The /ws game gateway: one WebSocket per player, JSON text messages both ways.
//   client → server: join {campaign, last_tick?}, leave, command {command}, chat {text},
//                    talk {character, text}, talk.cancel, recap {since}, ping,
//                    voice.start {character?}, binary audio frames, voice.end, voice.cancel
//   server → client: joined, snapshot, delta, event, chat, character.delta, character.done,
//                    character.remark, character.narration, recap, voice.result,
//                    voice.command, voice.audio + a binary frame, voice.done, ack, error, pong
// Every client message may carry an "id"; the answer (ack, joined, pong or error) echoes it.
// docs/protocol.md has every message with its fields and an example session.

#include <string_view>
#include <vector>

#include "ai/dialogue.h"
#include "api/auth_routes.h"
#include "api/ws_voice.h"
#include "campaign/campaign_access.h"
#include "net/router.h"

namespace startales::api {

// dialogue: nullable (then talk, talk.cancel and recap are unknown types); voice: nullable
// (then voice.* are unknown). Both outlive the router.
void addWsGateway(net::Router& router, const AuthDeps& auth, campaign::CampaignAccess& campaigns,
                  ai::DialogueService* dialogue, const VoiceDeps* voice);

// The client message types the gateway answers with these dependencies (null: absent), in the
// order docs/protocol.md lists them. `startales routes` prints them; the authorization matrix
// test (tests/integration/authz_matrix_test.cc) needs a row for each.
std::vector<std::string_view> wsMessageTypes(bool dialogue, bool voice);

}  // namespace startales::api
