#include "api/stt_routes.h"

#include <boost/json.hpp>
#include <charconv>

#include "api/audio_upload.h"
#include "campaign/command_codec.h"
#include "game/view.h"
#include "voice/stt/vocabulary.h"

namespace startales::api {

namespace asio = boost::asio;
namespace http = net::http;
namespace json = boost::json;
using net::Request;
using net::Response;

namespace {

json::object transcriptJson(const voice::Transcript& t, voice::SttMode mode,
                            std::string_view engine) {
  json::object out{{"text", t.text},
                   {"confidence", t.confidence},
                   {"rejected", t.rejected},
                   {"mode", voice::sttModeName(mode)},
                   {"engine", engine},
                   {"timings", {{"decode_ms", t.timings.decode_ms}, {"audio_ms", t.timings.audio_ms}}}};
  if (t.command) {
    out["command"] = campaign::actionToJson(*t.command);
    out["command_text"] = t.command_text;
  }
  return out;
}

// Runs the engine on the blocking pool.
asio::awaitable<Result<voice::Transcript>> transcribe(const SttDeps& deps, voice::Audio audio,
                                                      voice::TranscribeOptions options) {
  auto job = [&deps, audio = std::move(audio), options = std::move(options)]() {
    return deps.stt.transcribe(audio, options);
  };
  auto op = deps.workers.run(std::move(job));
  co_return co_await std::move(op);
}

}  // namespace

asio::awaitable<Result<std::shared_ptr<const voice::Vocabulary>>> campaignVocabulary(
    campaign::CampaignAccess& campaigns, const account::User& user, int64_t campaign,
    std::vector<std::string> character_names) {
  auto access_op = campaigns.access(user, campaign);
  auto access = co_await std::move(access_op);
  if (!access) co_return access.error();
  if (access->observer) {
    co_return makeError("forbidden", "Observers have no civilization to command by voice.");
  }
  std::shared_ptr<const voice::Vocabulary> vocabulary;
  const game::CivId civ = access->seat.civ;
  auto read = access->runtime->read([&](const game::GameState& s) {
    vocabulary = std::make_shared<const voice::Vocabulary>(
        voice::vocabularyFromView(game::viewFor(s, civ), character_names));
  });
  if (auto r = co_await std::move(read); !r) co_return r.error();
  co_return vocabulary;
}

void addSttRoutes(net::Router& router, const std::string& prefix, const SttDeps& deps) {
  const SttDeps* d = &deps;  // owned by the caller for the router's lifetime

  router.add(http::verb::post, prefix + "/transcribe", [d](Request& req) -> asio::awaitable<Response> {
    auto auth_op = authorizeSpeech(req, d->access);
    auto who = co_await std::move(auth_op);
    if (!who) co_return speechRefusal(who.error());
    const std::string mode_name = req.queryParam("mode");
    const std::string campaign_text = req.queryParam("campaign");
    voice::TranscribeOptions options;
    options.mode = campaign_text.empty() ? voice::SttMode::kDictation : voice::SttMode::kGrammar;
    if (!mode_name.empty()) {
      auto mode = voice::parseSttMode(mode_name);
      if (!mode) {
        co_return net::errorResponse(http::status::bad_request, "invalid_mode",
                                     "mode must be grammar or dictation.");
      }
      options.mode = *mode;
    }
    if (!campaign_text.empty()) {
      if (d->campaigns == nullptr || !who->has_value()) {
        co_return net::errorResponse(http::status::bad_request, "invalid_argument",
                                     "This speech service runs without campaigns; grammar mode "
                                     "from a campaign is offered by startales serve at "
                                     "/api/stt/transcribe.");
      }
      int64_t campaign = 0;
      auto [end, ec] = std::from_chars(campaign_text.data(),
                                       campaign_text.data() + campaign_text.size(), campaign);
      if (ec != std::errc() || end != campaign_text.data() + campaign_text.size()) {
        co_return net::errorResponse(http::status::bad_request, "invalid_argument",
                                     "campaign must be a campaign id.");
      }
      auto vocab_op = campaignVocabulary(*d->campaigns, **who, campaign, {});
      auto vocabulary = co_await std::move(vocab_op);
      if (!vocabulary) co_return net::errorResponse(vocabulary.error());
      options.vocabulary = std::move(*vocabulary);
    } else if (options.mode == voice::SttMode::kGrammar) {
      co_return net::errorResponse(http::status::bad_request, "invalid_argument",
                                   "Grammar mode needs ?campaign=ID: the grammar is built from "
                                   "that campaign's names.");
    }
    auto audio = audioFromRequest(req, "audio", d->limits);
    if (!audio) co_return net::errorResponse(audio.error());
    const voice::SttMode mode = options.mode;
    auto op = transcribe(*d, std::move(*audio), std::move(options));
    auto t = co_await std::move(op);
    if (!t) co_return net::errorResponse(t.error());
    co_return net::jsonResponse(http::status::ok, transcriptJson(*t, mode, d->stt.name()));
  });

  router.add(http::verb::post, prefix + "/v1/audio/transcriptions",
             [d](Request& req) -> asio::awaitable<Response> {
               auto auth_op = authorizeSpeech(req, d->access);
               if (auto who = co_await std::move(auth_op); !who) {
                 co_return speechRefusal(who.error());
               }
               const std::string format = formField(req, "response_format");
               if (!format.empty() && format != "json" && format != "text" &&
                   format != "verbose_json") {
                 co_return net::errorResponse(http::status::bad_request, "invalid_format",
                                              "response_format must be json, text or "
                                              "verbose_json.");
               }
               auto audio = audioFromRequest(req, "file", d->limits);
               if (!audio) co_return net::errorResponse(audio.error());
               const double seconds = voice::durationSeconds(*audio);
               voice::TranscribeOptions options;
               options.mode = voice::SttMode::kDictation;
               auto op = transcribe(*d, std::move(*audio), std::move(options));
               auto t = co_await std::move(op);
               if (!t) co_return net::errorResponse(t.error());
               if (format == "text") {
                 Response res{http::status::ok, 11};
                 res.set(http::field::content_type, "text/plain; charset=utf-8");
                 res.body() = t->text + "\n";
                 res.prepare_payload();
                 co_return res;
               }
               json::object out{{"text", t->text}};
               if (format == "verbose_json") {
                 out["task"] = "transcribe";
                 out["language"] = "english";
                 out["duration"] = seconds;
               }
               co_return net::jsonResponse(http::status::ok, out);
             });

  router.add(http::verb::get, prefix + "/models", [d](Request& req) -> asio::awaitable<Response> {
    auto auth_op = authorizeSpeech(req, d->access);
    if (auto who = co_await std::move(auth_op); !who) co_return speechRefusal(who.error());
    co_return net::jsonResponse(
        http::status::ok,
        {{"engine", d->stt.name()},
         {"modes", json::array{"grammar", "dictation"}},
         {"notes", "grammar: the campaign's commands, accurate; dictation: open English, low "
                   "accuracy with the embedded engine"}});
  });
}

}  // namespace startales::api
