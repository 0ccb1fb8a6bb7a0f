// Voice over /ws against the real `startales serve`: espeak-ng speech of a command (about
// 2 s) is streamed as binary frames between voice.start and voice.end; the server recognises
// it against the campaign's grammar, applies it and speaks the confirmation. Measured from the
// server's own voice.done: recognition_ms (end of speech → recognised) and first_audio_ms
// (end of speech → first audio of the reply is queued), plus the client's wall time to the
// ack. Then K sessions at once (one player each) to see how many fit on the cores.
// Prints one JSON object. Needs STARTALES_BINARY (bench/run.sh sets it) and espeak-ng.

#include <boost/json.hpp>
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <thread>

#include "support/game_client.h"
#include "support/http_client.h"
#include "support/server_process.h"

namespace startales {
namespace {

namespace json = boost::json;
using Clock = std::chrono::steady_clock;
using testing::Gamer;
using testing::HttpClient;

struct Sample {
  double recognition_ms = 0, first_audio_ms = 0, wall_ms = 0;
  bool ok = false;
};

std::string speak(const std::string& text) {
  const std::string path = std::filesystem::temp_directory_path() / "startales-voice-bench.wav";
  const std::string cmd = "espeak-ng -v en-us+m3 -s 160 -w " + path + " '" + text + "'";
  if (std::system(cmd.c_str()) != 0) return "";
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

Sample utterance(Gamer& gamer, const std::string& wav, int64_t id) {
  Sample s;
  gamer.send({{"type", "voice.start"}, {"id", id}});
  for (size_t at = 0; at < wav.size(); at += 32768) gamer.raw().sendBinary(wav.substr(at, 32768));
  const auto end = Clock::now();
  gamer.send({{"type", "voice.end"}, {"id", id + 1}});
  for (int i = 0; i < 200; ++i) {
    auto m = gamer.raw().receive(std::chrono::milliseconds(10'000));
    if (!m) break;
    if (m->binary) continue;
    auto o = json::parse(m->data).as_object();
    if (!o.contains("id") || !o.at("id").is_int64() || o.at("id").as_int64() != id + 1) continue;
    const auto type = o.at("type").as_string();
    if (type == "voice.done") {
      s.recognition_ms = o.at("recognition_ms").as_double();
      s.first_audio_ms = o.at("first_audio_ms").as_double();
    } else if (type == "ack") {
      s.wall_ms = std::chrono::duration<double, std::milli>(Clock::now() - end).count();
      s.ok = s.first_audio_ms > 0;
      break;
    } else if (type == "error") {
      std::fprintf(stderr, "voice error: %s\n", json::serialize(o).c_str());
      break;
    }
  }
  return s;
}

json::object summary(std::vector<Sample> samples, double seconds) {
  auto pct = [&](auto field, double p) {
    std::vector<double> v;
    for (const auto& s : samples) v.push_back(s.*field);
    std::sort(v.begin(), v.end());
    return v.empty() ? 0.0 : v[std::min(v.size() - 1, static_cast<size_t>(p * v.size()))];
  };
  size_t ok = 0;
  for (const auto& s : samples) ok += s.ok;
  return {{"utterances", samples.size()},
          {"ok", ok},
          {"per_second", seconds > 0 ? static_cast<double>(samples.size()) / seconds : 0.0},
          {"recognition_ms", {{"p50", pct(&Sample::recognition_ms, 0.5)}, {"p99", pct(&Sample::recognition_ms, 0.99)}}},
          {"first_audio_ms", {{"p50", pct(&Sample::first_audio_ms, 0.5)}, {"p99", pct(&Sample::first_audio_ms, 0.99)}}},
          {"wall_to_ack_ms", {{"p50", pct(&Sample::wall_ms, 0.5)}, {"p99", pct(&Sample::wall_ms, 0.99)}}}};
}

int run() {
  const std::string wav = speak("set taxes to thirty percent");
  if (wav.size() < 1000) {
    std::fprintf(stderr, "espeak-ng produced no audio\n");
    return 1;
  }
  std::vector<std::string> env = testing::kFastAuth;
  testing::ServerProcess server({"--access-log", "false", "--password-mem-kib", "1024",
                                 "--password-ops", "1", "--ws-rate-per-second", "1000",
                                 "--ws-rate-burst", "1000"},
                                env);
  if (!server.waitReady(std::chrono::seconds(60))) {
    std::fprintf(stderr, "server did not start:\n%s\n", server.log().c_str());
    return 1;
  }
  HttpClient http(server.port());
  constexpr int kMaxSessions = 8;
  std::vector<std::unique_ptr<Gamer>> gamers;
  for (int i = 0; i < kMaxSessions; ++i) {
    auto p = testing::signUp(http, "voice" + std::to_string(i));
    auto c = http.postJson("/api/campaigns",
                           R"({"name":"Voice","systems":40,"ai_empires":1,"max_players":1})", p.token)
                 .json();
    const int64_t id = c.at("id").as_int64();
    http.postJson("/api/campaigns/" + std::to_string(id) + "/start", "", p.token);
    gamers.push_back(std::make_unique<Gamer>(server.port(), p));
    gamers.back()->join(id);
  }
  json::object out{{"utterance_audio_s", static_cast<double>(wav.size() - 44) / (22050 * 2)}};
  // One session, one utterance after another.
  std::vector<Sample> sequential;
  for (int i = 0; i < 20; ++i) sequential.push_back(utterance(*gamers[0], wav, 1000 + 10 * i));
  out["sequential"] = summary(sequential, 0);
  // K sessions at once, 10 utterances each.
  json::object concurrent;
  for (int k : {1, 2, 4, 8}) {
    std::mutex mu;
    std::vector<Sample> all;
    const auto start = Clock::now();
    std::vector<std::thread> threads;
    for (int g = 0; g < k; ++g) {
      threads.emplace_back([&, g] {
        for (int i = 0; i < 10; ++i) {
          auto s = utterance(*gamers[g], wav, 100000 * (k + 1) + 1000 * g + 10 * i);
          std::lock_guard lock(mu);
          all.push_back(s);
        }
      });
    }
    for (auto& t : threads) t.join();
    concurrent[std::to_string(k)] =
        summary(all, std::chrono::duration<double>(Clock::now() - start).count());
  }
  out["concurrent_sessions"] = std::move(concurrent);
  std::printf("%s\n", json::serialize(out).c_str());
  return 0;
}

}  // namespace
}  // namespace startales

int main() { return startales::run(); }
