#pragma once

// The speech-to-text service (issue 6), mounted at a prefix: "" for `startales stt`,
// "/api/stt" inside `startales serve`.
//   POST {prefix}/transcribe                 multipart field "audio" or a raw audio/wav body;
//                                            ?mode=grammar|dictation&campaign=ID
//   POST {prefix}/v1/audio/transcriptions    OpenAI-compatible (multipart "file", "model",
//                                            "response_format" json|text|verbose_json)
//   GET  {prefix}/models                     the engine and its modes
// Every route needs an account or the service token (api/speech_auth.h). Decoding runs on the
// speech pool (never the pool that checks tokens and talks to the database); a saturated pool
// or engine answers 503 + Retry-After.

#include <functional>
#include <memory>
#include <string>

#include "api/auth_routes.h"
#include "api/speech_auth.h"
#include "campaign/campaign_access.h"
#include "common/worker_pool.h"
#include "net/router.h"
#include "voice/audio/audio.h"
#include "voice/stt/stt.h"

namespace startales::api {

struct SttDeps {
  voice::SpeechToText& stt;
  WorkerPool& workers;  // the speech pool: decoding only
  voice::AudioLimits limits;
  SpeechAccess access;  // who may call (an account, or the service token)
  // Grammar mode from a campaign's live vocabulary (`serve` only; null in `startales stt`,
  // where ?campaign is refused): the caller's civilization's names and their cabinet's.
  campaign::CampaignAccess* campaigns = nullptr;
};

void addSttRoutes(net::Router& router, const std::string& prefix, const SttDeps& deps);

// The caller's vocabulary in a running campaign (their view's names; character names given).
boost::asio::awaitable<Result<std::shared_ptr<const voice::Vocabulary>>> campaignVocabulary(
    campaign::CampaignAccess& campaigns, const account::User& user, int64_t campaign,
    std::vector<std::string> character_names);

}  // namespace startales::api
