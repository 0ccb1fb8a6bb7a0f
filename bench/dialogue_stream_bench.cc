// The gateway's cost per streamed token: a model server (FakeLlmServer speaking Ollama's NDJSON,
// as fast as the socket takes it) streams replies of N tokens; we time
//   direct: the LLM client alone (llm::makeBackend in this process) reading the stream, and
//   server: the real `startales serve` relaying the same stream to a client as Server-Sent
//           Events (POST /api/campaigns/{id}/characters/{cid}/messages), prompt building,
//           state read and storage included.
// Each is measured at two lengths; the fixed per-reply costs cancel in the difference, so
//   overhead per token = (server(N2) - server(N1) - (direct(N2) - direct(N1))) / (N2 - N1).
// Prints one JSON object. Needs STARTALES_BINARY (bench/run.sh sets it).

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>
#include <boost/json.hpp>
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <optional>
#include <thread>

#include "llm/llm.h"
#include "support/fake_llm_server.h"
#include "support/http_client.h"
#include "support/server_process.h"

namespace startales {
namespace {

namespace asio = boost::asio;
namespace json = boost::json;
using testing::FakeLlmServer;
using testing::FakeReply;
using Clock = std::chrono::steady_clock;

constexpr int kReps = 15;
constexpr int kShort = 10, kLong = 1000;

std::string ollamaLine(const std::string& content, bool done) {
  json::object line{{"model", "llama3.2:3b"},
                    {"created_at", "2025-05-27T22:54:57.641643Z"},
                    {"message", {{"role", "assistant"}, {"content", content}}},
                    {"done", done}};
  if (done) line["done_reason"] = "stop";
  return json::serialize(line) + "\n";
}

void enqueueReply(FakeLlmServer& llm, int tokens) {
  FakeReply reply = FakeReply::stream("application/x-ndjson");
  for (int i = 0; i < tokens; ++i) reply.chunk(ollamaLine("tok ", false));
  reply.chunk(ollamaLine("", true)).end();
  llm.enqueue(std::move(reply));
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

double ms(Clock::time_point since) {
  return std::chrono::duration<double, std::milli>(Clock::now() - since).count();
}

// The LLM client alone: milliseconds per reply of `tokens` tokens (median of kReps).
double direct(FakeLlmServer& llm, int tokens) {
  asio::io_context io;
  auto work = asio::make_work_guard(io);
  std::thread thread([&] { io.run(); });
  llm::LlmConfig config;
  config.model = "llama3.2:3b";
  auto backend = llm::makeBackend("ollama:" + llm.url(), config);
  std::vector<double> times;
  for (int r = 0; r < kReps && backend; ++r) {
    enqueueReply(llm, tokens);
    llm::ChatRequest req;
    req.messages.push_back({llm::ChatMessage::Role::kUser, "How are our finances?"});
    size_t pieces = 0;
    const auto start = Clock::now();
    auto call = [&]() -> asio::awaitable<bool> {
      auto op = (*backend)->chat(req, [&](std::string_view) { ++pieces; }, llm::CancelToken());
      auto result = co_await std::move(op);
      co_return result.ok();
    };
    const bool ok = asio::co_spawn(io, call, asio::use_future).get();
    times.push_back(ms(start));
    if (!ok || pieces != static_cast<size_t>(tokens)) {
      std::fprintf(stderr, "direct call failed (%zu pieces)\n", pieces);
      std::exit(1);
    }
  }
  work.reset();
  thread.join();
  return median(times);
}

struct Seat {
  std::string token;
  std::string talk_path;
};

// Through the server: milliseconds per SSE reply of `tokens` tokens (median of kReps).
double viaServer(FakeLlmServer& llm, testing::HttpClient& http, const std::vector<Seat>& seats,
                 int tokens, int& turn) {
  std::vector<double> times;
  for (int r = 0; r < kReps; ++r) {
    const Seat& seat = seats[turn++ % seats.size()];  // spreads the per-player message limit
    enqueueReply(llm, tokens);
    const auto start = Clock::now();
    auto res = http.postJson(seat.talk_path, R"({"text":"How are our finances?"})", seat.token);
    times.push_back(ms(start));
    const size_t deltas = [&] {
      size_t n = 0;
      for (size_t at = res.body.find("event: delta"); at != std::string::npos;
           at = res.body.find("event: delta", at + 1)) {
        ++n;
      }
      return n;
    }();
    if (res.status != 200 || deltas != static_cast<size_t>(tokens) ||
        res.body.find("\"engine\":\"ollama\"") == std::string::npos) {
      std::fprintf(stderr, "server reply failed: %d, %zu deltas\n%.500s\n", res.status, deltas,
                   res.body.c_str());
      std::exit(1);
    }
  }
  return median(times);
}

int run() {
  FakeLlmServer llm;
  testing::ServerProcess server(
      {"--access-log", "false", "--password-mem-kib", "1024", "--password-ops", "1"},
      {"STARTALES_LLM=ollama:" + llm.url(), "STARTALES_LLM_QUOTA_BURST=100000",
       "STARTALES_LLM_QUOTA_PER_MIN=100000", "STARTALES_AUTH_RATE_ADDRESS_BURST=1000"});
  if (!server.waitReady()) {
    std::fprintf(stderr, "server did not start:\n%s\n", server.log().c_str());
    return 1;
  }
  testing::HttpClient http(server.port());
  std::vector<Seat> seats;
  int64_t campaign = 0;
  for (int i = 0; i < 4; ++i) {
    const std::string creds =
        R"({"username":"bench)" + std::to_string(i) + R"(","password":"a long secret"})";
    http.postJson("/api/auth/register", creds);
    auto login = http.postJson("/api/auth/login", creds).json();
    const std::string token(login.at("token").as_string());
    if (i == 0) {
      campaign = http.postJson("/api/campaigns",
                               R"({"name":"Bench","systems":40,"ai_empires":1,"max_players":4})",
                               token)
                     .json()
                     .at("id")
                     .as_int64();
    } else {
      http.postJson("/api/campaigns/" + std::to_string(campaign) + "/join", "{}", token);
      http.postJson("/api/campaigns/" + std::to_string(campaign) + "/ready", "{}", token);
    }
    seats.push_back({token, ""});
  }
  http.postJson("/api/campaigns/" + std::to_string(campaign) + "/start", "", seats[0].token);
  for (auto& seat : seats) {
    auto cast = http.get("/api/campaigns/" + std::to_string(campaign) + "/characters", seat.token)
                    .json();
    for (const auto& c : cast.at("characters").as_array()) {
      if (c.at("role").as_string() == "treasury") {
        seat.talk_path = "/api/campaigns/" + std::to_string(campaign) + "/characters/" +
                         std::to_string(c.at("id").as_int64()) + "/messages";
      }
    }
  }
  int turn = 0;
  const double d1 = direct(llm, kShort), d2 = direct(llm, kLong);
  const double s1 = viaServer(llm, http, seats, kShort, turn);
  const double s2 = viaServer(llm, http, seats, kLong, turn);
  const double per_token_us = ((s2 - s1) - (d2 - d1)) / (kLong - kShort) * 1000.0;
  json::object out{
      {"reps", kReps},
      {"direct_ms", {{std::to_string(kShort), d1}, {std::to_string(kLong), d2}}},
      {"server_sse_ms", {{std::to_string(kShort), s1}, {std::to_string(kLong), s2}}},
      {"server_fixed_ms", s1 - d1},
      {"gateway_overhead_us_per_token", per_token_us}};
  std::printf("%s\n", json::serialize(out).c_str());
  return 0;
}

}  // namespace
}  // namespace startales

int main() { return startales::run(); }
