// The remote engines against a protocol-faithful fake server (tests/support/fake_llm_server.h):
// the Coqui and OpenAI wire formats, 503-then-ok, refused connections, timeouts, garbage.

#include "voice/tts/remote_tts.h"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <chrono>
#include <thread>

#include "support/fake_llm_server.h"
#include "support/test_audio.h"

namespace startales::voice {
namespace {

using startales::testing::FakeLlmServer;
using startales::testing::FakeReply;
using startales::testing::refusedPort;
using startales::testing::tone;
using Steady = std::chrono::steady_clock;

FakeReply wavReply(int rate = 22050, double seconds = 0.5) {
  return FakeReply::full(200, "audio/wav", encodeWav(tone(rate, seconds)));
}

FakeReply busyReply(int retry_after_s) {
  return FakeReply::busy(retry_after_s, R"({"error":"queue full"})");
}

RemoteTtsConfig config(const std::string& url) {
  RemoteTtsConfig c;
  c.url = url;
  c.http.connect_timeout_ms = 500;
  c.http.total_timeout_ms = 2000;
  c.http.backoff_base_ms = 20;
  c.http.backoff_max_ms = 50;  // Retry-After is capped here, so retries stay quick
  return c;
}

std::unique_ptr<CoquiTts> coqui(RemoteTtsConfig c) {
  auto t = CoquiTts::create(std::move(c));
  EXPECT_TRUE(t.ok()) << (t.ok() ? "" : t.error().message);
  return t.ok() ? std::move(*t) : nullptr;
}

std::unique_ptr<OpenAiTts> openai(RemoteTtsConfig c) {
  auto t = OpenAiTts::create(std::move(c));
  EXPECT_TRUE(t.ok()) << (t.ok() ? "" : t.error().message);
  return t.ok() ? std::move(*t) : nullptr;
}

TEST(CoquiTtsTest, GetsOneWavPerSentenceInOrder) {
  FakeLlmServer server;
  server.enqueue(wavReply(22050, 0.5));
  server.enqueue(wavReply(22050, 0.25));
  auto tts = coqui(config(server.url()));
  ASSERT_TRUE(tts);
  VoiceSpec voice;
  voice.remote_voice = "p225";
  std::vector<size_t> sizes;
  auto info = tts->synthesize(
      "Hello commander. Fleet & crew ready?", voice, 1.0,
      [&](const SpeechChunk& c) { sizes.push_back(c.audio.samples.size()); }, CancelToken{});
  ASSERT_TRUE(info.ok()) << info.error().message;
  EXPECT_EQ(sizes, (std::vector<size_t>{11025, 5512}));
  EXPECT_EQ(info->sample_rate, 22050);
  auto reqs = server.requests();
  ASSERT_EQ(reqs.size(), 2u);
  EXPECT_EQ(reqs[0].method, "GET");
  EXPECT_EQ(reqs[0].target, "/api/tts?text=Hello%20commander.&speaker_id=p225");
  EXPECT_EQ(reqs[1].target, "/api/tts?text=Fleet%20%26%20crew%20ready%3F&speaker_id=p225");
  EXPECT_FALSE(tts->capabilities().clones_reference_audio);
}

TEST(CoquiTtsTest, PostFormAndReferenceUploadWhenTheServerClones) {
  FakeLlmServer server;
  server.enqueue(wavReply());
  server.enqueue(wavReply());
  auto c = config(server.url());
  c.use_post = true;
  c.language = "en";
  auto plain = coqui(c);
  c.clones_reference = true;
  auto cloning = coqui(c);
  ASSERT_TRUE(plain && cloning);
  EXPECT_TRUE(cloning->capabilities().clones_reference_audio);
  VoiceSpec voice;
  voice.reference_wav = encodeWav(tone(16000, 0.2));
  ASSERT_TRUE(synthesizeAll(*plain, "One.", voice).ok());
  ASSERT_TRUE(synthesizeAll(*cloning, "Two.", voice).ok());
  auto reqs = server.requests();
  ASSERT_EQ(reqs.size(), 2u);
  EXPECT_EQ(reqs[0].method, "POST");
  EXPECT_EQ(reqs[0].headers["content-type"], "application/x-www-form-urlencoded");
  EXPECT_EQ(reqs[0].body, "text=One.&language_id=en");
  EXPECT_TRUE(reqs[1].headers["content-type"].starts_with("multipart/form-data; boundary="));
  EXPECT_NE(reqs[1].body.find("name=\"speaker_wav\"; filename=\"reference.wav\""),
            std::string::npos);
  EXPECT_NE(reqs[1].body.find(voice.reference_wav), std::string::npos);
}

TEST(CoquiTtsTest, Retries503ThenSucceeds) {
  FakeLlmServer server;
  server.enqueue(busyReply(1));
  server.enqueue(busyReply(1));
  server.enqueue(wavReply());
  auto tts = coqui(config(server.url()));
  ASSERT_TRUE(tts);
  auto audio = synthesizeAll(*tts, "Third time lucky.", VoiceSpec{});
  ASSERT_TRUE(audio.ok()) << audio.error().message;
  EXPECT_EQ(server.requestCount(), 3u);
}

TEST(CoquiTtsTest, Persistent503IsUnavailableWithRetryAfter) {
  FakeLlmServer server;
  for (int i = 0; i < 3; ++i) server.enqueue(busyReply(7));
  auto tts = coqui(config(server.url()));
  ASSERT_TRUE(tts);
  auto audio = synthesizeAll(*tts, "Busy.", VoiceSpec{});
  ASSERT_FALSE(audio.ok());
  EXPECT_EQ(audio.error().code, "tts_unavailable");
  EXPECT_EQ(audio.error().retry_after_s, 7);
  EXPECT_NE(audio.error().message.find("queue full"), std::string::npos);
  EXPECT_EQ(server.requestCount(), 3u);  // 1 + max_retries, never more
}

TEST(CoquiTtsTest, RefusedConnectionIsUnavailable) {
  auto tts = coqui(config("http://127.0.0.1:" + std::to_string(refusedPort())));
  ASSERT_TRUE(tts);
  auto audio = synthesizeAll(*tts, "Anyone there?", VoiceSpec{});
  ASSERT_FALSE(audio.ok());
  EXPECT_EQ(audio.error().code, "tts_unavailable");
  EXPECT_GT(audio.error().retry_after_s, 0);
}

TEST(CoquiTtsTest, SlowServerTimesOut) {
  FakeLlmServer server;
  FakeReply slow;
  slow.pause(1500);
  server.enqueue(slow);
  auto c = config(server.url());
  c.http.total_timeout_ms = 300;
  auto tts = coqui(c);
  ASSERT_TRUE(tts);
  auto start = Steady::now();
  auto audio = synthesizeAll(*tts, "Hello?", VoiceSpec{});
  ASSERT_FALSE(audio.ok());
  EXPECT_EQ(audio.error().code, "tts_timeout");
  EXPECT_LT(Steady::now() - start, std::chrono::milliseconds(1200));
  EXPECT_EQ(server.requestCount(), 1u);  // a timeout is not retried
}

TEST(CoquiTtsTest, GarbageIsAProtocolError) {
  FakeLlmServer server;
  server.enqueue(FakeReply::full(200, "audio/wav", "this is not a wav file at all"));
  server.enqueue(FakeReply::full(200, "audio/wav", encodeWav(tone(22050, 0.5)).substr(0, 30)));
  FakeReply not_http;
  not_http.raw("SSH-2.0-OpenSSH_9.2\r\n\r\nhello");
  server.enqueue(not_http);
  server.enqueue(FakeReply::full(400, "application/json", R"({"error":"unknown speaker"})"));
  server.enqueue(FakeReply::full(500, "text/plain", "Traceback (most recent call last)"));
  auto tts = coqui(config(server.url()));
  ASSERT_TRUE(tts);
  auto code = [&] {
    auto r = synthesizeAll(*tts, "Speak.", VoiceSpec{});
    return r.ok() ? std::string("ok") : r.error().code + ": " + r.error().message;
  };
  EXPECT_TRUE(code().starts_with("tts_protocol: The TTS server did not send a usable WAV"));
  EXPECT_TRUE(code().starts_with("tts_protocol"));
  EXPECT_TRUE(code().starts_with("tts_protocol"));
  std::string refused = code();
  EXPECT_TRUE(refused.starts_with("tts_protocol")) << refused;
  EXPECT_NE(refused.find("unknown speaker"), std::string::npos);
  EXPECT_TRUE(code().starts_with("tts_unavailable"));
}

TEST(CoquiTtsTest, CancelStopsBetweenAndDuringRequests) {
  FakeLlmServer server;
  FakeReply slow;
  slow.pause(3000);
  server.enqueue(slow);
  auto tts = coqui(config(server.url()));
  ASSERT_TRUE(tts);
  CancelToken cancel;
  std::thread canceller([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    cancel.cancel();
  });
  auto start = Steady::now();
  auto r = tts->synthesize("Wait for it.", VoiceSpec{}, 1.0, nullptr, cancel);
  canceller.join();
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "cancelled");
  EXPECT_LT(Steady::now() - start, std::chrono::milliseconds(1000));
}

TEST(OpenAiTtsTest, PostsTheDocumentedJsonAndReadsWav) {
  FakeLlmServer server;
  server.enqueue(wavReply(24000, 0.5));
  server.enqueue(wavReply(24000, 0.5));
  auto c = config(server.url("/v1"));
  c.api_key = "sk-test";
  c.sample_rate = 16000;
  auto tts = openai(c);
  ASSERT_TRUE(tts);
  VoiceSpec voice;
  voice.remote_voice = "nova";
  auto info = tts->synthesize("First. Second.", voice, 1.25, nullptr, CancelToken{});
  ASSERT_TRUE(info.ok()) << info.error().message;
  EXPECT_EQ(info->sample_rate, 16000);
  EXPECT_NEAR(static_cast<double>(info->total_samples), 16000.0, 50);
  auto reqs = server.requests();
  ASSERT_EQ(reqs.size(), 2u);
  EXPECT_EQ(reqs[0].method, "POST");
  EXPECT_EQ(reqs[0].target, "/v1/audio/speech");
  EXPECT_EQ(reqs[0].headers["authorization"], "Bearer sk-test");
  EXPECT_EQ(reqs[0].headers["content-type"], "application/json");
  auto body = boost::json::parse(reqs[0].body).as_object();
  EXPECT_EQ(body["model"].as_string(), "tts-1");
  EXPECT_EQ(body["input"].as_string(), "First.");
  EXPECT_EQ(body["voice"].as_string(), "nova");
  EXPECT_EQ(body["response_format"].as_string(), "wav");
  EXPECT_DOUBLE_EQ(body["speed"].to_number<double>(), 1.25);
  EXPECT_FALSE(tts->capabilities().clones_reference_audio);
}

TEST(OpenAiTtsTest, PcmIsPcm16At24kHz) {
  FakeLlmServer server;
  server.enqueue(FakeReply::full(200, "audio/pcm", toPcm16(tone(24000, 0.5))));
  server.enqueue(FakeReply::full(200, "application/json", R"({"oops":true})"));
  auto c = config(server.url("/v1"));
  c.response_format = "pcm";
  auto tts = openai(c);
  ASSERT_TRUE(tts);
  auto audio = synthesizeAll(*tts, "Raw audio.", VoiceSpec{});
  ASSERT_TRUE(audio.ok()) << audio.error().message;
  EXPECT_EQ(audio->sample_rate, 24000);
  EXPECT_EQ(audio->samples.size(), 12000u);
  auto bad = synthesizeAll(*tts, "Not audio.", VoiceSpec{});
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().code, "tts_protocol");
  auto body = boost::json::parse(server.requests()[0].body).as_object();
  EXPECT_EQ(body["voice"].as_string(), "alloy");  // the default
}

TEST(OpenAiTtsTest, Retries503ThenSucceeds) {
  FakeLlmServer server;
  server.enqueue(busyReply(1));
  server.enqueue(wavReply());
  auto tts = openai(config(server.url("/v1")));
  ASSERT_TRUE(tts);
  EXPECT_TRUE(synthesizeAll(*tts, "Retry me.", VoiceSpec{}).ok());
  EXPECT_EQ(server.requestCount(), 2u);
}

TEST(RemoteTtsTest, BadConfigAndBadInput) {
  auto https = CoquiTts::create(config("https://tts.example"));
  ASSERT_FALSE(https.ok());
  EXPECT_EQ(https.error().code, "invalid_config");
  auto c = config("not a url");
  c.response_format = "mp3";
  c.http.max_retries = 50;
  auto bad = OpenAiTts::create(c);
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().message.find("mp3"), std::string::npos);
  EXPECT_NE(bad.error().message.find("max_retries"), std::string::npos);

  FakeLlmServer server;
  auto tts = openai(config(server.url("/v1")));
  ASSERT_TRUE(tts);
  auto empty = synthesizeAll(*tts, " ", VoiceSpec{});
  ASSERT_FALSE(empty.ok());
  EXPECT_EQ(empty.error().code, "invalid_text");
  EXPECT_EQ(server.requestCount(), 0u);  // refused before any request
}

}  // namespace
}  // namespace startales::voice
