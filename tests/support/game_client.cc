#include "support/game_client.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>

namespace startales::testing {

namespace json = boost::json;
using std::chrono::milliseconds;

const std::vector<std::string> kFastAuth = {
    "STARTALES_AUTH_RATE_ADDRESS_BURST=1000", "STARTALES_AUTH_RATE_ADDRESS_PER_MIN=100000",
    "STARTALES_AUTH_RATE_ACCOUNT_BURST=1000", "STARTALES_AUTH_RATE_ACCOUNT_PER_MIN=100000"};

Player signUp(HttpClient& http, const std::string& name) {
  const std::string creds = R"({"username":")" + name + R"(","password":"a long secret"})";
  EXPECT_EQ(http.postJson("/api/auth/register", creds).status, 201);
  auto login = http.postJson("/api/auth/login", creds);
  EXPECT_EQ(login.status, 200) << login.body;
  auto j = login.json();
  if (!j.is_object()) return {name, "", 0};
  return {name, std::string(j.at("token").as_string()), j.at("user").at("id").as_int64()};
}

json::object post(HttpClient& http, const std::string& path, const std::string& body,
                  const Player& p, int expect) {
  auto r = http.postJson(path, body, p.token);
  EXPECT_EQ(r.status, expect) << path << ": " << r.body;
  auto j = r.json();
  return j.is_object() ? j.as_object() : json::object{};
}

Gamer::Gamer(uint16_t port, const Player& p)
    : ws_(port, WsClient::Options{"/ws", {{"Authorization", "Bearer " + p.token}}}) {
  EXPECT_TRUE(ws_.connected()) << ws_.error();
  auto welcome = next();
  EXPECT_EQ(welcome.contains("type") ? welcome.at("type").as_string() : "", "welcome");
}

json::object Gamer::next(milliseconds timeout) {
  auto m = ws_.receive(timeout);
  if (!m) return {};
  return json::parse(m->data).as_object();
}

void Gamer::send(const json::object& o) { EXPECT_TRUE(ws_.sendText(json::serialize(o))); }

json::object Gamer::waitFor(const std::string& type, int64_t id, milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    auto m = next(milliseconds(500));
    if (m.empty()) continue;
    seen_.push_back(m);
    const bool id_ok =
        id < 0 || (m.contains("id") && m.at("id").is_int64() && m.at("id").as_int64() == id);
    if (m.at("type").as_string() == type && id_ok) return m;
    if (m.at("type").as_string() == "error" && id >= 0 && id_ok) return m;
  }
  ADD_FAILURE() << "no " << type << " message (id " << id << ")";
  return {};
}

json::object Gamer::join(int64_t campaign, std::optional<int64_t> last_tick) {
  json::object msg{{"type", "join"}, {"campaign", campaign}, {"id", ++ids_}};
  if (last_tick) msg["last_tick"] = *last_tick;
  send(msg);
  return waitFor("joined", ids_);
}

json::object Gamer::command(const json::object& cmd) {
  send({{"type", "command"}, {"id", ++ids_}, {"command", cmd}});
  return waitFor("ack", ids_);
}

}  // namespace startales::testing
