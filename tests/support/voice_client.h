#pragma once

// Voice over the game socket, as a client speaks it (docs/protocol.md "Voice"): real speech
// from espeak-ng, audio sent as binary frames, and the replies of one request collected.

#include <boost/json/object.hpp>
#include <string>
#include <vector>

#include "support/game_client.h"

namespace startales::testing {

// espeak-ng speech of `text` as WAV bytes (empty when espeak-ng failed).
std::string speak(const std::string& text, const std::string& voice = "en-us+m3");

// Sends audio as binary frames of at most 32 KiB (the socket's frame limit is 64 KiB).
bool sendAudio(Gamer& gamer, const std::string& audio);

// Messages for request `id` up to and including the first of type `last` (or an error),
// within 20 s; binary frames (spoken replies) are counted in `audio_frames`.
std::vector<boost::json::object> repliesUntil(Gamer& gamer, const std::string& last, int64_t id,
                                              int& audio_frames);

// The first message of `type`, or null.
const boost::json::object* findType(const std::vector<boost::json::object>& messages,
                                    const std::string& type);

// A spoken command ("set taxes to thirty percent") from voice.start to voice.end on request
// ids `id` and `id + 1`: the replies to voice.end.
std::vector<boost::json::object> speakCommand(Gamer& gamer, const std::string& words, int64_t id,
                                              int& audio_frames);

}  // namespace startales::testing
