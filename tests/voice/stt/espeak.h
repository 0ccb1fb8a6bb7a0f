#pragma once

// Test speech: espeak-ng renders a sentence to a WAV in a temp dir, parsed into Audio.

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>

#include "voice/audio/audio.h"

namespace startales::voice::testing {

// A fresh temp dir, removed on destruction.
class TempDir {
 public:
  TempDir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "stt_test_XXXXXX").string();
    path_ = ::mkdtemp(tmpl.data());
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

// `text` spoken by espeak-ng voice `voice` ("en-us+m3") at `wpm` words per minute.
inline std::optional<Audio> speak(const TempDir& dir, const std::string& text,
                                  const std::string& voice, int wpm, int index) {
  const auto wav = dir.path() / ("u" + std::to_string(index) + ".wav");
  const std::string cmd = "espeak-ng -v " + voice + " -s " + std::to_string(wpm) + " -w " +
                          wav.string() + " \"" + text + "\" 2>/dev/null";
  if (std::system(cmd.c_str()) != 0) return std::nullopt;
  std::ifstream in(wav, std::ios::binary);
  std::stringstream bytes;
  bytes << in.rdbuf();
  auto audio = parseWav(bytes.str());
  if (!audio) return std::nullopt;
  return std::move(*audio);
}

}  // namespace startales::voice::testing
