#pragma once

// The /ws game gateway: one WebSocket per player, JSON text messages both ways.
//   client → server: join {campaign, last_tick?}, leave, command {command}, chat {text},
//                    talk {character, text}, talk.cancel, recap {since}, ping
//   server → client: joined, snapshot, delta, event, chat, character.delta, character.done,
//                    character.remark, character.narration, recap, ack, error, pong
// Every client message may carry an "id"; the answer (ack, joined, pong or error) echoes it.
// docs/protocol.md has every message with its fields and an example session.

#include "ai/dialogue.h"
#include "api/auth_routes.h"
#include "campaign/service.h"
#include "net/router.h"

namespace startales::api {

// dialogue: nullable (then talk, talk.cancel and recap are unknown types).
void addWsGateway(net::Router& router, const AuthDeps& auth, campaign::CampaignService& campaigns,
                  ai::DialogueService* dialogue);

}  // namespace startales::api
