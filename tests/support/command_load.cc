#include "support/command_load.h"

#include <boost/json.hpp>

namespace startales::testing {

CommandLoad::CommandLoad(uint16_t port, int64_t campaign, std::string token, int writers,
                         int max_per_writer)
    : port_(port), campaign_(campaign), token_(std::move(token)) {
  for (int w = 0; w < writers; ++w) {
    threads_.emplace_back([this, w, max_per_writer] { write(w, max_per_writer); });
  }
}

CommandLoad::~CommandLoad() { stop(); }

void CommandLoad::stop() {
  stop_ = true;
  for (auto& t : threads_) {
    if (t.joinable()) t.join();
  }
}

void CommandLoad::write(int writer, int max) {
  HttpClient http(port_);
  const std::string path = "/api/campaigns/" + std::to_string(campaign_) + "/commands";
  for (int i = 0; i < max && !stop_; ++i) {
    const int rate = 10 + (i + writer) % 30;
    auto r = http.postJson(path, R"({"type":"set_policy","tax_rate":)" + std::to_string(rate) + "}",
                           token_);
    answered_++;
    std::lock_guard lock(mu_);
    statuses_[r.status]++;
    if (!first_.count(r.status)) first_[r.status] = Answer{r.body, r.header("retry-after")};
    if (r.status == 202) acked_.insert(r.json().at("seq").as_int64());
  }
}

std::set<int64_t> CommandLoad::acked() const {
  std::lock_guard lock(mu_);
  return acked_;
}

std::map<int, int> CommandLoad::statuses() const {
  std::lock_guard lock(mu_);
  return statuses_;
}

std::optional<CommandLoad::Answer> CommandLoad::firstWith(int status) const {
  std::lock_guard lock(mu_);
  auto it = first_.find(status);
  if (it == first_.end()) return std::nullopt;
  return it->second;
}

std::map<int64_t, int> loggedSeqs(HttpClient& http, int64_t campaign, const std::string& token) {
  std::map<int64_t, int> seqs;
  int64_t after = 0;
  for (int page = 0; page < 1000; ++page) {
    auto r = http.get(
        "/api/campaigns/" + std::to_string(campaign) + "/commands?after=" + std::to_string(after),
        token);
    if (r.status != 200) break;
    const auto body = r.json();
    const auto& list = body.at("commands").as_array();
    if (list.empty()) break;
    for (const auto& c : list) seqs[c.at("seq").as_int64()]++;
    after = list.back().at("seq").as_int64();
  }
  return seqs;
}

}  // namespace startales::testing
