// The speech services on the real binary: `startales tts` and `startales stt` on their own,
// and the same routes inside `startales serve` under /api/tts and /api/stt. Speech comes
// from the real espeak-ng; WAV files are checked with soxi; bad audio gets a clear 4xx and
// the service keeps serving.

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <thread>

#include "support/fake_llm_server.h"
#include "support/game_client.h"
#include "support/http_client.h"
#include "support/server_process.h"
#include "support/voice_client.h"

namespace startales::testing {
namespace {

namespace json = boost::json;

std::string tempPath(const std::string& name) {
  return ::testing::TempDir() + "startales-speech-" + std::to_string(::getpid()) + "-" + name;
}

// Output of a shell command (bounded: these are short tools).
std::string shell(const std::string& command) {
  std::string out;
  FILE* p = ::popen(command.c_str(), "r");
  if (p == nullptr) return out;
  char buf[4096];
  size_t n = 0;
  while ((n = std::fread(buf, 1, sizeof buf, p)) > 0 && out.size() < (1u << 20)) out.append(buf, n);
  ::pclose(p);
  return out;
}

// A PCM16 mono WAV header for `data_bytes` of samples at `rate`, with format code `format`.
std::string wavHeader(uint32_t data_bytes, uint32_t rate, uint16_t format = 1, uint16_t bits = 16) {
  auto u32 = [](uint32_t v) { return std::string{char(v), char(v >> 8), char(v >> 16), char(v >> 24)}; };
  auto u16 = [](uint16_t v) { return std::string{char(v), char(v >> 8)}; };
  return "RIFF" + u32(36 + data_bytes) + "WAVE" + "fmt " + u32(16) + u16(format) + u16(1) +
         u32(rate) + u32(rate * bits / 8) + u16(bits / 8) + u16(bits) + "data" + u32(data_bytes);
}

std::string multipart(const std::vector<std::pair<std::string, std::string>>& fields,
                      const std::string& file_field, const std::string& file) {
  std::string body;
  for (const auto& [name, value] : fields) {
    body += "--B0undary\r\nContent-Disposition: form-data; name=\"" + name + "\"\r\n\r\n" + value + "\r\n";
  }
  body += "--B0undary\r\nContent-Disposition: form-data; name=\"" + file_field +
          "\"; filename=\"speech.wav\"\r\nContent-Type: audio/wav\r\n\r\n" + file + "\r\n--B0undary--\r\n";
  return body;
}
const std::vector<std::pair<std::string, std::string>> kMultipart = {
    {"Content-Type", "multipart/form-data; boundary=B0undary"}};
const std::vector<std::pair<std::string, std::string>> kWav = {{"Content-Type", "audio/wav"}};

// The standalone services need their service token on every speech route.
const std::string kSpeechToken = "speech-token-for-tests-0123";
const std::vector<std::string> kTokenArgs = {"--speech-token", kSpeechToken};

// An HttpClient that sends the service token with every request.
struct TokenClient {
  explicit TokenClient(uint16_t port) : http(port) {}
  HttpResult get(const std::string& target) { return http.get(target, kSpeechToken); }
  HttpResult postJson(const std::string& target, const std::string& body) {
    return http.postJson(target, body, kSpeechToken);
  }
  HttpResult request(const std::string& method, const std::string& target, const std::string& body,
                     std::vector<std::pair<std::string, std::string>> headers) {
    headers.emplace_back("Authorization", "Bearer " + kSpeechToken);
    return http.request(method, target, body, headers);
  }
  HttpClient http;
};

std::string soxi(const std::string& wav) {
  const std::string path = tempPath("check.wav");
  std::ofstream(path, std::ios::binary) << wav;
  std::string out = shell("soxi " + path + " 2>&1");
  std::filesystem::remove(path);
  return out;
}

void expectError(const HttpResult& r, int status, const std::string& code) {
  EXPECT_EQ(r.status, status) << r.body;
  auto j = r.json();
  ASSERT_TRUE(j.is_object()) << r.body;
  EXPECT_EQ(j.at("error").at("code").as_string(), code) << r.body;
  EXPECT_GT(j.at("error").at("message").as_string().size(), 15u) << r.body;
}

TEST(SpeechServiceTest, TtsSynthesizesWavsSoxiReadsAndMatchesVoices) {
  ServerProcess tts(kTokenArgs, {}, "tts");
  ASSERT_TRUE(tts.waitReady(std::chrono::seconds(60))) << tts.log();
  TokenClient http(tts.port());
  EXPECT_EQ(http.get("/health").json().at("service").as_string(), "tts");
  EXPECT_EQ(http.get("/ready").status, 200);
  auto voices = http.get("/voices");
  ASSERT_EQ(voices.status, 200);
  EXPECT_GE(voices.json().at("voices").as_array().size(), 12u);

  auto r = http.postJson("/synthesize",
                         R"({"text":"Your fleet has arrived at Vega. Awaiting orders.","voice":"f2","speed":1.2})");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.header("content-type"), "audio/wav");
  const std::string info = soxi(r.body);
  EXPECT_NE(info.find("Channels       : 1"), std::string::npos) << info;
  EXPECT_NE(info.find("Sample Encoding: 16-bit Signed Integer PCM"), std::string::npos) << info;
  EXPECT_NE(info.find("Duration"), std::string::npos) << info;

  auto pcm = http.postJson("/synthesize", R"({"text":"Hello.","voice":{"variant":"m7","pitch":30,"range":40,"rate":150},"format":"pcm"})");
  ASSERT_EQ(pcm.status, 200) << pcm.body;
  EXPECT_EQ(pcm.header("content-type"), "audio/pcm");
  EXPECT_GT(pcm.body.size(), 1000u);

  // What an OpenAI client sends.
  auto openai = http.postJson("/v1/audio/speech",
                              R"({"model":"tts-1","input":"Taxes are at twenty percent.","voice":"alloy","response_format":"wav"})");
  ASSERT_EQ(openai.status, 200) << openai.body;
  EXPECT_NE(soxi(openai.body).find("Channels       : 1"), std::string::npos);

  expectError(http.postJson("/synthesize", R"({"text":""})"), 400, "invalid_text");
  expectError(http.postJson("/synthesize", R"({"text":"hi","voice":"nobody"})"), 400, "invalid_voice");
  expectError(http.postJson("/synthesize", R"({"text":"hi","voice":{"variant":"m1","pitch":500}})"), 400,
              "invalid_voice");
  expectError(http.postJson("/v1/audio/speech", R"({"input":"hi","response_format":"mp3"})"), 400,
              "invalid_format");
  expectError(http.postJson("/synthesize", R"({"text":)"), 400, "invalid_json");

  // Voice matching from a reference recording: a female espeak-ng voice gives an f* voice.
  const std::string reference = speak("The treasury is full and the people are happy today.", "en-us+f3");
  ASSERT_GT(reference.size(), 1000u);
  auto matched = http.request("POST", "/clone-voice",
                              multipart({{"name", "Ada"}}, "audio", reference), kMultipart);
  ASSERT_EQ(matched.status, 201) << matched.body;
  auto m = matched.json();
  EXPECT_EQ(m.at("method").as_string(), "voice matching");
  EXPECT_EQ(m.at("name").as_string(), "Ada");
  EXPECT_EQ(std::string(m.at("voice").at("variant").as_string()).substr(0, 1), "f") << matched.body;
  const std::string id(m.at("id").as_string());
  auto again = http.postJson("/synthesize", R"({"text":"I sound like Ada.","voice":")" + id + "\"}");
  EXPECT_EQ(again.status, 200) << again.body;
  expectError(http.request("POST", "/clone-voice", "not a wav", kWav), 400, "invalid_audio");
  EXPECT_EQ(http.get("/health").status, 200);  // still serving
  // /metrics is on the metrics listener, not on the service's port.
  EXPECT_EQ(http.get("/metrics").status, 404);
  auto metrics = HttpClient(tts.metricsPort()).get("/metrics");
  EXPECT_NE(metrics.body.find("http_requests_total"), std::string::npos);
}

TEST(SpeechServiceTest, SttTranscribesWavsAndRefusesBadAudioClearly) {
  ServerProcess stt(kTokenArgs, {}, "stt");
  ASSERT_TRUE(stt.waitReady(std::chrono::seconds(90))) << stt.log();
  TokenClient http(stt.port());
  EXPECT_EQ(http.get("/health").json().at("service").as_string(), "stt");
  EXPECT_EQ(http.get("/models").json().at("engine").as_string(), "pocketsphinx");

  const std::string speech = speak("what is the weather like today");
  ASSERT_GT(speech.size(), 1000u);
  // A raw WAV body, dictation (the standalone service has no campaign for grammar mode).
  auto raw = http.request("POST", "/transcribe", speech, kWav);
  ASSERT_EQ(raw.status, 200) << raw.body;
  auto t = raw.json();
  EXPECT_EQ(t.at("mode").as_string(), "dictation");
  EXPECT_FALSE(t.at("text").as_string().empty()) << raw.body;
  EXPECT_GT(t.at("timings").at("audio_ms").as_double(), 1000);

  // What an OpenAI client sends: multipart with file and model.
  auto openai = http.request("POST", "/v1/audio/transcriptions",
                             multipart({{"model", "whisper-1"}}, "file", speech), kMultipart);
  ASSERT_EQ(openai.status, 200) << openai.body;
  EXPECT_TRUE(openai.json().at("text").is_string());
  auto text = http.request("POST", "/v1/audio/transcriptions",
                           multipart({{"model", "whisper-1"}, {"response_format", "text"}}, "file", speech),
                           kMultipart);
  EXPECT_EQ(text.status, 200);
  EXPECT_EQ(text.header("content-type"), "text/plain; charset=utf-8");

  // Bad input: each a 4xx with a sentence; the service keeps going.
  expectError(http.request("POST", "/transcribe", "this is not audio at all", kWav), 400, "invalid_audio");
  expectError(http.request("POST", "/transcribe", speech.substr(0, 30), kWav), 400, "invalid_audio");
  expectError(http.request("POST", "/transcribe", "", kWav), 400, "invalid_audio");
  expectError(http.request("POST", "/transcribe", wavHeader(64, 16000, 2) + std::string(64, '\0'), kWav),
              400, "invalid_audio");  // ADPCM: an unsupported encoding
  const uint32_t ten_minutes = 600 * 8000 * 2;  // 8 kHz PCM16: 9.6 MB, under the 25 MiB limit
  expectError(http.request("POST", "/transcribe",
                           wavHeader(ten_minutes, 8000) + std::string(ten_minutes, '\0'), kWav),
              400, "audio_too_long");
  expectError(http.request("POST", "/transcribe?mode=grammar", speech, kWav), 400, "invalid_argument");
  expectError(http.request("POST", "/transcribe?mode=loud", speech, kWav), 400, "invalid_mode");
  expectError(http.request("POST", "/v1/audio/transcriptions", multipart({}, "audio", speech), kMultipart),
              400, "invalid_audio");  // OpenAI clients name the field "file"
  EXPECT_EQ(http.request("POST", "/transcribe", speech, kWav).status, 200);  // still serving
}

TEST(SpeechServiceTest, ServeSpeaksThroughARemoteTtsServiceWithTheExactVoice) {
  ServerProcess tts(kTokenArgs, {}, "tts");
  ASSERT_TRUE(tts.waitReady(std::chrono::seconds(60))) << tts.log();
  // serve sends its --speech-token to the remote service.
  ServerProcess serve({"--tts-url", "http://127.0.0.1:" + std::to_string(tts.port()) + "/v1",
                       "--speech-token", kSpeechToken},
                      kFastAuth);
  ASSERT_TRUE(serve.waitReady(std::chrono::seconds(90))) << serve.log();
  HttpClient http(serve.port());
  auto bob = signUp(http, "bob");
  auto r = http.postJson("/api/tts/synthesize",
                         R"({"text":"The remote voice speaks.","voice":{"variant":"f3","pitch":64,"range":82,"rate":171}})",
                         bob.token);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_NE(soxi(r.body).find("Channels       : 1"), std::string::npos);
  // The audio came from the tts service's OpenAI-compatible route, asked for that exact voice.
  TokenClient remote(tts.port());
  const std::string metrics = HttpClient(tts.metricsPort()).get("/metrics").body;
  EXPECT_NE(metrics.find(R"(route="/v1/audio/speech",status="200")"), std::string::npos) << metrics;
  // And a voice name nobody knows is still a clear error on the remote route too.
  auto unknown = remote.postJson("/synthesize", R"({"text":"hi","voice":"f3:64:82"})");
  expectError(unknown, 400, "invalid_voice");
}

TEST(SpeechServiceTest, ServeSpeaksThroughACoquiServer) {
  FakeLlmServer coqui;  // replays Coqui TTS's GET /api/tts answer: a WAV
  const std::string wav = speak("Coqui speaking.");
  coqui.enqueue(FakeReply::full(200, "audio/wav", wav));
  ServerProcess serve({"--tts-url", "coqui:" + coqui.url()}, kFastAuth);
  ASSERT_TRUE(serve.waitReady(std::chrono::seconds(90))) << serve.log();
  HttpClient http(serve.port());
  auto carol = signUp(http, "carol");
  auto r = http.postJson("/api/tts/synthesize", R"({"text":"Coqui speaking."})", carol.token);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_NE(soxi(r.body).find("Channels       : 1"), std::string::npos);
  const auto requests = coqui.requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0].target.rfind("/api/tts?", 0), 0u) << requests[0].target;
  EXPECT_NE(requests[0].target.find("Coqui"), std::string::npos) << requests[0].target;
}

TEST(SpeechServiceTest, ServeRecognisesThroughARemoteWhisperServer) {
  FakeLlmServer whisper;  // replays whisper.cpp's /inference answer
  whisper.enqueue(FakeReply::full(200, "application/json", R"({"text":" Set taxes to thirty percent."})"));
  std::vector<std::string> env = kFastAuth;
  ServerProcess serve({"--stt-url", "whisper.cpp:" + whisper.url()}, env);
  ASSERT_TRUE(serve.waitReady(std::chrono::seconds(90))) << serve.log();
  HttpClient http(serve.port());
  auto alice = signUp(http, "alice");
  auto c = post(http, "/api/campaigns", R"({"name":"Whisper","systems":40,"ai_empires":1,"max_players":1})",
                alice, 201);
  const int64_t id = c.at("id").as_int64();
  post(http, "/api/campaigns/" + std::to_string(id) + "/start", "", alice);
  auto r = http.request("POST", "/api/stt/transcribe?campaign=" + std::to_string(id),
                        speak("set taxes to thirty percent"),
                        {{"Content-Type", "audio/wav"}, {"Authorization", "Bearer " + alice.token}});
  ASSERT_EQ(r.status, 200) << r.body;
  auto t = r.json();
  EXPECT_EQ(t.at("engine").as_string(), "whisper.cpp") << r.body;
  EXPECT_EQ(t.at("command").at("type").as_string(), "set_policy") << r.body;
  EXPECT_EQ(t.at("command").at("tax_rate").as_int64(), 30) << r.body;
  const auto requests = whisper.requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0].target, "/inference");
  EXPECT_NE(requests[0].headers.at("content-type").find("multipart/form-data"), std::string::npos);
}

TEST(SpeechServiceTest, VoiceOverTheGameSocket) {
  std::vector<std::string> env = kFastAuth;
  ServerProcess server({}, env);
  ASSERT_TRUE(server.waitReady(std::chrono::seconds(90))) << server.log();
  HttpClient http(server.port());
  auto alice = signUp(http, "alice");
  auto c = post(http, "/api/campaigns",
                R"({"name":"Voice","systems":40,"ai_empires":1,"max_players":1,"tick_ms":200})", alice, 201);
  const int64_t id = c.at("id").as_int64();
  post(http, "/api/campaigns/" + std::to_string(id) + "/start", "", alice);
  auto cast = http.get("/api/campaigns/" + std::to_string(id) + "/characters", alice.token).json();
  int64_t treasury = 0;
  for (const auto& ch : cast.at("characters").as_array()) {
    if (ch.at("role").as_string() == "treasury") treasury = ch.at("id").as_int64();
  }
  Gamer gamer(server.port(), alice);
  gamer.join(id);

  // A spoken command: recognised from the campaign's grammar, applied, confirmed aloud.
  gamer.send({{"type", "voice.start"}, {"id", 10}});
  int frames = 0;
  auto started = repliesUntil(gamer, "ack", 10, frames);
  ASSERT_FALSE(started.empty());
  EXPECT_EQ(started.back().at("type").as_string(), "ack");
  ASSERT_TRUE(sendAudio(gamer, speak("set taxes to thirty percent")));
  gamer.send({{"type", "voice.end"}, {"id", 11}});
  auto answer = repliesUntil(gamer, "ack", 11, frames);
  const auto* result = findType(answer, "voice.result");
  ASSERT_NE(result, nullptr) << (answer.empty() ? "nothing" : json::serialize(answer.back()));
  EXPECT_EQ(result->at("kind").as_string(), "command") << json::serialize(*result);
  EXPECT_EQ(result->at("command").at("type").as_string(), "set_policy") << json::serialize(*result);
  EXPECT_EQ(result->at("command").at("tax_rate").as_int64(), 30) << json::serialize(*result);
  const auto* applied = findType(answer, "voice.command");
  ASSERT_NE(applied, nullptr);
  EXPECT_GT(applied->at("tick").as_int64(), 0);
  ASSERT_NE(findType(answer, "voice.audio"), nullptr);
  EXPECT_GE(frames, 1);  // the spoken confirmation
  const auto* done = findType(answer, "voice.done");
  ASSERT_NE(done, nullptr);
  std::cerr << "voice command: recognition " << done->at("recognition_ms").as_double()
            << " ms, first audio " << done->at("first_audio_ms").as_double() << " ms\n";
  // The state really changed.
  auto state = http.get("/api/campaigns/" + std::to_string(id) + "/state", alice.token);
  for (int i = 0; i < 50 && state.json().at("self").at("policies").at("tax_rate").as_int64() != 30; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    state = http.get("/api/campaigns/" + std::to_string(id) + "/state", alice.token);
  }
  EXPECT_EQ(state.json().at("self").at("policies").at("tax_rate").as_int64(), 30);

  // A spoken question to the treasury: the answer streams as text and as audio.
  frames = 0;
  gamer.send({{"type", "voice.start"}, {"id", 20}, {"character", treasury}});
  repliesUntil(gamer, "ack", 20, frames);
  ASSERT_TRUE(sendAudio(gamer, speak("how are our finances")));
  gamer.send({{"type", "voice.end"}, {"id", 21}});
  auto spoken = repliesUntil(gamer, "ack", 21, frames);
  const auto* q = findType(spoken, "voice.result");
  ASSERT_NE(q, nullptr) << (spoken.empty() ? "nothing" : json::serialize(spoken.back()));
  EXPECT_EQ(q->at("kind").as_string(), "question") << json::serialize(*q);
  ASSERT_NE(findType(spoken, "character.delta"), nullptr);
  const auto* reply = findType(spoken, "character.done");
  ASSERT_NE(reply, nullptr);
  EXPECT_NE(std::string(reply->at("message").at("text").as_string()).find("credits"), std::string::npos);
  EXPECT_GE(frames, 1);

  // Barge-in: voice.cancel drops the utterance in progress; nothing more answers it.
  gamer.send({{"type", "voice.start"}, {"id", 30}, {"character", treasury}});
  repliesUntil(gamer, "ack", 30, frames);
  ASSERT_TRUE(gamer.raw().sendBinary(std::string(3200, '\0')));
  gamer.send({{"type", "voice.cancel"}, {"id", 31}});
  auto cancelled = repliesUntil(gamer, "ack", 31, frames);
  ASSERT_FALSE(cancelled.empty());
  EXPECT_TRUE(cancelled.back().at("cancelled").as_bool());
  gamer.send({{"type", "voice.end"}, {"id", 32}});
  auto after = repliesUntil(gamer, "error", 32, frames);
  ASSERT_FALSE(after.empty());
  EXPECT_EQ(after.back().at("code").as_string(), "voice_not_started");
}

}  // namespace
}  // namespace startales::testing
