// Voice matching on real espeak-ng speech of known settings, made by the espeak-ng binary.

#include "voice/tts/voice_match.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "tts_test_util.h"

namespace startales::voice {
namespace {

using testing::shell;
using testing::TempDir;

constexpr const char* kText =
    "The treasury reports a surplus this quarter. Our fleets at Mars are ready, and the "
    "science council asks for more funding.";

// espeak-ng -w FILE with the given settings, read back through the audio library.
Audio speak(const std::string& variant, int pitch, int rate) {
  TempDir dir;
  std::string path = dir.file("ref.wav");
  shell("espeak-ng -w " + path + " -v en-us+" + variant + " -p " + std::to_string(pitch) + " -s " +
        std::to_string(rate) + " \"" + kText + "\"");
  std::ifstream in(path, std::ios::binary);
  std::stringstream bytes;
  bytes << in.rdbuf();
  auto audio = parseWav(bytes.str());
  EXPECT_TRUE(audio.ok()) << (audio.ok() ? "" : audio.error().message);
  return audio.ok() ? *audio : Audio{};
}

SpeakerTraits traits(const Audio& audio) {
  auto t = estimateTraits(audio);
  EXPECT_TRUE(t.ok()) << (t.ok() ? "" : t.error().message);
  return t.ok() ? *t : SpeakerTraits{};
}

TEST(VoiceMatchTest, RecoversPitchOrdering) {
  auto low = traits(speak("m3", 20, 175));
  auto high = traits(speak("m3", 80, 175));
  EXPECT_GT(high.pitch_median_hz, low.pitch_median_hz * 1.4);
  VoiceSpec vl = matchVoice(low), vh = matchVoice(high);
  EXPECT_LT(vl.pitch + 30, vh.pitch);
  EXPECT_NEAR(vl.pitch, 20, 15);
  EXPECT_NEAR(vh.pitch, 80, 15);
}

TEST(VoiceMatchTest, RecoversMaleAndFemaleVariants) {
  for (const char* male : {"m1", "m3", "m7"}) {
    auto t = traits(speak(male, 50, 175));
    EXPECT_LT(t.pitch_median_hz, 140) << male;
    EXPECT_EQ(matchVoice(t).variant[0], 'm') << male;
  }
  for (const char* female : {"f1", "f2", "f5"}) {
    auto t = traits(speak(female, 50, 175));
    EXPECT_GT(t.pitch_median_hz, 165) << female;
    EXPECT_EQ(matchVoice(t).variant[0], 'f') << female;
  }
}

TEST(VoiceMatchTest, RecoversRateOrdering) {
  auto slow = traits(speak("m3", 50, 120));
  auto fast = traits(speak("m3", 50, 220));
  EXPECT_GT(fast.syllables_per_s, slow.syllables_per_s * 1.4);
  VoiceSpec vs = matchVoice(slow), vf = matchVoice(fast);
  EXPECT_NEAR(vs.rate, 120, 30);
  EXPECT_NEAR(vf.rate, 220, 30);
  // The matched voice is valid for the embedded engine.
  EXPECT_TRUE(validateVoice(vs).ok());
  EXPECT_TRUE(validateVoice(vf).ok());
}

TEST(VoiceMatchTest, SilenceAndTooShortAreClearErrors) {
  Audio silence{16000, std::vector<float>(32000, 0.0f)};
  auto t = estimateTraits(silence);
  ASSERT_FALSE(t.ok());
  EXPECT_EQ(t.error().code, "no_speech");

  Audio noise{16000, std::vector<float>(32000)};
  uint32_t seed = 1;
  for (float& s : noise.samples) {
    seed = seed * 1664525u + 1013904223u;
    s = static_cast<float>(seed >> 8) / static_cast<float>(1u << 24) - 0.5f;
  }
  auto n = estimateTraits(noise);
  ASSERT_FALSE(n.ok());
  EXPECT_EQ(n.error().code, "no_speech");

  Audio tiny{16000, std::vector<float>(4000, 0.1f)};
  auto s = estimateTraits(tiny);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code, "invalid_audio");
}

}  // namespace
}  // namespace startales::voice
