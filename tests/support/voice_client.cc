#include "support/voice_client.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <boost/json.hpp>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>

namespace startales::testing {

namespace json = boost::json;

std::string speak(const std::string& text, const std::string& voice) {
  const std::string path = ::testing::TempDir() + "startales-say-" + std::to_string(::getpid()) + ".wav";
  const std::string command =
      "espeak-ng -v " + voice + " -s 160 -w '" + path + "' '" + text + "' >/dev/null 2>&1";
  if (std::system(command.c_str()) != 0) return {};
  std::ifstream in(path, std::ios::binary);
  std::string wav(std::istreambuf_iterator<char>(in), {});
  std::filesystem::remove(path);
  return wav;
}

bool sendAudio(Gamer& gamer, const std::string& audio) {
  for (size_t at = 0; at < audio.size(); at += 32768) {
    if (!gamer.raw().sendBinary(audio.substr(at, 32768))) return false;
  }
  return true;
}

std::vector<json::object> repliesUntil(Gamer& gamer, const std::string& last, int64_t id,
                                       int& audio_frames) {
  std::vector<json::object> out;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (std::chrono::steady_clock::now() < deadline) {
    auto m = gamer.raw().receive(std::chrono::milliseconds(5000));
    if (!m) break;
    if (m->binary) {
      audio_frames++;
      continue;
    }
    auto o = json::parse(m->data).as_object();
    const bool mine = o.contains("id") && o.at("id").is_int64() && o.at("id").as_int64() == id;
    if (mine) out.push_back(o);
    if (mine && (o.at("type").as_string() == last || o.at("type").as_string() == "error")) break;
  }
  return out;
}

const json::object* findType(const std::vector<json::object>& messages, const std::string& type) {
  for (const auto& m : messages) {
    if (m.at("type").as_string() == type) return &m;
  }
  return nullptr;
}

std::vector<json::object> speakCommand(Gamer& gamer, const std::string& words, int64_t id,
                                       int& audio_frames) {
  gamer.send({{"type", "voice.start"}, {"id", id}});
  auto started = repliesUntil(gamer, "ack", id, audio_frames);
  if (started.empty() || started.back().at("type").as_string() != "ack") return started;
  if (!sendAudio(gamer, speak(words))) return {};
  gamer.send({{"type", "voice.end"}, {"id", id + 1}});
  return repliesUntil(gamer, "ack", id + 1, audio_frames);
}

}  // namespace startales::testing
