#pragma once

// The /ws game gateway: one WebSocket per player, JSON text messages both ways.
//   client → server: join {campaign, last_tick?}, leave, command {command}, chat {text}, ping
//   server → client: joined, snapshot, delta, event, chat, ack, error, pong
// Every client message may carry an "id"; the answer (ack, joined, pong or error) echoes it.
// docs/protocol.md has every message with its fields and an example session.

#include "api/auth_routes.h"
#include "campaign/service.h"
#include "net/router.h"

namespace startales::api {

void addWsGateway(net::Router& router, const AuthDeps& auth, campaign::CampaignService& campaigns);

}  // namespace startales::api
