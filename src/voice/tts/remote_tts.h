#pragma once

// Remote engines, each spoken to one sentence per request so the first sentence's audio
// streams back while the rest is still being synthesized:
//
//   CoquiTts   Coqui TTS server (TTS/server/server.py): GET /api/tts?text=..&speaker_id=..
//              &language_id=.. (or POST with the same form fields) -> audio/wav. With
//              `clones_reference` (XTTS servers that accept an upload), a VoiceSpec's
//              reference_wav is POSTed as multipart field `speaker_wav`: real cloning. The
//              stock server.py only takes style_wav as a server-side path, so the flag is off
//              by default. Coqui has no speed parameter: `speed` is ignored.
//   OpenAiTts  OpenAI-compatible POST {base}/audio/speech, JSON {model, input, voice,
//              response_format: "wav" | "pcm" (PCM16 24 kHz mono), speed} -> audio bytes.
//              These servers pick from named voices (remote_voice); they do not clone.
//
// Both ignore the embedded fields of VoiceSpec (variant/pitch/range/rate). Thread-safe: each
// call makes its own connections (outbound::HttpClient: timeouts, retries on connect errors,
// 503 and 429).

#include <memory>
#include <string>

#include "outbound/http_client.h"
#include "voice/tts/sentence_tts.h"

namespace startales::voice {

inline constexpr outbound::Service kTtsService{"tts", "TTS", "cancelled"};

struct RemoteTtsConfig {
  // Coqui: "http://host:5002"; OpenAI-compatible: "http://host:8000/v1" (the base of
  // /audio/speech).
  std::string url;
  std::string default_voice;            // speaker_id / voice when VoiceSpec::remote_voice is empty
  std::string model = "tts-1";          // OpenAI: model
  std::string response_format = "wav";  // OpenAI: "wav" | "pcm"
  std::string api_key;                  // OpenAI: sent as "Authorization: Bearer ..." when set
  std::string language;                 // Coqui: language_id for multilingual models (empty = none)
  bool use_post = false;                // Coqui: POST form fields instead of GET query
  bool clones_reference = false;        // Coqui: the server accepts an uploaded speaker_wav (XTTS)
  int sample_rate = 0;                  // output rate (Hz); 0 = as the server sends it
  double max_sentence_seconds = 120;    // a longer sentence from the server is tts_protocol
  outbound::Policy http;
  TextLimits limits;
};

class CoquiTts final : public SentenceTts {
 public:
  // Errors: invalid_config.
  static Result<std::unique_ptr<CoquiTts>> create(RemoteTtsConfig config);
  [[nodiscard]] TtsCapabilities capabilities() const override {
    return TtsCapabilities{"coqui", config_.clones_reference, false};
  }

 protected:
  Result<Audio> synthesizeSentence(const std::string& sentence, const VoiceSpec& voice,
                                   double speed, int index, const CancelToken& cancel) override;
  [[nodiscard]] bool checksVoiceSpec() const override { return false; }

 private:
  CoquiTts(RemoteTtsConfig config, outbound::Endpoint endpoint)
      : SentenceTts(config.limits, config.sample_rate),
        config_(std::move(config)),
        client_(std::move(endpoint), kTtsService) {}

  // const after construction
  const RemoteTtsConfig config_;
  const outbound::HttpClient client_;
};

class OpenAiTts final : public SentenceTts {
 public:
  // Errors: invalid_config.
  static Result<std::unique_ptr<OpenAiTts>> create(RemoteTtsConfig config);
  [[nodiscard]] TtsCapabilities capabilities() const override {
    return TtsCapabilities{"openai", false, false};
  }

 protected:
  Result<Audio> synthesizeSentence(const std::string& sentence, const VoiceSpec& voice,
                                   double speed, int index, const CancelToken& cancel) override;
  [[nodiscard]] bool checksVoiceSpec() const override { return false; }

 private:
  OpenAiTts(RemoteTtsConfig config, outbound::Endpoint endpoint)
      : SentenceTts(config.limits, config.sample_rate),
        config_(std::move(config)),
        client_(std::move(endpoint), kTtsService) {}

  // const after construction
  const RemoteTtsConfig config_;
  const outbound::HttpClient client_;
};

// Maps a reply to audio: 200 + WAV (or PCM16 at pcm_rate when pcm_rate > 0) -> Audio;
// 503/429 -> tts_unavailable (retry_after_s); other 5xx -> tts_unavailable; 4xx and bodies
// that are not audio -> tts_protocol.
Result<Audio> audioFromReply(const outbound::Response& reply, int pcm_rate, double max_seconds);

}  // namespace startales::voice
