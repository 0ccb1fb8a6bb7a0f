#include "support/client_id_load.h"

#include <boost/json.hpp>

#include "support/http_client.h"

namespace startales::testing {

using std::chrono::milliseconds;
using std::chrono::steady_clock;

ClientIdLoad::ClientIdLoad(std::vector<uint16_t> ports, int64_t campaign, std::string token,
                           int per_writer, milliseconds gap)
    : campaign_(campaign), token_(std::move(token)), gap_(gap) {
  for (size_t w = 0; w < ports.size(); ++w) {
    threads_.emplace_back([this, port = ports[w], w, per_writer] { run(port, w, per_writer); });
  }
}

ClientIdLoad::~ClientIdLoad() { join(); }

void ClientIdLoad::join() {
  for (auto& t : threads_) {
    if (t.joinable()) t.join();
  }
}

std::map<std::string, int64_t> ClientIdLoad::acked() const {
  std::lock_guard lock(mu_);
  return acked_;
}

std::vector<std::string> ClientIdLoad::failures() const {
  std::lock_guard lock(mu_);
  return failures_;
}

std::vector<ClientIdLoad::Ack> ClientIdLoad::ackTimes() const {
  std::lock_guard lock(mu_);
  return ack_times_;
}

void ClientIdLoad::run(uint16_t port, size_t writer, int count) {
  HttpClient http(port);
  const std::string path = "/api/campaigns/" + std::to_string(campaign_) + "/commands";
  for (int i = 0; i < count; ++i) {
    const std::string key = "w" + std::to_string(writer) + "-" + std::to_string(i);
    const std::vector<std::pair<std::string, std::string>> headers{
        {"Authorization", "Bearer " + token_},
        {"Content-Type", "application/json"},
        {"Idempotency-Key", key}};
    const std::string body =
        R"({"type":"set_policy","tax_rate":)" + std::to_string(10 + (i % 30)) + "}";
    const auto give_up = steady_clock::now() + std::chrono::seconds(30);
    for (;;) {
      const auto sent = steady_clock::now();
      auto r = http.request("POST", path, body, headers);
      if (r.status == 202) {
        std::lock_guard lock(mu_);
        acked_[key] = r.json().at("seq").as_int64();
        ack_times_.push_back({sent, steady_clock::now()});
        break;
      }
      const bool retriable = r.status == 0 || r.status == 503 || r.status == 504;
      if (!retriable || steady_clock::now() > give_up) {
        std::lock_guard lock(mu_);
        failures_.push_back(key + ": " + std::to_string(r.status) + " " + r.body);
        break;
      }
      retried_++;
      std::this_thread::sleep_for(milliseconds(100));
    }
    std::this_thread::sleep_for(gap_);
  }
}

}  // namespace startales::testing
