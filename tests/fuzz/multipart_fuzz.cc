// multipart/form-data bodies as the STT routes read them: the input's first line is the
// Content-Type header, the rest the body. The parts found must lie inside the body; an
// "audio" part goes on to the WAV parser, as in api/audio_upload.cc.

#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "net/multipart.h"
#include "voice/audio/audio.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace startales;
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const size_t eol = input.find('\n');
  const std::string_view content_type = input.substr(0, eol);
  const std::string_view body = eol == std::string_view::npos ? "" : input.substr(eol + 1);
  auto boundary = net::multipartBoundary(content_type);
  if (!boundary) return 0;
  auto parts = net::parseMultipart(body, *boundary);
  if (!parts) return 0;
  for (const auto& part : *parts) {
    if (!part.data.empty() && (part.data.data() < body.data() ||
                               part.data.data() + part.data.size() > body.data() + body.size())) {
      std::abort();  // a part's bytes must be a view into the body
    }
  }
  if (const net::FormPart* audio = net::findPart(*parts, "audio")) {
    voice::AudioLimits limits;
    limits.max_seconds = 5;
    (void)voice::parseWav(audio->data, limits);
  }
  return 0;
}
