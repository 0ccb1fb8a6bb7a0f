#pragma once

// Qdrant's REST API (https://api.qdrant.tech/api-reference), the calls the memory index
// needs, over outbound::HttpClient:
//   GET  /collections/{c}                          the collection's vector size and distance
//   PUT  /collections/{c}                          create it: {"vectors":{"size","distance"}}
//   PUT  /collections/{c}/index                    payload indexes for the filter's keys
//   PUT  /collections/{c}/points?wait=true         upsert points (idempotent by point id)
//   POST /collections/{c}/points/search/batch      filtered nearest-neighbour searches
//   POST /collections/{c}/points/count             points matching a filter (exact)
// Every answer is Qdrant's envelope {"result":...,"status":"ok","time":s}; an error is
// {"status":{"error":"..."},"time":s} (or a plain-text 401 from its API-key check).
//
// Errors (all with the engine's own text marked internal: it is for the log):
//   vectors_unavailable  cannot connect, closed without answering, 5xx / 429 after retries
//   vectors_timeout      no answer within QdrantConfig::timeout_ms
//   vectors_protocol     an answer that is not Qdrant's envelope
//   vectors_refused      401/403 (API key), 404 (no collection), other 4xx
//   vectors_dimension_mismatch  the collection holds vectors of another size
//
// Threading: every call blocks the calling thread (a worker, never a network thread) for at
// most timeout_ms. Thread-safe. The API key is sent as the `api-key` header and never logged.

#include <boost/json/object.hpp>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "ai/memory_types.h"
#include "common/result.h"
#include "outbound/http_client.h"
#include "vectors/vectors_metrics.h"

namespace startales::vectors {

struct QdrantConfig {
  std::string url;                                // http://HOST:6333 (no default)
  std::string api_key;                            // secret; empty: no api-key header
  std::string collection = "startales_memories";  // one collection per deployment
  int timeout_ms = 5000;  // each call, retries and backoff included (ms); default 5000
};

// Every problem of `config`, one sentence each (empty: valid).
std::vector<std::string> validateConfig(const QdrantConfig& config);

class QdrantClient {
 public:
  struct Hit {
    int64_t id = 0;     // point id = memory id
    double score = 0;   // Cosine: the cosine similarity
    std::string scope;  // the point's payload "scope"
  };
  struct Search {
    boost::json::object filter;
    size_t limit = 0;
  };

  // metrics: nullable; outlives the client. Errors: "invalid_config".
  static Result<std::unique_ptr<QdrantClient>> create(QdrantConfig config, VectorsMetrics* metrics);

  // Creates the collection (size `dimension`, distance Cosine, payload indexes on campaign,
  // character and scope) when it does not exist; refuses one with another size
  // (vectors_dimension_mismatch) or another distance (vectors_refused).
  Result<void> ensureCollection(int dimension);
  // Upserts the memories as points: id = memory id, vector = embedding, payload {campaign,
  // character, scope, kind, tick, importance, created_at, memory_id}. Waits until applied.
  Result<void> upsert(std::span<const ai::Memory> memories);
  // One answer per search, best first; vectors left out, payload "scope" only.
  Result<std::vector<std::vector<Hit>>> search(std::span<const float> query,
                                               const std::vector<Search>& searches);
  Result<int64_t> count(const boost::json::object& filter);
  // Readiness: the collection answers (within kPingTimeoutMs). Returns its points count.
  static constexpr int kPingTimeoutMs = 1'000;
  Result<int64_t> ping();

  // must: campaign, character, scope in `scopes` (and, when given, point id in `ids`).
  static boost::json::object filter(int64_t campaign, int64_t character,
                                    const std::vector<std::string>& scopes,
                                    std::span<const int64_t> ids = {});

  [[nodiscard]] const QdrantConfig& config() const { return config_; }
  // "Qdrant at host:port": for log lines.
  [[nodiscard]] std::string where() const;

 private:
  QdrantClient(QdrantConfig config, outbound::Endpoint endpoint, VectorsMetrics* metrics);
  // The call's "result", or its error. `op` labels the metrics; `http_status` (nullable)
  // receives the answer's status (0 without one); timeout_ms 0: the configured one.
  Result<boost::json::value> call(std::string_view op, std::string method, std::string path,
                                  const boost::json::value* body, int* http_status = nullptr,
                                  int timeout_ms = 0);

  // const after construction
  const QdrantConfig config_;
  outbound::HttpClient http_;
  VectorsMetrics* metrics_;
};

}  // namespace startales::vectors
