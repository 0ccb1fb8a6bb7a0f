#include "common/error_codes.h"

#include <algorithm>
#include <iterator>

namespace startales {
namespace {

using C = ErrorCategory;

// Sorted by code (categoryOf searches it); check_error_codes.py reads it too.
constexpr ErrorCodeInfo kCodes[] = {
    {"already_joined", C::kConflict, "the user is already a member of the campaign"},
    {"audio_too_large", C::kTooLarge, "an audio upload is larger than the limit"},
    {"audio_too_long", C::kBadInput, "an audio upload lasts longer than the limit"},
    {"bad_request", C::kBadInput, "an HTTP request that cannot be parsed"},
    {"bad_websocket_key", C::kBadInput, "a WebSocket handshake without a valid Sec-WebSocket-Key"},
    {"body_too_large", C::kTooLarge, "a request body over --max-body-bytes"},
    {"campaign_full", C::kConflict, "the campaign has no free player seat"},
    {"cancelled", C::kInternal, "a call was cancelled (a barge-in); never answered over HTTP"},
    {"card_too_large", C::kTooLarge, "a Character Card field over its bound (the field named)"},
    {"civ_name_taken", C::kConflict, "another player of the campaign has that civilization name"},
    {"command_log_corrupt", C::kInternal, "a stored command cannot be read"},
    {"crypto_unavailable", C::kUnavailable, "the password hashing library failed to start"},
    {"data_dir", C::kInternal, "the data directory cannot be used (at start)"},
    {"db_busy", C::kUnavailable, "the database stayed locked past its timeout"},
    {"db_config", C::kInternal, "the database settings are invalid (at start)"},
    {"db_constraint", C::kInternal,
     "a write broke a database constraint (callers map expected ones)"},
    {"db_error", C::kInternal, "any other database failure"},
    {"db_full", C::kUnavailable, "the database's disk is full"},
    {"db_schema_too_new", C::kInternal,
     "the database has migrations this binary does not know (at start)"},
    {"db_unavailable", C::kUnavailable,
     "the database cannot be reached (a failed COMMIT's outcome is unknown)"},
    {"diplomacy", C::kRefused, "the game refuses a diplomatic action"},
    {"eliminated", C::kRefused, "the civilization has been eliminated"},
    {"embedding_dimension_mismatch", C::kInternal,
     "a stored embedding has another dimension than the embedder's"},
    {"embedding_failed", C::kInternal, "the embedder failed"},
    {"forbidden", C::kForbidden, "the caller may not do this"},
    {"hash_failed", C::kInternal, "password hashing failed"},
    {"headers_too_large", C::kHeadersTooLarge, "request headers over the limit"},
    {"insufficient_resources", C::kRefused, "the game refuses: not enough resources"},
    {"internal", C::kInternal, "a defect; the details are in the server's log"},
    {"invalid_argument", C::kBadInput, "a value is out of range or of the wrong kind"},
    {"invalid_audio", C::kBadInput, "the audio is not a readable WAV"},
    {"invalid_body", C::kBadInput, "the body is not what the route accepts"},
    {"invalid_campaign", C::kBadInput, "campaign settings the game cannot start"},
    {"invalid_card", C::kBadInput, "a Character Card that cannot be imported"},
    {"invalid_command", C::kBadInput, "a game command that cannot be decoded"},
    {"invalid_config", C::kBadInput, "invalid configuration of a component"},
    {"invalid_credentials", C::kUnauthorized, "wrong username or password"},
    {"invalid_field", C::kBadInput, "a field is missing or of the wrong type"},
    {"invalid_format", C::kBadInput, "an unsupported audio format was asked for"},
    {"invalid_json", C::kBadInput, "the body or message is not JSON"},
    {"invalid_llm_config", C::kBadInput, "invalid model server settings (at start)"},
    {"invalid_llm_spec", C::kBadInput, "an invalid STARTALES_LLM value (at start)"},
    {"invalid_message", C::kBadInput, "a WebSocket message without a valid envelope"},
    {"invalid_mode", C::kBadInput, "an unknown speech recognition mode"},
    {"invalid_multipart", C::kBadInput, "a multipart body that cannot be parsed"},
    {"invalid_query", C::kBadInput, "a query parameter that cannot be parsed"},
    {"invalid_speed", C::kBadInput, "a speech rate out of range"},
    {"invalid_state", C::kConflict,
     "the thing is in the wrong state (campaign not running, already started)"},
    {"invalid_text", C::kBadInput, "a text that is empty or too long"},
    {"invalid_username", C::kBadInput, "a username out of the allowed form"},
    {"invalid_voice", C::kBadInput, "an unknown or invalid voice"},
    {"kv_unavailable", C::kUnavailable,
     "Redis (shared sessions, rate limits) cannot be reached, timed out or refused"},
    {"listen_failed", C::kInternal, "the server cannot listen on its address (at start)"},
    {"llm_builtin", C::kInternal, "the built-in engine was asked for a model call"},
    {"llm_protocol", C::kInternal, "the model server answered something unreadable"},
    {"llm_request_failed", C::kInternal, "the model server refused the request"},
    {"llm_timeout", C::kTimeout, "the model server did not answer in time"},
    {"llm_unavailable", C::kUnavailable, "the model server cannot be reached or is busy"},
    {"method_not_allowed", C::kMethodNotAllowed, "the route does not take this method"},
    {"no_slots", C::kRefused, "the game refuses: no building slot left"},
    {"no_speech", C::kRefused, "the audio holds no speech"},
    {"not_found", C::kNotFound, "no such thing, or not visible to the caller"},
    {"not_joined", C::kConflict, "a WebSocket command or chat before join"},
    {"not_owner", C::kRefused, "the game refuses: not the caller's planet or fleet"},
    {"not_ready", C::kUnavailable, "the server is not ready (a dependency is down)"},
    {"not_understood", C::kRefused, "speech that is neither a command nor a question"},
    {"out_of_range", C::kRefused, "the game refuses: a value out of the allowed range"},
    {"overloaded", C::kUnavailable, "a bounded queue is full"},
    {"prerequisite_missing", C::kRefused, "the game refuses: a technology or building is missing"},
    {"rate_limited", C::kRateLimited, "too many requests for a limit"},
    {"shutting_down", C::kUnavailable, "the server is draining"},
    {"snapshot_corrupt", C::kInternal, "a stored snapshot cannot be read"},
    {"stopped", C::kUnavailable, "the campaign or the command log is shutting down"},
    {"stt_protocol", C::kInternal, "the speech recognition server answered something unreadable"},
    {"stt_timeout", C::kTimeout, "the speech recognition server did not answer in time"},
    {"stt_unavailable", C::kUnavailable, "speech recognition is down or busy"},
    {"talk_in_progress", C::kConflict, "a WebSocket talk while another is being answered"},
    {"too_many_campaigns", C::kConflict, "the account hosts --max-live-campaigns already"},
    {"too_many_connections", C::kRateLimited, "the address has --max-connections-per-address open"},
    {"too_many_websockets", C::kRateLimited, "the address or account has its WebSockets open"},
    {"tts_protocol", C::kInternal, "the speech synthesis server answered something unreadable"},
    {"tts_timeout", C::kTimeout, "speech synthesis did not finish in time"},
    {"tts_unavailable", C::kUnavailable, "speech synthesis is down or busy"},
    {"unauthorized", C::kUnauthorized, "no valid token"},
    {"unknown_type", C::kBadInput, "a WebSocket message of an unknown type"},
    {"unsupported_websocket_version", C::kUpgradeRequired, "a WebSocket version other than 13"},
    {"upgrade_required", C::kUpgradeRequired, "a plain request on the WebSocket endpoint"},
    {"username_taken", C::kConflict, "the username is taken"},
    {"voice_in_progress", C::kConflict, "voice.start while a voice command is being recorded"},
    {"voice_not_started", C::kConflict, "audio or voice.end without voice.start"},
    {"weak_password", C::kBadInput, "a password that is too short or too common"},
    {"web_dir", C::kInternal, "the web client's directory cannot be served (at start)"},
};

static_assert(std::is_sorted(std::begin(kCodes), std::end(kCodes),
                             [](const auto& a, const auto& b) { return a.code < b.code; }));

}  // namespace

std::span<const ErrorCodeInfo> errorCodes() { return kCodes; }

ErrorCategory categoryOf(std::string_view code) {
  const auto* it =
      std::lower_bound(std::begin(kCodes), std::end(kCodes), code,
                       [](const ErrorCodeInfo& e, std::string_view c) { return e.code < c; });
  return it != std::end(kCodes) && it->code == code ? it->category : ErrorCategory::kInternal;
}

}  // namespace startales
