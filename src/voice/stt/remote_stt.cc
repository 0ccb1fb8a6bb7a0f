#include "voice/stt/remote_stt.h"

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <random>

#include "voice/stt/command_grammar.h"

namespace startales::voice {
namespace {

constexpr int kWhisperRate = 16000;  // Hz: what whisper models take

std::string makeBoundary(std::string_view body_sample) {
  static thread_local std::mt19937_64 rng{std::random_device{}()};
  for (;;) {
    char buf[48];
    std::snprintf(buf, sizeof buf, "startales-%016llx", static_cast<unsigned long long>(rng()));
    if (body_sample.find(buf) == std::string_view::npos) return buf;
  }
}

std::vector<std::string> validateCommon(const RemoteSttConfig& c, bool openai) {
  std::vector<std::string> problems;
  if (c.url.empty()) problems.emplace_back("url must not be empty.");
  if (openai && c.model.empty()) problems.emplace_back("model must not be empty.");
  for (auto& p : outbound::validatePolicy(c.http)) problems.push_back(std::move(p));
  return problems;
}

template <typename T>
Result<std::unique_ptr<T>> createRemote(const RemoteSttConfig& config, bool openai,
                                        std::unique_ptr<T> (*make)(RemoteSttConfig,
                                                                   outbound::Endpoint)) {
  auto problems = validateCommon(config, openai);
  if (!problems.empty()) {
    std::string all;
    for (const auto& p : problems) all += (all.empty() ? "" : " ") + p;
    return makeError("invalid_config", all);
  }
  auto endpoint = outbound::parseUrl(config.url, "STT");
  if (!endpoint) return endpoint.error();
  return make(config, std::move(*endpoint));
}

}  // namespace

std::vector<std::string> validateRemoteSttConfig(const RemoteSttConfig& config, bool openai) {
  auto problems = validateCommon(config, openai);
  if (!config.url.empty()) {
    if (auto ep = outbound::parseUrl(config.url, "STT"); !ep) problems.push_back(ep.error().message);
  }
  return problems;
}

std::string multipartBody(const std::string& boundary,
                          const std::vector<std::pair<std::string, std::string>>& fields,
                          const std::string& file_field, const std::string& filename,
                          const std::string& file_type, const std::string& file_bytes) {
  std::string body;
  body.reserve(file_bytes.size() + 512);
  for (const auto& [name, value] : fields) {
    body += "--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + name + "\"\r\n\r\n" +
            value + "\r\n";
  }
  body += "--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + file_field +
          "\"; filename=\"" + filename + "\"\r\nContent-Type: " + file_type + "\r\n\r\n";
  body += file_bytes;
  body += "\r\n--" + boundary + "--\r\n";
  return body;
}

Result<Transcript> RemoteStt::transcribe(const Audio& audio, const TranscribeOptions& opts) {
  if (opts.mode == SttMode::kGrammar && !opts.vocabulary) {
    return makeError("invalid_argument", "grammar mode needs the campaign's vocabulary");
  }
  if (audio.samples.empty()) return makeError("invalid_audio", "the audio holds no samples");
  auto at16k = resample(audio, kWhisperRate);
  if (!at16k) return at16k.error();
  const auto start = std::chrono::steady_clock::now();
  auto reply = client_.callBlocking(request(encodeWav(*at16k)), config_.http);
  if (!reply) return reply.error();
  const std::string where = "The STT server at " + client_.endpoint().hostPort();
  if (reply->status == 503 || reply->status == 429) {
    Error e =
        makeError("stt_unavailable", where + " is busy (" + std::to_string(reply->status) + ").");
    e.retry_after_s = std::max(1, reply->retry_after_s);
    return e;
  }
  if (reply->status >= 500) {
    Error e =
        makeError("stt_unavailable", where + " failed (HTTP " + std::to_string(reply->status) +
                                         "): " + reply->body.substr(0, 200));
    e.retry_after_s = 1;
    return e;
  }
  if (reply->status < 200 || reply->status > 299) {
    return makeError("stt_protocol", where + " answered HTTP " + std::to_string(reply->status) +
                                         ": " + reply->body.substr(0, 200));
  }
  boost::system::error_code ec;
  const boost::json::value json = boost::json::parse(reply->body, ec);
  const boost::json::string* text = nullptr;
  if (!ec && json.is_object()) {
    if (const auto* t = json.as_object().if_contains("text")) text = t->if_string();
  }
  if (text == nullptr) {
    return makeError("stt_protocol",
                     where + " did not answer {\"text\": ...}: " + reply->body.substr(0, 200));
  }
  Transcript t;
  t.timings.decode_ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  t.timings.audio_ms = durationSeconds(*at16k) * 1000;
  for (const auto& w : normalizeWords(std::string_view(text->data(), text->size()))) {
    t.text += (t.text.empty() ? "" : " ") + w;
  }
  if (opts.vocabulary) t.command = parseSpokenCommand(*opts.vocabulary, t.text);
  if (t.command) t.command_text = t.text;
  t.confidence = t.text.empty() ? 0 : 1;
  if (opts.mode == SttMode::kGrammar) {
    t.rejected = !t.command;
    if (t.rejected) t.confidence = 0;
  }
  return t;
}

Result<std::unique_ptr<WhisperCppStt>> WhisperCppStt::create(const RemoteSttConfig& config) {
  return createRemote<WhisperCppStt>(
      config, false, [](RemoteSttConfig c, outbound::Endpoint ep) {
        return std::unique_ptr<WhisperCppStt>(new WhisperCppStt(std::move(c), std::move(ep)));
      });
}

outbound::Request WhisperCppStt::request(const std::string& wav) const {
  std::vector<std::pair<std::string, std::string>> fields = {{"response_format", "json"},
                                                             {"temperature", "0.0"}};
  if (!config_.language.empty()) fields.emplace_back("language", config_.language);
  const std::string boundary = makeBoundary(wav);
  outbound::Request req;
  req.method = "POST";
  req.target = client_.endpoint().base_path + "/inference";
  req.content_type = "multipart/form-data; boundary=" + boundary;
  req.body = multipartBody(boundary, fields, "file", "audio.wav", "audio/wav", wav);
  return req;
}

Result<std::unique_ptr<OpenAiStt>> OpenAiStt::create(const RemoteSttConfig& config) {
  return createRemote<OpenAiStt>(config, true, [](RemoteSttConfig c, outbound::Endpoint ep) {
    return std::unique_ptr<OpenAiStt>(new OpenAiStt(std::move(c), std::move(ep)));
  });
}

outbound::Request OpenAiStt::request(const std::string& wav) const {
  std::vector<std::pair<std::string, std::string>> fields = {{"model", config_.model},
                                                             {"response_format", "json"}};
  if (!config_.language.empty()) fields.emplace_back("language", config_.language);
  const std::string boundary = makeBoundary(wav);
  outbound::Request req;
  req.method = "POST";
  req.target = client_.endpoint().base_path + "/audio/transcriptions";
  req.content_type = "multipart/form-data; boundary=" + boundary;
  req.body = multipartBody(boundary, fields, "file", "audio.wav", "audio/wav", wav);
  if (!config_.api_key.empty())
    req.headers.emplace_back("Authorization", "Bearer " + config_.api_key);
  return req;
}

}  // namespace startales::voice
