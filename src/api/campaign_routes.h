#pragma once

// The campaign REST API (all JSON, Bearer auth): lobby, state and commands. Thin adapters
// over campaign::CampaignService; docs/protocol.md lists every route.

#include "api/auth_routes.h"
#include "campaign/service.h"
#include "net/router.h"

namespace startales::api {

void addCampaignRoutes(net::Router& router, const AuthDeps& auth,
                       campaign::CampaignService& campaigns);

}  // namespace startales::api
