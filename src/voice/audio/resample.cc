#include <samplerate.h>

#include <cmath>
#include <string>

#include "voice/audio/audio.h"

namespace startales::voice {

Result<Audio> resample(const Audio& in, int sample_rate) {
  for (int rate : {in.sample_rate, sample_rate}) {
    if (rate < kMinSampleRate || rate > kMaxSampleRate) {
      return makeError("invalid_audio", "sample rate " + std::to_string(rate) +
                                            " Hz is outside 8000..192000 Hz");
    }
  }
  if (in.sample_rate == sample_rate || in.samples.empty()) {
    return Audio{sample_rate, in.samples};
  }
  const double ratio = static_cast<double>(sample_rate) / in.sample_rate;
  Audio out;
  out.sample_rate = sample_rate;
  out.samples.resize(static_cast<size_t>(std::ceil(in.samples.size() * ratio)) + 16);

  SRC_DATA data{};
  data.data_in = in.samples.data();
  data.input_frames = static_cast<long>(in.samples.size());
  data.data_out = out.samples.data();
  data.output_frames = static_cast<long>(out.samples.size());
  data.src_ratio = ratio;
  data.end_of_input = 1;
  // src_simple keeps no state between calls: thread-safe.
  if (int err = src_simple(&data, SRC_SINC_FASTEST, 1); err != 0) {
    return makeError("invalid_audio", std::string("resampling failed: ") + src_strerror(err));
  }
  out.samples.resize(static_cast<size_t>(data.output_frames_gen));
  return out;
}

}  // namespace startales::voice
