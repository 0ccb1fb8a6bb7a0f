// The remote Whisper engines against a protocol-faithful fake server
// (tests/support/fake_llm_server.h): the whisper.cpp and OpenAI multipart requests, grammar
// parsing of the reply, 503-then-ok, refused connections, timeouts, garbage.

#include "voice/stt/remote_stt.h"

#include <gtest/gtest.h>

#include <chrono>

#include "support/fake_llm_server.h"
#include "support/test_audio.h"

namespace startales::voice {
namespace {

using startales::testing::FakeLlmServer;
using startales::testing::FakeReply;
using startales::testing::refusedPort;
using startales::testing::tone;
using Steady = std::chrono::steady_clock;

FakeReply textReply(const std::string& text) {
  return FakeReply::full(200, "application/json", R"({"text":")" + text + R"("})");
}

FakeReply busyReply(int retry_after_s) {
  return FakeReply::busy(retry_after_s, R"({"error":"busy"})");
}

RemoteSttConfig config(const std::string& url) {
  RemoteSttConfig c;
  c.url = url;
  c.http.connect_timeout_ms = 500;
  c.http.total_timeout_ms = 2000;
  c.http.backoff_base_ms = 20;
  c.http.backoff_max_ms = 50;
  return c;
}

std::unique_ptr<WhisperCppStt> whisper(const RemoteSttConfig& c) {
  auto t = WhisperCppStt::create(c);
  EXPECT_TRUE(t.ok()) << (t.ok() ? "" : t.error().message);
  return t.ok() ? std::move(*t) : nullptr;
}

std::shared_ptr<const Vocabulary> vocabulary() {
  auto v = std::make_shared<Vocabulary>();
  v->techs.push_back({"Fusion Power", 3});
  v->own_planets.push_back({"Greenwood", 7});
  v->buildings.push_back({"Farm", 1});
  return v;
}

// The value of multipart field `name` in `body` ("" when absent).
std::string field(const std::string& body, const std::string& name) {
  const std::string key = "name=\"" + name + "\"";
  auto at = body.find(key);
  if (at == std::string::npos) return "";
  auto start = body.find("\r\n\r\n", at);
  auto end = body.find("\r\n--", start);
  return body.substr(start + 4, end - start - 4);
}

TEST(WhisperCppSttTest, SendsMultipartWavAndParsesTheCommand) {
  FakeLlmServer server;
  server.enqueue(textReply(" Research fusion power."));
  server.enqueue(textReply(" What a lovely day!"));
  auto c = config(server.url());
  c.language = "en";
  auto stt = whisper(c);
  ASSERT_TRUE(stt);
  TranscribeOptions opts;
  opts.vocabulary = vocabulary();
  auto t = stt->transcribe(tone(22050, 1.0), opts);
  ASSERT_TRUE(t.ok()) << t.error().message;
  EXPECT_EQ(t->text, "research fusion power");
  ASSERT_TRUE(t->command);
  EXPECT_EQ(*t->command, game::Action(game::Research{3}));
  EXPECT_FALSE(t->rejected);
  EXPECT_DOUBLE_EQ(t->confidence, 1.0);
  EXPECT_NEAR(t->timings.audio_ms, 1000, 1);

  auto requests = server.requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0].method, "POST");
  EXPECT_EQ(requests[0].target, "/inference");
  EXPECT_TRUE(requests[0].headers["content-type"].starts_with("multipart/form-data; boundary="));
  EXPECT_EQ(field(requests[0].body, "response_format"), "json");
  EXPECT_EQ(field(requests[0].body, "language"), "en");
  EXPECT_NE(requests[0].body.find("filename=\"audio.wav\""), std::string::npos);
  // The file is a 16 kHz mono WAV of the same length.
  auto wav = parseWav(field(requests[0].body, "file"));
  ASSERT_TRUE(wav.ok()) << wav.error().message;
  EXPECT_EQ(wav->sample_rate, 16000);
  EXPECT_NEAR(durationSeconds(*wav), 1.0, 0.01);

  // No command in grammar mode: rejected, confidence 0; dictation keeps the text.
  auto chat = stt->transcribe(tone(16000, 0.5), opts);
  ASSERT_TRUE(chat.ok());
  EXPECT_EQ(chat->text, "what a lovely day");
  EXPECT_TRUE(chat->rejected);
  EXPECT_FALSE(chat->command);
  server.enqueue(textReply("What a lovely day!"));
  TranscribeOptions dictation;
  dictation.mode = SttMode::kDictation;
  auto d = stt->transcribe(tone(16000, 0.5), dictation);
  ASSERT_TRUE(d.ok());
  EXPECT_FALSE(d->rejected);
  EXPECT_DOUBLE_EQ(d->confidence, 1.0);
}

TEST(OpenAiSttTest, PostsToAudioTranscriptionsWithModelAndKey) {
  FakeLlmServer server;
  server.enqueue(textReply("Build a farm on Greenwood"));
  auto c = config(server.url("/v1"));
  c.model = "whisper-large-v3";
  c.api_key = "sk-test";
  auto stt = OpenAiStt::create(c);
  ASSERT_TRUE(stt.ok()) << stt.error().message;
  EXPECT_EQ((*stt)->name(), "openai");
  TranscribeOptions opts;
  opts.vocabulary = vocabulary();
  auto t = (*stt)->transcribe(tone(48000, 0.5), opts);
  ASSERT_TRUE(t.ok()) << t.error().message;
  ASSERT_TRUE(t->command);
  EXPECT_EQ(*t->command, game::Action(game::Build{7, static_cast<game::Building>(1)}));
  auto requests = server.requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0].target, "/v1/audio/transcriptions");
  EXPECT_EQ(requests[0].headers["authorization"], "Bearer sk-test");
  EXPECT_EQ(field(requests[0].body, "model"), "whisper-large-v3");
  EXPECT_EQ(field(requests[0].body, "response_format"), "json");
}

TEST(RemoteSttTest, BusyThenOkIsRetriedWithinBounds) {
  FakeLlmServer server;
  server.enqueue(busyReply(1));
  server.enqueue(busyReply(1));
  server.enqueue(textReply("research fusion power"));
  auto stt = whisper(config(server.url()));
  ASSERT_TRUE(stt);
  TranscribeOptions opts;
  opts.vocabulary = vocabulary();
  auto t = stt->transcribe(tone(16000, 0.3), opts);
  ASSERT_TRUE(t.ok()) << t.error().message;
  EXPECT_TRUE(t->command);
  EXPECT_EQ(server.requestCount(), 3u);

  FakeLlmServer busy;
  for (int i = 0; i < 4; ++i) busy.enqueue(busyReply(7));
  auto stt2 = whisper(config(busy.url()));
  auto e = stt2->transcribe(tone(16000, 0.3), opts);
  ASSERT_FALSE(e.ok());
  EXPECT_EQ(e.error().code, "stt_unavailable");
  EXPECT_EQ(e.error().retry_after_s, 7);
  EXPECT_EQ(busy.requestCount(), 3u);  // 1 + max_retries, never more
}

TEST(RemoteSttTest, RefusedConnectionIsUnavailable) {
  auto stt = whisper(config("http://127.0.0.1:" + std::to_string(refusedPort())));
  ASSERT_TRUE(stt);
  TranscribeOptions opts;
  opts.mode = SttMode::kDictation;
  auto t = stt->transcribe(tone(16000, 0.3), opts);
  ASSERT_FALSE(t.ok());
  EXPECT_EQ(t.error().code, "stt_unavailable");
  EXPECT_GT(t.error().retry_after_s, 0);
}

TEST(RemoteSttTest, SlowServerTimesOutWithoutRetry) {
  FakeLlmServer server;
  FakeReply slow;
  slow.pause(1500);
  server.enqueue(slow);
  auto c = config(server.url());
  c.http.total_timeout_ms = 300;
  auto stt = whisper(c);
  ASSERT_TRUE(stt);
  TranscribeOptions opts;
  opts.mode = SttMode::kDictation;
  const auto start = Steady::now();
  auto t = stt->transcribe(tone(16000, 0.3), opts);
  ASSERT_FALSE(t.ok());
  EXPECT_EQ(t.error().code, "stt_timeout");
  EXPECT_LT(Steady::now() - start, std::chrono::milliseconds(1200));
  EXPECT_EQ(server.requestCount(), 1u);
}

TEST(RemoteSttTest, GarbageIsAProtocolError) {
  FakeLlmServer server;
  server.enqueue(FakeReply::full(200, "application/json", "not json"));
  server.enqueue(FakeReply::full(200, "application/json", R"({"transcript":"hi"})"));
  server.enqueue(FakeReply::full(200, "application/json", R"({"text":42})"));
  FakeReply not_http;
  not_http.raw("SSH-2.0-OpenSSH_9.2\r\n\r\nhello");
  server.enqueue(not_http);
  server.enqueue(FakeReply::full(400, "application/json", R"({"error":"bad file"})"));
  server.enqueue(FakeReply::full(500, "text/plain", "Traceback"));
  auto stt = whisper(config(server.url()));
  ASSERT_TRUE(stt);
  TranscribeOptions opts;
  opts.mode = SttMode::kDictation;
  auto code = [&] {
    auto r = stt->transcribe(tone(16000, 0.3), opts);
    return r.ok() ? std::string("ok") : r.error().code + ": " + r.error().message;
  };
  for (int i = 0; i < 4; ++i) EXPECT_TRUE(code().starts_with("stt_protocol"));
  const std::string bad = code();
  EXPECT_TRUE(bad.starts_with("stt_protocol")) << bad;
  EXPECT_NE(bad.find("bad file"), std::string::npos);
  EXPECT_TRUE(code().starts_with("stt_unavailable"));
}

TEST(RemoteSttTest, BadRequestsAndConfig) {
  auto stt = whisper(config("http://127.0.0.1:9"));
  ASSERT_TRUE(stt);
  auto no_vocab = stt->transcribe(tone(16000, 0.3), TranscribeOptions{});
  ASSERT_FALSE(no_vocab.ok());
  EXPECT_EQ(no_vocab.error().code, "invalid_argument");
  TranscribeOptions dictation;
  dictation.mode = SttMode::kDictation;
  auto empty = stt->transcribe(Audio{16000, {}}, dictation);
  ASSERT_FALSE(empty.ok());
  EXPECT_EQ(empty.error().code, "invalid_audio");
  EXPECT_FALSE(WhisperCppStt::create(config("https://example.com")).ok());
  EXPECT_FALSE(WhisperCppStt::create(config("")).ok());
  auto no_model = config("http://127.0.0.1:9/v1");
  no_model.model.clear();
  EXPECT_FALSE(OpenAiStt::create(no_model).ok());
  EXPECT_EQ(validateRemoteSttConfig(no_model, true).size(), 1u);
}

}  // namespace
}  // namespace startales::voice
