// The embedded engine on the real espeak-ng binary.

#include "voice/tts/espeak_tts.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <thread>

#include "tts_test_util.h"
#include "voice/tts/voice_match.h"

namespace startales::voice {
namespace {

using testing::shell;
using testing::TempDir;
using Steady = std::chrono::steady_clock;

constexpr std::string_view kThreeSentences =
    "Commander, the treasury reports a surplus. Our fleet at Mars is ready. "
    "The science council asks for more funding.";

std::unique_ptr<EspeakTts> makeTts(EspeakConfig config = {}) {
  auto tts = EspeakTts::create(std::move(config));
  EXPECT_TRUE(tts.ok()) << (tts.ok() ? "" : tts.error().message);
  return tts.ok() ? std::move(*tts) : nullptr;
}

TEST(EspeakTtsTest, OutputIsAWavSoxiReads) {
  auto tts = makeTts();
  ASSERT_TRUE(tts);
  auto audio = synthesizeAll(*tts, kThreeSentences, VoiceSpec{});
  ASSERT_TRUE(audio.ok()) << audio.error().message;
  EXPECT_EQ(audio->sample_rate, 22050);
  double seconds = durationSeconds(*audio);
  EXPECT_GT(seconds, 3.0);
  EXPECT_LT(seconds, 15.0);

  TempDir dir;
  std::string path = dir.file("out.wav", encodeAudio(*audio, AudioFormat::kWav));
  EXPECT_EQ(shell("soxi -r " + path), "22050\n");
  EXPECT_EQ(shell("soxi -c " + path), "1\n");
  EXPECT_EQ(shell("soxi -b " + path), "16\n");
  EXPECT_NEAR(std::stod(shell("soxi -D " + path)), seconds, 0.01);

  std::string pcm = encodeAudio(*audio, AudioFormat::kPcm16);
  EXPECT_EQ(pcm.size(), audio->samples.size() * 2);
  EXPECT_EQ(contentType(AudioFormat::kPcm16), "audio/pcm");
}

TEST(EspeakTtsTest, ResamplesToTheConfiguredRate) {
  EspeakConfig config;
  config.sample_rate = 16000;
  auto tts = makeTts(config);
  ASSERT_TRUE(tts);
  auto audio = synthesizeAll(*tts, "Hello, commander.", VoiceSpec{});
  ASSERT_TRUE(audio.ok()) << audio.error().message;
  EXPECT_EQ(audio->sample_rate, 16000);
  EXPECT_GT(durationSeconds(*audio), 0.5);
}

TEST(EspeakTtsTest, StreamsSentencesInOrderBeforeTheWholeTextIsDone) {
  auto tts = makeTts();
  ASSERT_TRUE(tts);
  std::vector<std::string> texts;
  std::vector<int> indexes;
  auto info = tts->synthesize(
      kThreeSentences, VoiceSpec{}, 1.0,
      [&](const SpeechChunk& chunk) {
        indexes.push_back(chunk.index);
        texts.emplace_back(chunk.text);
        EXPECT_GT(chunk.audio.samples.size(), 1000u);
      },
      CancelToken{});
  ASSERT_TRUE(info.ok()) << info.error().message;
  EXPECT_EQ(indexes, (std::vector<int>{0, 1, 2}));
  EXPECT_EQ(texts[1], "Our fleet at Mars is ready.");
  EXPECT_EQ(info->sentences, 3);
  EXPECT_GE(info->first_audio_ms, 0);
  EXPECT_LE(info->first_audio_ms, info->total_ms);

  // Cancelling from the first chunk's callback: the later sentences were never synthesized,
  // so the first chunk really arrived before the rest of the text was done.
  CancelToken cancel;
  int chunks = 0;
  auto cancelled = tts->synthesize(
      kThreeSentences, VoiceSpec{}, 1.0,
      [&](const SpeechChunk&) {
        ++chunks;
        cancel.cancel();
      },
      cancel);
  ASSERT_FALSE(cancelled.ok());
  EXPECT_EQ(cancelled.error().code, "cancelled");
  EXPECT_EQ(chunks, 1);
}

TEST(EspeakTtsTest, TwoCharactersSoundMeasurablyDifferent) {
  auto tts = makeTts();
  ASSERT_TRUE(tts);
  VoiceSpec treasurer{"m7", 25, 40, 150};
  VoiceSpec scientist{"f3", 70, 70, 190};
  auto a = synthesizeAll(*tts, kThreeSentences, treasurer);
  auto b = synthesizeAll(*tts, kThreeSentences, scientist);
  ASSERT_TRUE(a.ok() && b.ok());
  auto ta = estimateTraits(*a);
  auto tb = estimateTraits(*b);
  ASSERT_TRUE(ta.ok() && tb.ok());
  EXPECT_GT(tb->pitch_median_hz, ta->pitch_median_hz * 1.8);
  EXPECT_LT(durationSeconds(*b), durationSeconds(*a));  // faster speaker
}

TEST(EspeakTtsTest, ConcurrentCallsFromFourThreads) {
  EspeakConfig config;
  config.max_processes = 2;
  config.queue_wait_ms = 10000;
  auto tts = makeTts(config);
  ASSERT_TRUE(tts);
  std::atomic<int> ok{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 4; ++i) {
    threads.emplace_back([&, i] {
      VoiceSpec voice{i % 2 ? "f2" : "m3", 30 + 10 * i, 50, 175};
      auto audio = synthesizeAll(*tts, kThreeSentences, voice);
      if (audio.ok() && durationSeconds(*audio) > 3.0) ++ok;
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(ok.load(), 4);
  EXPECT_EQ(tts->busy(), 0);
}

TEST(EspeakTtsTest, SaturationIsOverloadedWithRetryAfter) {
  TempDir dir;
  EspeakConfig config;
  config.binary = testing::slowEspeak(dir, "0.4");
  config.max_processes = 1;
  config.queue_wait_ms = 0;
  auto tts = makeTts(config);
  ASSERT_TRUE(tts);
  std::thread busy([&] { (void)synthesizeAll(*tts, "Hold the line.", VoiceSpec{}); });
  for (int i = 0; i < 200 && tts->busy() == 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  ASSERT_EQ(tts->busy(), 1);
  auto refused = synthesizeAll(*tts, "Me too.", VoiceSpec{});
  busy.join();
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, "overloaded");
  EXPECT_EQ(refused.error().retry_after_s, 1);
  EXPECT_EQ(tts->rejected(), 1u);
  // Free again: it works.
  EXPECT_TRUE(synthesizeAll(*tts, "Now it is free.", VoiceSpec{}).ok());
}

TEST(EspeakTtsTest, CancelKillsTheRunningSentence) {
  TempDir dir;
  EspeakConfig config;
  config.binary = testing::slowEspeak(dir, "0.1");  // the probe in create() stays quick
  auto tts = makeTts(config);
  ASSERT_TRUE(tts);
  // Now make every sentence slow: the process is killed mid-sentence on cancel.
  (void)dir.file("slow-espeak", "#!/bin/sh\nsleep 3\nexec espeak-ng \"$@\"\n", true);
  CancelToken cancel;
  std::thread canceller([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    cancel.cancel();
  });
  auto start = Steady::now();
  int chunks = 0;
  auto info = tts->synthesize(
      kThreeSentences, VoiceSpec{}, 1.0, [&](const SpeechChunk&) { ++chunks; }, cancel);
  auto elapsed = Steady::now() - start;
  canceller.join();
  ASSERT_FALSE(info.ok());
  EXPECT_EQ(info.error().code, "cancelled");
  EXPECT_EQ(chunks, 0);
  EXPECT_LT(elapsed, std::chrono::milliseconds(2000));  // did not wait for the 3 s sleep
  EXPECT_EQ(tts->busy(), 0);
}

TEST(EspeakTtsTest, SentenceTimeoutKillsTheProcess) {
  TempDir dir;
  EspeakConfig config;
  config.binary = testing::slowEspeak(dir, "0");
  config.sentence_timeout_ms = 300;
  auto tts = makeTts(config);
  ASSERT_TRUE(tts);
  (void)dir.file("slow-espeak", "#!/bin/sh\nsleep 3\nexec espeak-ng \"$@\"\n", true);
  auto audio = synthesizeAll(*tts, "Too slow.", VoiceSpec{});
  ASSERT_FALSE(audio.ok());
  EXPECT_EQ(audio.error().code, "tts_timeout");
}

TEST(EspeakTtsTest, BadInputIsAClearError) {
  auto tts = makeTts();
  ASSERT_TRUE(tts);
  auto code = [&](std::string_view text, VoiceSpec voice, double speed) {
    auto r = tts->synthesize(text, voice, speed, nullptr, CancelToken{});
    return r.ok() ? std::string("ok") : r.error().code;
  };
  EXPECT_EQ(code("", {}, 1.0), "invalid_text");
  EXPECT_EQ(code("   ", {}, 1.0), "invalid_text");
  EXPECT_EQ(code(std::string(5000, 'a'), {}, 1.0), "invalid_text");
  EXPECT_EQ(code("Hi.", VoiceSpec{"x9", 50, 50, 175}, 1.0), "invalid_voice");
  EXPECT_EQ(code("Hi.", VoiceSpec{"m1", 150, 50, 175}, 1.0), "invalid_voice");
  EXPECT_EQ(code("Hi.", VoiceSpec{"m1", 50, 50, 900}, 1.0), "invalid_voice");
  EXPECT_EQ(code("Hi.", {}, 10.0), "invalid_speed");
  // Markup in the text is spoken, not interpreted.
  EXPECT_EQ(code("<speak>a & b</prosody> \"quoted\"", {}, 1.0), "ok");
  EXPECT_EQ(code("-v xx --help", {}, 1.0), "ok");
}

TEST(EspeakTtsTest, MissingBinaryOrBadConfigFailsAtCreate) {
  EspeakConfig config;
  config.binary = "/nonexistent/espeak-ng";
  auto tts = EspeakTts::create(config);
  ASSERT_FALSE(tts.ok());
  EXPECT_EQ(tts.error().code, "tts_unavailable");

  EspeakConfig bad;
  bad.max_processes = 0;
  bad.sentence_timeout_ms = 1;
  auto invalid = EspeakTts::create(bad);
  ASSERT_FALSE(invalid.ok());
  EXPECT_EQ(invalid.error().code, "invalid_config");
  EXPECT_NE(invalid.error().message.find("max_processes"), std::string::npos);
  EXPECT_NE(invalid.error().message.find("sentence_timeout_ms"), std::string::npos);
}

}  // namespace
}  // namespace startales::voice
