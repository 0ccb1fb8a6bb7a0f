#include "voice/tts/remote_tts.h"

#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

namespace startales::voice {

namespace json = boost::json;

namespace {

constexpr int kOpenAiPcmRate = 24000;  // OpenAI's "pcm": 16-bit LE mono at 24 kHz

// A readable message from an error body: {"error":"..."}, {"error":{"message":"..."}},
// {"detail":"..."} or the raw text, cut to 200 bytes.
std::string messageFromBody(std::string_view body) {
  boost::system::error_code ec;
  json::value v = json::parse(body, ec);
  if (!ec && v.is_object()) {
    const auto& obj = v.get_object();
    for (const char* key : {"error", "detail", "message"}) {
      const auto* e = obj.if_contains(key);
      if (e == nullptr) continue;
      if (e->is_string()) return std::string(e->get_string());
      if (e->is_object()) {
        if (const auto* m = e->get_object().if_contains("message"); m && m->is_string()) {
          return std::string(m->get_string());
        }
      }
    }
  }
  std::string text(body.substr(0, 200));
  for (char& c : text) {
    if (static_cast<unsigned char>(c) < 0x20) c = ' ';
  }
  return text;
}

Result<std::vector<std::string>> checkConfig(const RemoteTtsConfig& c, bool openai,
                                             outbound::Endpoint& endpoint) {
  std::vector<std::string> problems = outbound::validatePolicy(c.http);
  auto ep = outbound::parseUrl(c.url, "TTS");
  if (!ep) {
    problems.push_back(ep.error().message);
  } else {
    endpoint = *ep;
  }
  if (openai && c.response_format != "wav" && c.response_format != "pcm") {
    problems.push_back("response_format must be wav or pcm (got '" + c.response_format + "').");
  }
  if (openai && c.model.empty()) problems.emplace_back("model must not be empty.");
  if (c.sample_rate != 0 && (c.sample_rate < kMinSampleRate || c.sample_rate > 48000)) {
    problems.emplace_back("sample_rate must be 0 or 8000..48000 Hz.");
  }
  if (!problems.empty()) {
    std::string message =
        std::string("Invalid ") + (openai ? "OpenAI" : "Coqui") + " TTS configuration:";
    for (const auto& p : problems) message += " " + p;
    return makeError("invalid_config", message);
  }
  return problems;
}

std::string multipartField(const std::string& boundary, const std::string& name,
                           const std::string& value) {
  return "--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + name + "\"\r\n\r\n" +
         value + "\r\n";
}

}  // namespace

Result<Audio> audioFromReply(const outbound::Response& reply, int pcm_rate, double max_seconds) {
  if (reply.status == 503 || reply.status == 429) {
    Error e =
        makeError("tts_unavailable", "The TTS server is busy (" + std::to_string(reply.status) +
                                         "): " + messageFromBody(reply.body));
    e.retry_after_s = std::max(1, reply.retry_after_s);
    return e;
  }
  if (reply.status >= 500) {
    return makeError("tts_unavailable", "The TTS server failed (" + std::to_string(reply.status) +
                                            "): " + messageFromBody(reply.body));
  }
  if (reply.status != 200) {
    return makeError("tts_protocol", "The TTS server refused the request (" +
                                         std::to_string(reply.status) +
                                         "): " + messageFromBody(reply.body));
  }
  if (reply.body.empty()) return makeError("tts_protocol", "The TTS server sent no audio.");
  if (pcm_rate > 0) {
    if (reply.content_type.starts_with("application/json") || reply.body.size() % 2 != 0) {
      return makeError("tts_protocol", "The TTS server did not send PCM16 audio.");
    }
    return fromPcm16(reply.body, pcm_rate);
  }
  AudioLimits limits;
  limits.max_bytes = reply.body.size();
  limits.max_seconds = max_seconds;
  auto audio = parseWav(reply.body, limits);
  if (!audio) {
    return makeError("tts_protocol",
                     "The TTS server did not send a usable WAV: " + audio.error().message);
  }
  return audio;
}

// ---- Coqui ---------------------------------------------------------------------------------

Result<std::unique_ptr<CoquiTts>> CoquiTts::create(RemoteTtsConfig config) {
  outbound::Endpoint endpoint;
  if (auto ok = checkConfig(config, false, endpoint); !ok) return ok.error();
  return std::unique_ptr<CoquiTts>(new CoquiTts(std::move(config), std::move(endpoint)));
}

Result<Audio> CoquiTts::synthesizeSentence(const std::string& sentence, const VoiceSpec& voice,
                                           double /*speed*/, int /*index*/,
                                           const CancelToken& cancel) {
  const std::string& speaker =
      voice.remote_voice.empty() ? config_.default_voice : voice.remote_voice;
  std::vector<std::pair<std::string, std::string>> fields = {{"text", sentence}};
  if (!speaker.empty()) fields.emplace_back("speaker_id", speaker);
  if (!config_.language.empty()) fields.emplace_back("language_id", config_.language);

  outbound::Request req;
  req.headers.emplace_back("Accept", "audio/wav");
  const std::string path = client_.endpoint().base_path + "/api/tts";
  if (config_.clones_reference && !voice.reference_wav.empty()) {
    // XTTS-style upload: the reference voice travels with every request.
    const std::string boundary = "startales-tts-7b1f0c2e9d";
    req.method = "POST";
    req.target = path;
    req.content_type = "multipart/form-data; boundary=" + boundary;
    for (const auto& [name, value] : fields) req.body += multipartField(boundary, name, value);
    req.body += "--" + boundary +
                "\r\nContent-Disposition: form-data; name=\"speaker_wav\"; "
                "filename=\"reference.wav\"\r\nContent-Type: audio/wav\r\n\r\n" +
                voice.reference_wav + "\r\n--" + boundary + "--\r\n";
  } else {
    std::string form;
    for (const auto& [name, value] : fields) {
      form += (form.empty() ? "" : "&") + name + "=" + outbound::urlEncode(value);
    }
    if (config_.use_post) {
      req.method = "POST";
      req.target = path;
      req.content_type = "application/x-www-form-urlencoded";
      req.body = std::move(form);
    } else {
      req.target = path + "?" + form;
    }
  }
  auto reply = client_.callBlocking(req, config_.http, {}, cancel);
  if (!reply) return reply.error();
  return audioFromReply(*reply, 0, config_.max_sentence_seconds);
}

// ---- OpenAI-compatible ---------------------------------------------------------------------

Result<std::unique_ptr<OpenAiTts>> OpenAiTts::create(RemoteTtsConfig config) {
  outbound::Endpoint endpoint;
  if (auto ok = checkConfig(config, true, endpoint); !ok) return ok.error();
  if (config.default_voice.empty()) config.default_voice = "alloy";
  return std::unique_ptr<OpenAiTts>(new OpenAiTts(std::move(config), std::move(endpoint)));
}

Result<Audio> OpenAiTts::synthesizeSentence(const std::string& sentence, const VoiceSpec& voice,
                                            double speed, int /*index*/,
                                            const CancelToken& cancel) {
  json::object body;
  body["model"] = config_.model;
  body["input"] = sentence;
  body["voice"] = voice.remote_voice.empty() ? config_.default_voice : voice.remote_voice;
  body["response_format"] = config_.response_format;
  body["speed"] = speed;
  outbound::Request req;
  req.method = "POST";
  req.target = client_.endpoint().base_path + "/audio/speech";
  req.content_type = "application/json";
  req.body = json::serialize(body);
  if (!config_.api_key.empty())
    req.headers.emplace_back("Authorization", "Bearer " + config_.api_key);
  auto reply = client_.callBlocking(req, config_.http, {}, cancel);
  if (!reply) return reply.error();
  bool pcm = config_.response_format == "pcm";
  return audioFromReply(*reply, pcm ? kOpenAiPcmRate : 0, config_.max_sentence_seconds);
}

}  // namespace startales::voice
