#include "loadgen/stats.h"

#include <algorithm>
#include <boost/json.hpp>
#include <cmath>
#include <cstdio>
#include <vector>

namespace startales::loadgen {

namespace json = boost::json;

void CountMap::add(const std::string& key, uint64_t n) {
  std::lock_guard lock(mu_);
  auto it = counts_.find(key);
  if (it != counts_.end()) {
    it->second += n;
  } else if (counts_.size() < kMaxKeys) {
    counts_.emplace(key, n);
  } else {
    counts_["other"] += n;
  }
}

uint64_t CountMap::total() const {
  std::lock_guard lock(mu_);
  uint64_t sum = 0;
  for (const auto& [k, n] : counts_) sum += n;
  return sum;
}

json::object CountMap::toJson() const {
  std::lock_guard lock(mu_);
  json::object out;
  for (const auto& [k, n] : counts_) out[k] = n;
  return out;
}

std::string CountMap::toText() const {
  std::vector<std::pair<std::string, uint64_t>> items;
  {
    std::lock_guard lock(mu_);
    items.assign(counts_.begin(), counts_.end());
  }
  std::stable_sort(items.begin(), items.end(),
                   [](const auto& a, const auto& b) { return a.second > b.second; });
  std::string out;
  for (const auto& [k, n] : items) out += (out.empty() ? "" : ", ") + k + " " + std::to_string(n);
  return out;
}

namespace {

double round3(double v) { return std::round(v * 1000) / 1000; }
double ms(double micros) { return round3(micros / 1000); }

json::object latencyJson(const Histogram& h, bool with_p95) {
  json::object o{{"p50", ms(h.quantileMicros(0.50))}};
  if (with_p95) o["p95"] = ms(h.quantileMicros(0.95));
  o["p99"] = ms(h.quantileMicros(0.99));
  o["max"] = ms(static_cast<double>(h.maxMicros()));
  o["samples"] = h.count();
  return o;
}

std::string fixed(double v, int digits = 1) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", digits, v);
  return buf;
}

}  // namespace

namespace {

void writeJson(std::string& out, const json::value& v) {
  switch (v.kind()) {
    case json::kind::object: {
      out += '{';
      bool first = true;
      for (const auto& [key, item] : v.as_object()) {
        if (!first) out += ',';
        first = false;
        out += json::serialize(key);
        out += ':';
        writeJson(out, item);
      }
      out += '}';
      break;
    }
    case json::kind::array: {
      out += '[';
      bool first = true;
      for (const auto& item : v.as_array()) {
        if (!first) out += ',';
        first = false;
        writeJson(out, item);
      }
      out += ']';
      break;
    }
    case json::kind::double_: {
      const double d = v.as_double();
      if (!std::isfinite(d)) {
        out += "null";
        break;
      }
      std::string text = fixed(d, 3);
      while (text.back() == '0') text.pop_back();
      if (text.back() == '.') text.pop_back();
      if (text == "-0") text = "0";
      out += text;
      break;
    }
    default:
      out += json::serialize(v);
  }
}

}  // namespace

std::string toJsonText(const json::value& value) {
  std::string out;
  writeJson(out, value);
  return out;
}

json::object toJson(const Stats& s, const RunInfo& info) {
  const Options& o = info.options;
  const double window = info.duration_s > 0 ? info.duration_s : 1;
  json::object out{
      {"url", o.url},
      {"run_id", info.run_id},
      {"players", o.players},
      {"per_campaign", o.per_campaign},
      {"campaigns", info.campaigns},
      {"systems", o.systems},
      {"ai_empires", o.ai_empires},
      {"tick_ms", o.tick_ms},
      {"command_interval_ms", o.command_interval_ms},
      {"threads", o.threads},
      {"setup_s", round3(info.setup_s)},
      {"setup",
       {{"register_s", round3(info.setup_register_s)},
        {"login_s", round3(info.setup_login_s)},
        {"campaigns_s", round3(info.setup_campaigns_s)},
        {"connect_s", round3(info.setup_connect_s)},
        {"http_requests", s.http_requests.load()},
        {"http_retries", s.http_retries.load()},
        {"http_rate_limited", s.http_rate_limited.load()}}},
      {"connected", s.connected.load()},
      {"joined", s.joined.load()},
      {"connect_failures", s.connect_failures.toJson()},
      {"join_errors", s.join_errors.toJson()},
      {"duration_s", round3(info.duration_s)},
      {"drain_s", round3(info.drain_s)},
      {"cleanup_s", round3(info.cleanup_s)},
      {"commands_sent", s.commands_sent.load()},
      {"commands_per_s", round3(static_cast<double>(s.commands_sent.load()) / window)},
      {"acks", s.acks.load()},
      {"errors", s.errors.load()},
      {"errors_by_code", s.errors_by_code.toJson()},
      {"unanswered", s.unanswered.load()},
      {"skipped_sends", s.skipped_sends.load()},
      {"unmatched_answers", s.unmatched_answers.load()},
      {"ack_ms", latencyJson(s.ack_latency, true)},
      {"deltas_received", s.deltas_received.load()},
      {"delta_lag_ms", latencyJson(s.delta_lag, false)},
      {"events_received", s.events_received.load()},
      {"snapshots_received", s.snapshots_received.load()},
      {"messages_received", s.messages_received.load()},
      {"bytes_received", s.bytes_received.load()},
      {"disconnects", {{"total", s.disconnects.load()}, {"by_code", s.disconnect_codes.toJson()}}},
  };
  return out;
}

std::string summary(const Stats& s, const RunInfo& info) {
  const Options& o = info.options;
  const auto& a = s.ack_latency;
  const auto& d = s.delta_lag;
  auto msText = [](double micros) { return fixed(micros / 1000, 1) + " ms"; };
  std::string out;
  out += "startales-loadgen " + o.url + " (run " + info.run_id + ")\n";
  out += "players      " + std::to_string(o.players) + " in " + std::to_string(info.campaigns) +
         " campaigns of up to " + std::to_string(o.per_campaign) + ", " +
         std::to_string(o.systems) + " systems, tick " + std::to_string(o.tick_ms) + " ms\n";
  out += "setup        " + fixed(info.setup_s, 2) + " s (register " +
         fixed(info.setup_register_s, 2) + ", login " + fixed(info.setup_login_s, 2) +
         ", campaigns " + fixed(info.setup_campaigns_s, 2) + ", connect+join " +
         fixed(info.setup_connect_s, 2) + "; " + std::to_string(s.http_retries.load()) +
         " HTTP retries)\n";
  out += "connected    " + std::to_string(s.connected.load()) + " / " + std::to_string(o.players) +
         ", joined " + std::to_string(s.joined.load());
  if (auto f = s.connect_failures.toText(); !f.empty()) out += " (failed: " + f + ")";
  if (auto f = s.join_errors.toText(); !f.empty()) out += " (join errors: " + f + ")";
  out += "\n";
  out += "window       " + fixed(info.duration_s) + " s, one command per " +
         std::to_string(o.command_interval_ms) + " ms per player\n";
  out += "commands     " + std::to_string(s.commands_sent.load()) + " sent, " +
         std::to_string(s.acks.load()) + " acks, " + std::to_string(s.errors.load()) + " errors";
  if (auto e = s.errors_by_code.toText(); !e.empty()) out += " (" + e + ")";
  out += ", " + std::to_string(s.unanswered.load()) + " unanswered\n";
  out += "ack latency  p50 " + msText(a.quantileMicros(0.5)) + ", p95 " +
         msText(a.quantileMicros(0.95)) + ", p99 " + msText(a.quantileMicros(0.99)) + ", max " +
         msText(static_cast<double>(a.maxMicros())) + "\n";
  out += "deltas       " + std::to_string(s.deltas_received.load()) + " received, lag p50 " +
         msText(d.quantileMicros(0.5)) + ", p99 " + msText(d.quantileMicros(0.99)) + "\n";
  out += "disconnects  " + std::to_string(s.disconnects.load());
  if (auto c = s.disconnect_codes.toText(); !c.empty()) out += " (" + c + ")";
  out += "\n";
  return out;
}

}  // namespace startales::loadgen
