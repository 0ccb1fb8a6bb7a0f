#pragma once

// Helpers shared by the tts tests: temp files, running soxi, a slow espeak-ng wrapper.

#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

namespace startales::voice::testing {

// A file in a fresh temp dir, removed with the object.
class TempDir {
 public:
  TempDir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "tts_test_XXXXXX").string();
    path_ = ::mkdtemp(tmpl.data());
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  [[nodiscard]] std::string file(const std::string& name, const std::string& bytes = {},
                                 bool executable = false) const {
    std::string p = path_ + "/" + name;
    std::ofstream(p, std::ios::binary) << bytes;
    if (executable) std::filesystem::permissions(p, std::filesystem::perms::owner_all);
    return p;
  }

 private:
  std::string path_;
};

// stdout of a shell command (bounded: the commands used here end on their own).
inline std::string shell(const std::string& command) {
  std::string out;
  FILE* f = ::popen(command.c_str(), "r");
  if (f == nullptr) return out;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, f)) > 0) out.append(buf, n);
  ::pclose(f);
  return out;
}

// A wrapper that sleeps `seconds` before exec'ing espeak-ng with the same arguments.
inline std::string slowEspeak(const TempDir& dir, const std::string& seconds) {
  return dir.file("slow-espeak", "#!/bin/sh\nsleep " + seconds + "\nexec espeak-ng \"$@\"\n", true);
}

}  // namespace startales::voice::testing
