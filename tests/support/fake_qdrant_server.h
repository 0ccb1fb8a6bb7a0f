#pragma once

// A protocol-faithful Qdrant for tests (no Qdrant server can run here): a real HTTP/1.1
// server on 127.0.0.1:0 that keeps collections and points in memory and answers the REST
// calls the memory index makes, in Qdrant's wire format, failures included.
//
// Followed (Qdrant 1.9 – 1.x REST API):
//   - the OpenAPI document, qdrant/qdrant docs/redoc/v1.9.x/openapi.json, and
//     https://api.qdrant.tech/api-reference (collections/create-collection: "api-key" header,
//     PUT /collections/{collection_name}; points/upsert-points, search-points,
//     search-batch-points, count-points; indexes/create-field-index);
//   - https://qdrant.tech/documentation/concepts/collections/ (vectors {size, distance};
//     Cosine vectors are normalised on upload, so a score is the cosine) and
//     /concepts/filtering/ (must / should / must_not; {"key","match":{"value"}},
//     {"match":{"any":[...]}}, {"has_id":[...]});
//   - the envelope every answer has: {"result": ..., "status": "ok", "time": seconds}; errors
//     {"status": {"error": "..."}, "time": seconds}, e.g. 404 "Not found: Collection `c`
//     doesn't exist!", 400 "Wrong input: Vector dimension error: expected dim: 4, got 8"
//     (as recorded from real servers in public test logs);
//   - the API-key check (qdrant/qdrant src/common/auth): 401 with a plain-text body,
//     "Must provide an API key or an Authorization bearer token" without a key, "Invalid API
//     key or JWT" with a wrong one.
// Injected failures (Failure) replace the next answers: 503 with Qdrant's error body, a
// slow answer, a dropped connection (closed after reading the request, without answering).
//
// One thread per connection; one request per connection (the client sends
// "Connection: close"). Thread-safe.

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "support/fake_llm_server.h"  // RecordedRequest

namespace startales::testing {

class FakeQdrantServer {
 public:
  struct Failure {
    enum class Kind { kUnavailable, kSlow, kDrop };
    Kind kind;
    int ms = 0;                   // kSlow: delay before the real answer
    std::string target_contains;  // only requests whose target contains this ("": any)
  };
  struct Point {
    std::vector<float> vector;  // normalised (Cosine)
    std::string payload_json;   // as stored
  };

  FakeQdrantServer();
  ~FakeQdrantServer();
  FakeQdrantServer(const FakeQdrantServer&) = delete;
  FakeQdrantServer& operator=(const FakeQdrantServer&) = delete;

  [[nodiscard]] std::string url() const;  // http://127.0.0.1:PORT

  // Empty (default): no key required.
  void requireApiKey(std::string key);
  // The next `times` requests (matching failure.target_contains) get `failure` instead of
  // (kSlow: before) their answer.
  void fail(Failure failure, int times = 1);
  // A collection made outside the test's client (e.g. by another deployment).
  void createCollection(const std::string& name, int size, const std::string& distance);

  [[nodiscard]] size_t pointCount(const std::string& collection) const;
  [[nodiscard]] std::vector<RecordedRequest> requests() const;
  void clearRequests();

  void stop();

 private:
  struct Collection {
    int size = 0;
    std::string distance;
    std::map<int64_t, Point> points;  // by id
    std::vector<std::string> indexed_fields;
  };
  struct Answer {
    int status = 200;
    std::string content_type = "application/json";
    std::string body;
  };

  void acceptLoop();
  void serve(int fd);
  Answer handle(const RecordedRequest& req);
  bool sleepFor(int ms);

  int listen_fd_ = -1;
  uint16_t port_ = 0;
  std::atomic<bool> stopping_{false};
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::string api_key_;                            // guarded by mu_
  std::deque<Failure> failures_;                   // guarded by mu_
  std::map<std::string, Collection> collections_;  // guarded by mu_
  std::vector<RecordedRequest> requests_;          // guarded by mu_
  std::vector<int> open_fds_;                      // guarded by mu_
  std::vector<std::thread> threads_;               // guarded by mu_
  int64_t operation_id_ = 0;                       // guarded by mu_
  std::thread acceptor_;
};

}  // namespace startales::testing
