// Assets in object storage on the real binary: two `startales serve` processes sharing one
// real S3 implementation (s3rver, started by the fixture on a free loopback port): a voice
// matched through one speaks through the other; the store stopped and restarted; settings
// that cannot work stop the start with the fix named, and the secret is never logged.

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <cstdio>
#include <filesystem>
#include <fstream>

#include "support/game_client.h"
#include "support/http_client.h"
#include "support/s3_server.h"
#include "support/server_process.h"

namespace startales::testing {
namespace {

std::string readFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

// espeak-ng speech of `text` as WAV bytes (a female voice: matching gives an f* voice).
std::string speak(const std::string& text) {
  const std::string dir = makeTempDir("startales-objects-wav-");
  const std::string path = dir + "/say.wav";
  const std::string command = "espeak-ng -v en-us+f3 -s 160 -w " + path + " '" + text + "' 2>&1";
  if (FILE* p = ::popen(command.c_str(), "r")) ::pclose(p);
  std::string wav = readFile(path);
  std::filesystem::remove_all(dir);
  return wav;
}

const std::vector<std::pair<std::string, std::string>> kWav = {{"Content-Type", "audio/wav"}};

class ObjectsIntegration : public ::testing::Test {
 protected:
  void SetUp() override {
    auto started = S3Server::start();
    ASSERT_TRUE(started.ok()) << started.error().message;
    s3_ = std::move(*started);
    secret_dir_ = makeTempDir("startales-objects-secret-");
    std::ofstream(secret_dir_ + "/secret") << s3_->options().secret_access_key << "\n";
  }
  void TearDown() override { std::filesystem::remove_all(secret_dir_); }

  // A node on the shared bucket; the secret comes from a file (as a mounted secret would).
  std::vector<std::string> s3Args() const {
    return {"--objects", "s3://" + s3_->options().bucket, "--s3-endpoint", s3_->endpoint(),
            "--s3-region", s3_->options().region, "--objects-timeout-ms", "3000"};
  }
  std::vector<std::string> s3Env(const std::string& secret_file = "") const {
    std::vector<std::string> env = kFastAuth;
    env.push_back("STARTALES_S3_ACCESS_KEY_ID=" + s3_->options().access_key_id);
    env.push_back("STARTALES_S3_SECRET_ACCESS_KEY_FILE=" +
                  (secret_file.empty() ? secret_dir_ + "/secret" : secret_file));
    return env;
  }

  // POST /api/tts/clone-voice as `p`: the new voice's id.
  static std::string matchVoice(HttpClient& http, const Player& p, const std::string& wav) {
    auto headers = kWav;
    headers.emplace_back("Authorization", "Bearer " + p.token);
    auto made = http.request("POST", "/api/tts/clone-voice?name=Ada", wav, headers);
    EXPECT_EQ(made.status, 201) << made.body;
    auto j = made.json();
    if (!j.is_object()) return "";
    return std::string(j.at("id").as_string());
  }

  std::unique_ptr<S3Server> s3_;
  std::string secret_dir_;
};

TEST_F(ObjectsIntegration, AVoiceMatchedOnOneNodeSpeaksOnTheOther) {
  ServerProcess a(s3Args(), s3Env());
  ServerProcess b(s3Args(), s3Env());
  ServerProcess alone({}, kFastAuth);  // its own directory store: shares nothing
  ASSERT_TRUE(a.waitReady()) << a.log();
  ASSERT_TRUE(b.waitReady()) << b.log();
  ASSERT_TRUE(alone.waitReady()) << alone.log();
  HttpClient http_a(a.port()), http_b(b.port()), http_alone(alone.port());
  auto ada = signUp(http_a, "ada");  // each node here has its own accounts database
  auto bob = signUp(http_b, "bob");
  auto cy = signUp(http_alone, "cyrus");

  const std::string wav = speak("The treasury is full and the people are happy today.");
  ASSERT_GT(wav.size(), 1000u);
  const std::string id = matchVoice(http_a, ada, wav);
  ASSERT_TRUE(id.starts_with("matched-")) << id;

  // Node B has never seen the voice: it reads it from the store and speaks with it.
  const std::string body = R"({"text":"I sound like Ada.","voice":")" + id + "\"}";
  auto spoken = http_b.postJson("/api/tts/synthesize", body, bob.token);
  ASSERT_EQ(spoken.status, 200) << spoken.body;
  EXPECT_EQ(spoken.body.substr(0, 4), "RIFF");
  auto listed = http_b.get("/api/tts/voices", bob.token).json();
  bool found = false;
  for (const auto& v : listed.at("voices").as_array()) {
    if (v.at("id").as_string() != id) continue;
    found = true;
    EXPECT_EQ(v.at("name").as_string(), "Ada");
    EXPECT_EQ(std::string(v.at("voice").at("variant").as_string()).substr(0, 1), "f");
  }
  EXPECT_TRUE(found) << boost::json::serialize(listed);
  // The same id on a node with its own store is unknown: the sharing is the store's.
  auto unknown = http_alone.postJson("/api/tts/synthesize", body, cy.token);
  EXPECT_EQ(unknown.status, 400) << unknown.body;

  auto ready = http_b.get("/api/ready").json();
  EXPECT_EQ(ready.at("checks").at("objects").as_string(), "s3") << boost::json::serialize(ready);
  auto metrics = HttpClient(a.metricsPort()).get("/metrics").body;
  EXPECT_NE(metrics.find(R"(objects_requests_total{op="put",outcome="ok"})"), std::string::npos)
      << metrics.substr(0, 2000);
  for (const auto* node : {&a, &b}) {
    EXPECT_EQ(node->log().find(s3_->options().secret_access_key), std::string::npos);
  }
}

TEST_F(ObjectsIntegration, TheStoreStoppedMakesVoiceLookupsRetriableAndTheyWorkAfterItsRestart) {
  ServerProcess a(s3Args(), s3Env());
  ServerProcess b(s3Args(), s3Env());
  ASSERT_TRUE(a.waitReady()) << a.log();
  ASSERT_TRUE(b.waitReady()) << b.log();
  HttpClient http_a(a.port()), http_b(b.port());
  auto ada = signUp(http_a, "ada");
  auto bob = signUp(http_b, "bob");
  const std::string id = matchVoice(http_a, ada, speak("Steady as she goes, captain."));
  ASSERT_FALSE(id.empty());

  s3_->halt();
  const std::string body = R"({"text":"Still here.","voice":")" + id + "\"}";
  auto down = http_b.postJson("/api/tts/synthesize", body, bob.token);
  EXPECT_EQ(down.status, 503) << down.body;
  EXPECT_FALSE(down.header("retry-after").empty());
  EXPECT_EQ(down.json().at("error").at("code").as_string(), "objects_unavailable") << down.body;
  auto not_ready = http_b.get("/api/ready");
  EXPECT_EQ(not_ready.status, 503) << not_ready.body;
  auto headers = kWav;
  headers.emplace_back("Authorization", "Bearer " + ada.token);
  auto refused = http_a.request("POST", "/api/tts/clone-voice", speak("Hello there."), headers);
  EXPECT_EQ(refused.status, 503) << refused.body;
  // Node A made the voice: it still has it cached and speaks with it.
  EXPECT_EQ(http_a.postJson("/api/tts/synthesize", body, ada.token).status, 200);

  ASSERT_TRUE(s3_->restart().ok());
  auto up = http_b.postJson("/api/tts/synthesize", body, bob.token);
  EXPECT_EQ(up.status, 200) << up.body;
  EXPECT_EQ(http_b.get("/api/ready").status, 200);
}

TEST_F(ObjectsIntegration, SettingsThatCannotWorkStopTheStartNamingTheFix) {
  std::ofstream(secret_dir_ + "/wrong") << "not-the-secret-at-all\n";
  ServerProcess wrong(s3Args(), s3Env(secret_dir_ + "/wrong"));
  EXPECT_NE(wrong.waitExit(std::chrono::seconds(90)), 0);
  const std::string log = wrong.log();
  EXPECT_NE(log.find("SignatureDoesNotMatch"), std::string::npos) << log;
  EXPECT_NE(log.find("STARTALES_S3_SECRET_ACCESS_KEY"), std::string::npos) << log;
  EXPECT_EQ(log.find("not-the-secret-at-all"), std::string::npos) << log;

  auto missing = s3Args();
  missing[1] = "s3://no-such-bucket";
  ServerProcess bucket(missing, s3Env());
  EXPECT_NE(bucket.waitExit(std::chrono::seconds(90)), 0);
  EXPECT_NE(bucket.log().find("\\\"no-such-bucket\\\" does not exist"), std::string::npos)
      << bucket.log();

  ServerProcess incomplete({"--objects", "s3://startales"}, {});
  EXPECT_NE(incomplete.waitExit(std::chrono::seconds(30)), 0);
  EXPECT_NE(incomplete.log().find("STARTALES_S3_ENDPOINT"), std::string::npos)
      << incomplete.log();
}

}  // namespace
}  // namespace startales::testing
