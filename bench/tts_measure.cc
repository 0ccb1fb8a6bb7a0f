// Measures the embedded engine for docs/benchmarks.md (not a test; timings are never asserted):
//   tts_measure           time to first audio, real-time factor, parallel calls sustained
//   tts_measure calibrate the voice-matching calibration table (estimateTraits on espeak-ng)

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <thread>
#include <vector>

#include "voice/tts/espeak_tts.h"
#include "voice/tts/voice_match.h"

using namespace startales::voice;  // NOLINT(google-build-using-namespace)
using Steady = std::chrono::steady_clock;

namespace {

constexpr const char* kReply =
    "The treasury reports a surplus this quarter. Our fleets at Mars are ready, and the science "
    "council asks for more funding to study the anomaly near Jupiter. Shall I proceed?";

double msSince(Steady::time_point t) {
  return std::chrono::duration<double, std::milli>(Steady::now() - t).count();
}

int calibrate(EspeakTts& tts) {
  for (const char* var : {"m1", "m2", "m3", "m4", "m5", "m6", "m7", "f1", "f2", "f3", "f4", "f5"}) {
    for (int p : {20, 50, 80}) {
      for (int r : {120, 220}) {
        VoiceSpec v{var, p, 50, r};
        auto a = synthesizeAll(tts, kReply, v);
        if (!a) return 1;
        auto t = estimateTraits(*a);
        if (!t) continue;
        auto m = matchVoice(*t);
        std::printf(
            "%s -p %d -s %d: f0 %.0f Hz [%.0f-%.0f] %.1f st, %.2f syl/s, %d wpm, "
            "centroid %.0f Hz -> %s p%d range%d rate%d\n",
            var, p, r, t->pitch_median_hz, t->pitch_p10_hz, t->pitch_p90_hz,
            t->pitch_range_semitones, t->syllables_per_s, t->words_per_minute, t->centroid_hz,
            m.variant.c_str(), m.pitch, m.range, m.rate);
      }
    }
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  EspeakConfig config;
  config.max_processes = 64;
  config.queue_wait_ms = 60000;
  auto tts = EspeakTts::create(config);
  if (!tts) {
    std::fprintf(stderr, "%s\n", tts.error().message.c_str());
    return 1;
  }
  if (argc > 1 && std::strcmp(argv[1], "calibrate") == 0) return calibrate(**tts);

  // Time to first audio for a short sentence (median of 50).
  std::vector<double> firsts;
  for (int i = 0; i < 50; ++i) {
    auto info = (*tts)->synthesize("Yes, commander.", VoiceSpec{}, 1.0, nullptr, CancelToken{});
    if (info) firsts.push_back(static_cast<double>(info->first_audio_ms));
  }
  std::sort(firsts.begin(), firsts.end());
  std::printf("short sentence: first audio median %.0f ms, p90 %.0f ms\n",
              firsts[firsts.size() / 2], firsts[firsts.size() * 9 / 10]);

  // Real-time factor of a three-sentence reply, one call at a time.
  double audio_s = 0;
  auto start = Steady::now();
  for (int i = 0; i < 20; ++i) {
    auto a = synthesizeAll(**tts, kReply, VoiceSpec{});
    if (a) audio_s += durationSeconds(*a);
  }
  double wall_s = msSince(start) / 1000;
  std::printf("reply: %.1f s of audio in %.2f s -> RTF %.4f (%.0fx real time)\n", audio_s, wall_s,
              wall_s / audio_s, audio_s / wall_s);

  // Parallel calls: throughput and first-audio latency with N threads for ~3 s each.
  for (int threads : {1, 2, 4, 8, 16, 32}) {
    std::atomic<int64_t> calls{0};
    std::atomic<double> audio{0};
    std::vector<double> lat;
    std::mutex mu;
    std::vector<std::thread> pool;
    auto begin = Steady::now();
    for (int t = 0; t < threads; ++t) {
      pool.emplace_back([&] {
        while (msSince(begin) < 3000) {
          auto info = (*tts)->synthesize(kReply, VoiceSpec{}, 1.0, nullptr, CancelToken{});
          if (!info) continue;
          ++calls;
          double s = static_cast<double>(info->total_samples) / info->sample_rate;
          double cur = audio.load();
          while (!audio.compare_exchange_weak(cur, cur + s)) {
          }
          std::lock_guard lock(mu);
          lat.push_back(static_cast<double>(info->first_audio_ms));
        }
      });
    }
    for (auto& t : pool) t.join();
    double wall = msSince(begin) / 1000;
    std::sort(lat.begin(), lat.end());
    std::printf(
        "%2d parallel: %.1f calls/s, %.0f s of audio per s (%.0f real-time streams), "
        "first audio median %.0f ms p90 %.0f ms\n",
        threads, calls / wall, audio / wall, audio / wall, lat[lat.size() / 2],
        lat[lat.size() * 9 / 10]);
  }
  return 0;
}
