#include "voice/tts/voice_match.h"

#include <algorithm>
#include <cmath>
#include <complex>
#include <numbers>
#include <span>
#include <vector>

namespace startales::voice {

namespace {

constexpr int kRate = 16000;          // analysis rate, Hz
constexpr int kHop = 160;             // 10 ms
constexpr int kPitchFrame = 640;      // 40 ms: two periods of 50 Hz
constexpr int kMinLag = kRate / 400;  // 400 Hz
constexpr int kMaxLag = kRate / 60;   // 60 Hz
constexpr double kYinThreshold = 0.2;
constexpr int kFft = 512;

double percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  double idx = p * static_cast<double>(v.size() - 1);
  auto lo = static_cast<size_t>(std::floor(idx));
  size_t hi = std::min(lo + 1, v.size() - 1);
  double frac = idx - static_cast<double>(lo);
  return v[lo] * (1 - frac) + v[hi] * frac;
}

// YIN (de Cheveigné & Kawahara 2002) on one frame: F0 in Hz, or 0 when unvoiced.
double yinPitch(const float* x) {
  constexpr int kWindow = kPitchFrame - kMaxLag;
  std::vector<double> d(kMaxLag + 1, 0.0);
  for (int tau = 1; tau <= kMaxLag; ++tau) {
    double sum = 0;
    for (int j = 0; j < kWindow; ++j) {
      double diff = x[j] - x[j + tau];
      sum += diff * diff;
    }
    d[tau] = sum;
  }
  // Cumulative mean normalised difference.
  double running = 0;
  std::vector<double> cmnd(kMaxLag + 1, 1.0);
  for (int tau = 1; tau <= kMaxLag; ++tau) {
    running += d[tau];
    cmnd[tau] = running > 0 ? d[tau] * tau / running : 1.0;
  }
  for (int tau = kMinLag; tau < kMaxLag; ++tau) {
    if (cmnd[tau] < kYinThreshold) {
      while (tau + 1 < kMaxLag && cmnd[tau + 1] < cmnd[tau]) ++tau;
      // Parabolic interpolation around the minimum.
      double a = cmnd[tau - 1], b = cmnd[tau], c = cmnd[tau + 1];
      double denom = a - 2 * b + c;
      double shift = denom != 0 ? 0.5 * (a - c) / denom : 0;
      return kRate / (tau + std::clamp(shift, -1.0, 1.0));
    }
  }
  return 0;
}

void fft(std::vector<std::complex<double>>& a) {
  const size_t n = a.size();
  for (size_t i = 1, j = 0; i < n; ++i) {
    size_t bit = n >> 1;
    for (; j & bit; bit >>= 1) j ^= bit;
    j ^= bit;
    if (i < j) std::swap(a[i], a[j]);
  }
  for (size_t len = 2; len <= n; len <<= 1) {
    double angle = -2 * std::numbers::pi / static_cast<double>(len);
    std::complex<double> wlen(std::cos(angle), std::sin(angle));
    for (size_t i = 0; i < n; i += len) {
      std::complex<double> w(1);
      for (size_t j = 0; j < len / 2; ++j) {
        auto u = a[i + j], v = a[i + j + len / 2] * w;
        a[i + j] = u + v;
        a[i + j + len / 2] = u - v;
        w *= wlen;
      }
    }
  }
}

// Spectral centroid (Hz) of the kFft samples at x, Hann-windowed.
double centroid(const float* x) {
  std::vector<std::complex<double>> a(kFft);
  for (int i = 0; i < kFft; ++i) {
    double w = 0.5 - 0.5 * std::cos(2 * std::numbers::pi * i / (kFft - 1));
    a[i] = x[i] * w;
  }
  fft(a);
  double num = 0, den = 0;
  for (int k = 1; k < kFft / 2; ++k) {
    double mag = std::abs(a[k]);
    num += mag * k * kRate / kFft;
    den += mag;
  }
  return den > 0 ? num / den : 0;
}

// Syllable nuclei: peaks of the smoothed dB energy envelope that stand out from the dip
// before them by kProminenceDb and are within kFloorDb of the speech level.
int countSyllables(const std::vector<double>& env_db, double level_db) {
  constexpr double kProminenceDb = 4.0;
  constexpr double kFloorDb = 20.0;
  constexpr int kHalfWindow = 5;  // a peak is the maximum of +-50 ms
  int count = 0;
  double dip = 1e9;
  for (size_t i = 0; i < env_db.size(); ++i) {
    dip = std::min(dip, env_db[i]);
    size_t lo = i >= kHalfWindow ? i - kHalfWindow : 0;
    size_t hi = std::min(env_db.size() - 1, i + kHalfWindow);
    bool is_max = true;
    for (size_t k = lo; k <= hi && is_max; ++k) {
      if (env_db[k] > env_db[i] || (env_db[k] == env_db[i] && k < i)) is_max = false;
    }
    if (is_max && env_db[i] > level_db - kFloorDb && env_db[i] - dip >= kProminenceDb) {
      ++count;
      dip = env_db[i];
    }
  }
  return count;
}

}  // namespace

Result<SpeakerTraits> estimateTraits(const Audio& input) {
  if (durationSeconds(input) < 0.5) {
    return makeError("invalid_audio", "The reference audio must be at least 0.5 s long.");
  }
  auto audio = resample(input, kRate);
  if (!audio) return audio.error();
  const std::vector<float>& x = audio->samples;
  if (x.size() < static_cast<size_t>(kPitchFrame + kFft)) {
    return makeError("invalid_audio", "The reference audio is too short.");
  }
  const size_t frames = (x.size() - kPitchFrame) / kHop;

  // Frame energies (dB of RMS over 25 ms), smoothed over 50 ms.
  std::vector<double> energy(frames);
  for (size_t f = 0; f < frames; ++f) {
    double sum = 0;
    for (int j = 0; j < 400; ++j) sum += double(x[f * kHop + j]) * x[f * kHop + j];
    energy[f] = 10 * std::log10(sum / 400 + 1e-12);
  }
  std::vector<double> env(frames);
  for (size_t f = 0; f < frames; ++f) {
    size_t lo = f >= 2 ? f - 2 : 0, hi = std::min(frames - 1, f + 2);
    double s = 0;
    for (size_t k = lo; k <= hi; ++k) s += energy[k];
    env[f] = s / static_cast<double>(hi - lo + 1);
  }
  double level = percentile(energy, 0.95);
  if (level < -55) return makeError("no_speech", "The reference audio is silent.");
  const double speech_threshold = level - 30;

  SpeakerTraits t;
  std::vector<double> pitches;
  double centroid_sum = 0;
  int speech_frames = 0;
  size_t first = frames, last = 0;
  for (size_t f = 0; f < frames; ++f) {
    if (energy[f] < speech_threshold) continue;
    ++speech_frames;
    first = std::min(first, f);
    last = f;
    if (energy[f] > level - 20) {
      double hz = yinPitch(&x[f * kHop]);
      if (hz > 0) pitches.push_back(hz);
    }
    if ((f % 2) == 0 && f * kHop + kFft <= x.size()) centroid_sum += centroid(&x[f * kHop]);
  }
  if (pitches.size() < 10) {
    return makeError("no_speech", "Too little voiced speech to estimate a voice.");
  }
  t.pitch_median_hz = percentile(pitches, 0.5);
  t.pitch_p10_hz = percentile(pitches, 0.1);
  t.pitch_p90_hz = percentile(pitches, 0.9);
  t.pitch_range_semitones = 12 * std::log2(t.pitch_p90_hz / t.pitch_p10_hz);
  t.speech_s = static_cast<double>(last - first + 1) * kHop / kRate;
  t.voiced_fraction = static_cast<double>(pitches.size()) / speech_frames;
  t.centroid_hz = centroid_sum / std::max(1, (speech_frames + 1) / 2);
  std::vector<double> speech_env(env.begin() + static_cast<std::ptrdiff_t>(first),
                                 env.begin() + static_cast<std::ptrdiff_t>(last + 1));
  t.syllables_per_s = countSyllables(speech_env, level) / std::max(t.speech_s, 0.1);
  t.words_per_minute = static_cast<int>(std::lround(t.syllables_per_s * 60 / 1.5));
  return t;
}

VoiceSpec matchVoice(const SpeakerTraits& t) {
  // Calibration: estimateTraits() on espeak-ng 1.51's own output (12 variants x pitch
  // 20/50/80 x rate 120/220, a 25-word text). Median F0 at -p 50 is ~100 Hz for m* and ~193 Hz
  // for f*; one step of -p is ~1/6.1 semitone; p10..p90 spans ~3.5 semitones at range 50;
  // the wpm estimate reads 135 at -s 120 and 233 at -s 220.
  struct Variant {
    const char* name;
    double centroid_hz;  // at -p 50 -s 120
  };
  static constexpr Variant kMale[] = {{"m1", 1684}, {"m2", 1837}, {"m3", 1790}, {"m4", 1785},
                                      {"m5", 1796}, {"m6", 1712}, {"m7", 1480}};
  static constexpr Variant kFemale[] = {
      {"f1", 1831}, {"f2", 1871}, {"f3", 2008}, {"f4", 1838}, {"f5", 2123}};
  constexpr double kFemaleAboveHz = 150;  // m* at -p 99 reaches ~159 Hz, f* at -p 0 ~125 Hz
  constexpr double kMaleBaseHz = 100;
  constexpr double kFemaleBaseHz = 193;
  constexpr double kPitchStepsPerSemitone = 6.1;
  constexpr double kSemitonesAtRange50 = 3.5;

  VoiceSpec v;
  const bool female = t.pitch_median_hz > kFemaleAboveHz;
  // The variant of the family whose brightness is closest.
  const Variant* best = nullptr;
  double best_distance = 1e18;
  for (const Variant& candidate :
       female ? std::span<const Variant>(kFemale) : std::span<const Variant>(kMale)) {
    double distance = std::abs(candidate.centroid_hz - t.centroid_hz);
    if (distance < best_distance) {
      best_distance = distance;
      best = &candidate;
    }
  }
  v.variant = best->name;
  double base_hz = female ? kFemaleBaseHz : kMaleBaseHz;
  double semitones = 12 * std::log2(std::max(t.pitch_median_hz, 40.0) / base_hz);
  v.pitch =
      std::clamp(static_cast<int>(std::lround(50 + semitones * kPitchStepsPerSemitone)), 0, 99);
  v.range = std::clamp(
      static_cast<int>(std::lround(t.pitch_range_semitones * 50 / kSemitonesAtRange50)), 0, 99);
  v.rate =
      std::clamp(static_cast<int>(std::lround(120 + (t.words_per_minute - 135) * 1.02)), 80, 260);
  return v;
}

}  // namespace startales::voice
