#pragma once

// What a cluster of `startales api` nodes runs on, for integration tests: a real PostgreSQL,
// nats-server, redis-server (AOF) and S3 store (s3rver), each on a free loopback port, all
// started by start() and always stopped (in reverse order) on destruction. nodeArgs() and
// nodeEnv() give a node everything the api role requires.

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "common/result.h"
#include "support/nats_server.h"
#include "support/postgres_server.h"
#include "support/redis_server.h"
#include "support/s3_server.h"

namespace startales::testing {

// Node name → the campaigns whose live lease it holds, from GET /api/cluster on the node at
// `port` (with the operators' token); empty when it does not answer.
using Owners = std::map<std::string, std::vector<int64_t>>;
Owners clusterOwners(uint16_t port);
// The node owning `campaign` in `owners`, or "".
std::string ownerIn(const Owners& owners, int64_t campaign);

class ClusterStack {
 public:
  // Fails with the first engine that could not start and why.
  static Result<std::unique_ptr<ClusterStack>> start(PostgresPlacement postgres = {});
  ~ClusterStack();
  ClusterStack(const ClusterStack&) = delete;
  ClusterStack& operator=(const ClusterStack&) = delete;

  // `startales api` arguments for node `name` (lease TTL in ms); `db_url` replaces the
  // database URL (the same server reached another way), when given.
  std::vector<std::string> nodeArgs(const std::string& name, int lease_ttl_ms = 1500,
                                    const std::string& db_url = "") const;
  // Its environment (S3 keys, and auth limits the tests' sign-ups cannot trip).
  std::vector<std::string> nodeEnv() const;
  // The Bearer token of GET /api/cluster the nodes are given.
  static const std::string& operatorToken();

  PostgresServer& postgres() { return *postgres_; }
  NatsServer& nats() { return *nats_; }
  RedisServer& redis() { return *redis_; }
  S3Server& s3() { return *s3_; }

 private:
  ClusterStack() = default;
  std::unique_ptr<PostgresServer> postgres_;
  std::unique_ptr<NatsServer> nats_;
  std::unique_ptr<RedisServer> redis_;
  std::unique_ptr<S3Server> s3_;
};

}  // namespace startales::testing
