// Resampling keeps a sine's frequency (counted by zero crossings) and its level.

#include <gtest/gtest.h>

#include <cmath>

#include "support/test_audio.h"
#include "voice/audio/audio.h"

namespace startales::voice {
namespace {

using startales::testing::tone;

// Frequency estimated from upward zero crossings, ignoring the first and last 10%.
double frequency(const Audio& a) {
  const size_t from = a.samples.size() / 10, to = a.samples.size() - from;
  int crossings = 0;
  for (size_t i = from + 1; i < to; ++i) {
    if (a.samples[i - 1] < 0 && a.samples[i] >= 0) ++crossings;
  }
  return crossings * a.sample_rate / static_cast<double>(to - from);
}

double rms(const Audio& a) {
  double sum = 0;
  for (float s : a.samples) sum += s * s;
  return std::sqrt(sum / a.samples.size());
}

TEST(ResampleTest, PreservesFrequencyAndLevel) {
  const struct {
    int from, to;
  } cases[] = {{44100, 16000}, {48000, 16000}, {8000, 16000}, {22050, 16000}, {16000, 48000}};
  for (const auto& c : cases) {
    SCOPED_TRACE(::testing::Message() << c.from << " -> " << c.to);
    const Audio in = tone(c.from, 1.0, 440, 0.5);
    auto out = resample(in, c.to);
    ASSERT_TRUE(out.ok()) << out.error().message;
    EXPECT_EQ(out->sample_rate, c.to);
    EXPECT_NEAR(static_cast<double>(out->samples.size()), c.to * 1.0, c.to * 0.01);
    EXPECT_NEAR(frequency(*out), 440, 5);
    EXPECT_NEAR(rms(*out), rms(in), 0.02);
    EXPECT_NEAR(durationSeconds(*out), 1.0, 0.01);
  }
}

TEST(ResampleTest, SameRateIsACopy) {
  const Audio in = tone(16000, 0.1, 100, 0.5);
  auto out = resample(in, 16000);
  ASSERT_TRUE(out.ok());
  EXPECT_EQ(out->samples, in.samples);
}

TEST(ResampleTest, RejectsRatesOutOfRange) {
  const Audio in = tone(16000, 0.1, 100, 0.5);
  auto r = resample(in, 1000);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "invalid_audio");
  EXPECT_FALSE(resample(Audio{0, {0.1f}}, 16000).ok());
  auto empty = resample(Audio{44100, {}}, 16000);
  ASSERT_TRUE(empty.ok());
  EXPECT_TRUE(empty->samples.empty());
}

}  // namespace
}  // namespace startales::voice
