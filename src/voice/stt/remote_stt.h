#pragma once

// Remote Whisper engines behind SpeechToText:
//   WhisperCppStt  whisper.cpp's example server: POST {base}/inference, multipart/form-data
//                  with file (16 kHz mono PCM16 WAV), response_format=json, temperature;
//                  replies {"text": "..."}.
//   OpenAiStt      OpenAI-compatible: POST {base}/audio/transcriptions (base usually ends
//                  in /v1), multipart with file, model, response_format=json; replies
//                  {"text": "..."}; "Authorization: Bearer <api_key>" when a key is set.
// Both hear open English (dictation). In grammar mode the text is parsed against the
// vocabulary and comes back rejected when it is no command (these servers take no grammar).
// Neither reports a confidence in the json format: confidence is 1 when text was heard
// and parses (grammar mode) or is not empty (dictation), else 0.
//
// Errors: stt_unavailable (cannot connect, 503 after the bounded retries, or another 5xx;
// retry_after_s set), stt_timeout (connect or total timeout; not retried), stt_protocol (not
// HTTP, a 4xx, or a body that is not {"text": string}), invalid_audio, invalid_config (create).
// Threading: transcribe() blocks on the network and is safe from many threads (one
// connection per call, nothing shared).

#include <memory>
#include <string>
#include <vector>

#include "voice/stt/stt.h"
#include "outbound/http_client.h"

namespace startales::voice {

inline constexpr outbound::Service kSttService{"stt", "STT", "cancelled"};

struct RemoteSttConfig {
  // "http://HOST[:PORT][/base]". whisper.cpp: the server root; OpenAI: ".../v1".
  std::string url;
  std::string model = "whisper-1";  // OpenAI: model field (default whisper-1)
  std::string api_key;              // OpenAI: bearer token, empty = no header
  std::string language;             // ISO 639-1 hint sent as "language" (empty = auto)
  outbound::Policy http;  // timeouts (connect 2 s, total 30 s), retries (2)
};

// One line per problem, empty when valid.
std::vector<std::string> validateRemoteSttConfig(const RemoteSttConfig& config, bool openai);

class RemoteStt : public SpeechToText {
 public:
  Result<Transcript> transcribe(const Audio& audio, const TranscribeOptions& opts) override;

 protected:
  RemoteStt(RemoteSttConfig config, outbound::Endpoint endpoint)
      : config_(std::move(config)), client_(std::move(endpoint), kSttService) {}
  // The request for one 16 kHz mono WAV.
  [[nodiscard]] virtual outbound::Request request(const std::string& wav) const = 0;

  // const after construction
  RemoteSttConfig config_;
  const outbound::HttpClient client_;
};

class WhisperCppStt final : public RemoteStt {
 public:
  static Result<std::unique_ptr<WhisperCppStt>> create(const RemoteSttConfig& config);
  [[nodiscard]] std::string_view name() const override { return "whisper.cpp"; }

 private:
  using RemoteStt::RemoteStt;
  [[nodiscard]] outbound::Request request(const std::string& wav) const override;
};

class OpenAiStt final : public RemoteStt {
 public:
  static Result<std::unique_ptr<OpenAiStt>> create(const RemoteSttConfig& config);
  [[nodiscard]] std::string_view name() const override { return "openai"; }

 private:
  using RemoteStt::RemoteStt;
  [[nodiscard]] outbound::Request request(const std::string& wav) const override;
};

// multipart/form-data body of `fields` (name, value) and one file part; `boundary` must not
// occur in any value. Exposed for tests.
std::string multipartBody(const std::string& boundary,
                          const std::vector<std::pair<std::string, std::string>>& fields,
                          const std::string& file_field, const std::string& filename,
                          const std::string& file_type, const std::string& file_bytes);

}  // namespace startales::voice
