#include "support/cluster_stack.h"

#include <algorithm>
#include <boost/json.hpp>

#include "support/game_client.h"
#include "support/http_client.h"

namespace startales::testing {

Result<std::unique_ptr<ClusterStack>> ClusterStack::start(PostgresPlacement postgres) {
  std::unique_ptr<ClusterStack> stack(new ClusterStack());
  auto pg = PostgresServer::start(std::move(postgres));
  if (!pg) return pg.error();
  stack->postgres_ = std::move(*pg);
  auto nats = NatsServer::start();
  if (!nats) return nats.error();
  stack->nats_ = std::move(*nats);
  auto redis = RedisServer::start();
  if (!redis) return redis.error();
  stack->redis_ = std::move(*redis);
  auto s3 = S3Server::start();
  if (!s3) return s3.error();
  stack->s3_ = std::move(*s3);
  return stack;
}

ClusterStack::~ClusterStack() {
  s3_.reset();
  redis_.reset();
  nats_.reset();
  postgres_.reset();
}

Owners clusterOwners(uint16_t port) {
  HttpClient http(port);
  auto r = http.get("/api/cluster", ClusterStack::operatorToken());
  Owners out;
  if (r.status != 200) return out;
  const boost::json::value view = boost::json::parse(r.body);
  for (const auto& n : view.at("nodes").as_array()) {
    auto& ids = out[std::string(n.at("name").as_string())];
    for (const auto& id : n.at("owns").as_array()) ids.push_back(id.as_int64());
  }
  return out;
}

std::string ownerIn(const Owners& owners, int64_t campaign) {
  for (const auto& [name, ids] : owners) {
    if (std::find(ids.begin(), ids.end(), campaign) != ids.end()) return name;
  }
  return "";
}

const std::string& ClusterStack::operatorToken() {
  static const std::string token = "operator-token-for-tests";
  return token;
}

std::vector<std::string> ClusterStack::nodeArgs(const std::string& name, int lease_ttl_ms,
                                                const std::string& db_url) const {
  return {"--db", db_url.empty() ? postgres_->url() : db_url, "--nats", nats_->url(), "--redis", redis_->url(),
          "--objects", "s3://" + s3_->options().bucket, "--s3-endpoint", s3_->endpoint(),
          "--s3-region", s3_->options().region, "--node", name, "--lease-ttl-ms",
          std::to_string(lease_ttl_ms), "--operator-token", operatorToken()};
}

std::vector<std::string> ClusterStack::nodeEnv() const {
  std::vector<std::string> env = kFastAuth;
  env.push_back("STARTALES_S3_ACCESS_KEY_ID=" + s3_->options().access_key_id);
  env.push_back("STARTALES_S3_SECRET_ACCESS_KEY=" + s3_->options().secret_access_key);
  return env;
}

}  // namespace startales::testing
