#pragma once

// The audio of a request, however clients send it: a multipart/form-data field (browsers,
// curl -F, OpenAI clients) or a raw WAV body (Content-Type audio/wav).

#include <string_view>

#include "common/result.h"
#include "net/http.h"
#include "voice/audio/audio.h"

namespace startales::api {

// Errors: "invalid_audio" (nothing that looks like a WAV; the message says how to send one,
// or what is wrong with the file), "invalid_multipart", "audio_too_large", "audio_too_long".
Result<voice::Audio> audioFromRequest(const net::Request& req, std::string_view field,
                                      const voice::AudioLimits& limits);

// A plain multipart field's text ("" when absent or the body is not multipart).
std::string formField(const net::Request& req, std::string_view field);

}  // namespace startales::api
