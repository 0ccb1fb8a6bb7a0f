#pragma once

// The AI character API (Bearer auth): the cast, Character Card V2 export/import, a streamed
// conversation (Server-Sent Events), proposals and the game master's recap. Thin adapters over
// ai::DialogueService; docs/protocol.md lists every route.

#include "ai/dialogue.h"
#include "api/auth_routes.h"
#include "net/router.h"

namespace startales::api {

void addCharacterRoutes(net::Router& router, const AuthDeps& auth, ai::DialogueService& dialogue);

}  // namespace startales::api
