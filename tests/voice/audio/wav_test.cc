// WAV parsing: every accepted encoding round-trips, every bad input is a clear error.

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <numbers>
#include <string>
#include <vector>

#include "voice/audio/audio.h"

namespace startales::voice {
namespace {

void put16(std::string& out, uint16_t v) {
  out.push_back(static_cast<char>(v & 0xff));
  out.push_back(static_cast<char>(v >> 8));
}
void put32(std::string& out, uint32_t v) {
  put16(out, static_cast<uint16_t>(v & 0xffff));
  put16(out, static_cast<uint16_t>(v >> 16));
}

// A test signal: a 440 Hz sine at 0.5 amplitude (left) and its negation (right).
double signal(size_t i, int rate) { return 0.5 * std::sin(2 * std::numbers::pi * 440 * i / rate); }

struct Spec {
  uint16_t tag;  // 1 PCM, 3 float
  uint16_t bits;
  uint16_t channels;
  int rate;
  bool extensible = false;
};

// Writes `frames` frames of signal() in the given encoding. Stereo channels carry the same
// signal so the mixdown equals it.
std::string makeWav(const Spec& spec, size_t frames) {
  std::string data;
  for (size_t i = 0; i < frames; ++i) {
    const double v = signal(i, spec.rate);
    for (int c = 0; c < spec.channels; ++c) {
      if (spec.tag == 3 && spec.bits == 32) {
        float f = static_cast<float>(v);
        char b[4];
        std::memcpy(b, &f, 4);
        data.append(b, 4);
      } else if (spec.tag == 3) {
        char b[8];
        std::memcpy(b, &v, 8);
        data.append(b, 8);
      } else if (spec.bits == 8) {
        data.push_back(static_cast<char>(static_cast<uint8_t>(std::lround(v * 127 + 128))));
      } else if (spec.bits == 16) {
        put16(data, static_cast<uint16_t>(static_cast<int16_t>(std::lround(v * 32767))));
      } else if (spec.bits == 24) {
        const auto x = static_cast<uint32_t>(static_cast<int32_t>(std::lround(v * 8388607)));
        data.push_back(static_cast<char>(x & 0xff));
        data.push_back(static_cast<char>((x >> 8) & 0xff));
        data.push_back(static_cast<char>((x >> 16) & 0xff));
      } else {
        put32(data, static_cast<uint32_t>(static_cast<int32_t>(std::lround(v * 2147483647.0))));
      }
    }
  }
  std::string fmt;
  put16(fmt, spec.extensible ? 0xFFFE : spec.tag);
  put16(fmt, spec.channels);
  put32(fmt, static_cast<uint32_t>(spec.rate));
  put32(fmt, static_cast<uint32_t>(spec.rate * spec.channels * spec.bits / 8));
  put16(fmt, static_cast<uint16_t>(spec.channels * spec.bits / 8));
  put16(fmt, spec.bits);
  if (spec.extensible) {
    put16(fmt, 22);
    put16(fmt, spec.bits);  // valid bits
    put32(fmt, spec.channels == 1 ? 4 : 3);  // channel mask
    put16(fmt, spec.tag);  // sub-format GUID: tag + the fixed KSDATAFORMAT suffix
    fmt += std::string("\x00\x00\x00\x00\x10\x00\x80\x00\x00\xaa\x00\x38\x9b\x71", 14);
  }
  std::string out = "RIFF";
  put32(out, static_cast<uint32_t>(4 + 8 + fmt.size() + 8 + 8 + 4 + data.size()));
  out += "WAVE";
  out += "fmt ";
  put32(out, static_cast<uint32_t>(fmt.size()));
  out += fmt;
  out += "LIST";  // an unrelated chunk with an odd size (padded) before the data
  put32(out, 3);
  out += std::string("abc\0", 4);
  out += "data";
  put32(out, static_cast<uint32_t>(data.size()));
  out += data;
  return out;
}

TEST(WavTest, EveryEncodingRoundTrips) {
  const std::vector<Spec> specs = {
      {1, 8, 1, 8000},       {1, 16, 1, 16000},     {1, 24, 1, 44100},
      {1, 32, 1, 48000},     {3, 32, 1, 22050},     {3, 64, 1, 96000},
      {1, 16, 2, 44100},     {3, 32, 2, 192000},    {1, 24, 2, 48000, true},
      {3, 32, 1, 16000, true}, {1, 16, 1, 11025, true}, {1, 8, 2, 8000}};
  for (const Spec& spec : specs) {
    SCOPED_TRACE(testing::Message() << "tag " << spec.tag << " bits " << spec.bits << " ch "
                                    << spec.channels << " rate " << spec.rate
                                    << (spec.extensible ? " extensible" : ""));
    const size_t frames = static_cast<size_t>(spec.rate) / 10;  // 100 ms
    auto audio = parseWav(makeWav(spec, frames));
    ASSERT_TRUE(audio.ok()) << audio.error().message;
    EXPECT_EQ(audio->sample_rate, spec.rate);
    ASSERT_EQ(audio->samples.size(), frames);
    const double tolerance = spec.bits == 8 ? 0.01 : 1e-4;
    for (size_t i = 0; i < frames; ++i) {
      ASSERT_NEAR(audio->samples[i], signal(i, spec.rate), tolerance) << "sample " << i;
    }
    EXPECT_NEAR(durationSeconds(*audio), 0.1, 1e-3);
  }
}

TEST(WavTest, StereoIsMixedDown) {
  std::string wav = makeWav({1, 16, 2, 16000}, 4);
  // Rewrite the data: left 0.5, right -0.25 → mixdown 0.125.
  const size_t data = wav.size() - 16;
  for (size_t f = 0; f < 4; ++f) {
    std::string frame;
    put16(frame, static_cast<uint16_t>(16384));
    put16(frame, static_cast<uint16_t>(static_cast<int16_t>(-8192)));
    wav.replace(data + f * 4, 4, frame);
  }
  auto audio = parseWav(wav);
  ASSERT_TRUE(audio.ok()) << audio.error().message;
  for (float s : audio->samples) EXPECT_NEAR(s, 0.125, 1e-4);
}

TEST(WavTest, EncodeParsesBackAsPcm16) {
  Audio in;
  in.sample_rate = 22050;
  for (size_t i = 0; i < 2205; ++i) in.samples.push_back(static_cast<float>(signal(i, 22050)));
  in.samples.push_back(3.0f);  // clipped
  in.samples.push_back(-3.0f);
  auto out = parseWav(encodeWav(in));
  ASSERT_TRUE(out.ok()) << out.error().message;
  EXPECT_EQ(out->sample_rate, 22050);
  ASSERT_EQ(out->samples.size(), in.samples.size());
  for (size_t i = 0; i < 2205; ++i) EXPECT_NEAR(out->samples[i], in.samples[i], 1e-4);
  EXPECT_NEAR(out->samples[2205], 1.0, 1e-4);
  EXPECT_NEAR(out->samples[2206], -1.0, 1e-4);
  EXPECT_EQ(encodeWav(in).size(), 44 + 2 * in.samples.size());
}

TEST(WavTest, Pcm16RoundTrips) {
  Audio in{16000, {0.0f, 0.5f, -0.5f, 1.0f, -1.0f, 0.25f}};
  const std::string pcm = toPcm16(in);
  ASSERT_EQ(pcm.size(), 12u);
  Audio out = fromPcm16(pcm + "x", 16000);  // odd trailing byte ignored
  EXPECT_EQ(out.sample_rate, 16000);
  ASSERT_EQ(out.samples.size(), in.samples.size());
  for (size_t i = 0; i < in.samples.size(); ++i) EXPECT_NEAR(out.samples[i], in.samples[i], 1e-4);
  EXPECT_TRUE(fromPcm16("", 8000).samples.empty());
}

void expectError(std::string_view bytes, const std::string& code, const std::string& words,
                 const AudioLimits& limits = {}) {
  auto r = parseWav(bytes, limits);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, code);
  EXPECT_NE(r.error().message.find(words), std::string::npos) << r.error().message;
}

TEST(WavTest, BadInputsGiveClearErrors) {
  const std::string good = makeWav({1, 16, 1, 16000}, 1600);
  expectError("", "invalid_audio", "empty");
  expectError("hello world, not audio", "invalid_audio", "not a WAV");
  expectError("ID3\x04 some mp3 bytes....", "invalid_audio", "not a WAV");
  expectError(good.substr(0, good.size() - 100), "invalid_audio", "truncated");
  expectError(good.substr(0, 30), "invalid_audio", "truncated");
  expectError(good.substr(0, 12), "invalid_audio", "no fmt chunk");
  expectError(makeWav({1, 16, 1, 16000}, 0), "invalid_audio", "no samples");
  expectError(makeWav({1, 12, 1, 16000}, 10), "invalid_audio", "12-bit");
  expectError(makeWav({3, 16, 1, 16000}, 10), "invalid_audio", "16-bit float");
  expectError(makeWav({1, 16, 3, 16000}, 10), "invalid_audio", "channel count 3");
  expectError(makeWav({1, 16, 1, 4000}, 10), "invalid_audio", "4000 Hz");
  expectError(makeWav({1, 16, 1, 384000}, 10), "invalid_audio", "384000 Hz");
  std::string mulaw = good;
  mulaw[20] = 7;  // format tag 7: mu-law
  expectError(mulaw, "invalid_audio", "unsupported WAV encoding");
  expectError(good, "audio_too_large", "limit", AudioLimits{1000, 60});
  // Ten minutes at 8 kHz, 8-bit: 4.8 MB, under the size limit, over the duration limit.
  expectError(makeWav({1, 8, 1, 8000}, 8000 * 600), "audio_too_long", "600 s");
}

TEST(WavTest, StreamedDataSizeRunsToTheEnd) {
  std::string wav = makeWav({1, 16, 1, 16000}, 100);
  const size_t size_at = wav.size() - 200 - 4;
  wav.replace(size_at, 4, std::string(4, '\xff'));
  auto audio = parseWav(wav);
  ASSERT_TRUE(audio.ok()) << audio.error().message;
  EXPECT_EQ(audio->samples.size(), 100u);
}

// Every truncation and a bounded sweep of byte flips: either a valid Audio or a clear
// invalid_audio / audio_too_long error, never a crash.
TEST(WavTest, TruncationsAndByteFlipsNeverCrash) {
  const std::vector<std::string> inputs = {makeWav({1, 16, 2, 16000}, 50),
                                           makeWav({3, 32, 1, 8000, true}, 50),
                                           makeWav({1, 24, 1, 44100}, 50)};
  int errors = 0, parsed = 0;
  for (const std::string& good : inputs) {
    for (size_t n = 0; n < good.size(); ++n) {
      auto r = parseWav(std::string_view(good).substr(0, n));
      if (r.ok()) {
        ++parsed;
        continue;
      }
      ++errors;
      EXPECT_EQ(r.error().code, "invalid_audio");
      EXPECT_FALSE(r.error().message.empty());
    }
    const size_t header = std::min<size_t>(good.size(), 100);
    for (size_t i = 0; i < header; ++i) {
      for (int v : {0x00, 0xff, 0x80, 0x01}) {
        std::string bad = good;
        bad[i] = static_cast<char>(v);
        auto r = parseWav(bad, AudioLimits{1u << 20, 60});
        if (r.ok()) {
          ++parsed;
          for (float s : r->samples) ASSERT_TRUE(s >= -1.0f && s <= 1.0f);
          continue;
        }
        ++errors;
        EXPECT_TRUE(r.error().code == "invalid_audio" || r.error().code == "audio_too_long")
            << r.error().code;
      }
    }
  }
  EXPECT_GT(errors, 0);
  EXPECT_GT(parsed, 0);
}

}  // namespace
}  // namespace startales::voice
