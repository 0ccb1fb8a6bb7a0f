#include "vectors/qdrant_client.h"

#include <boost/json.hpp>
#include <chrono>

namespace startales::vectors {

namespace json = boost::json;

namespace {

constexpr outbound::Service kVectorsService{"vectors", "Qdrant", "cancelled"};

bool validCollectionName(std::string_view name) {
  if (name.empty() || name.size() > 255) return false;
  for (const char c : name) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '_' || c == '-';
    if (!ok) return false;
  }
  return true;
}

// Qdrant's error text: {"status":{"error":"..."}} or, from its API-key check, plain text.
std::string engineText(const std::string& body) {
  json::error_code ec;
  const json::value v = json::parse(body, ec);
  if (!ec && v.is_object()) {
    const auto* status = v.as_object().if_contains("status");
    if (status != nullptr && status->is_object()) {
      if (const auto* e = status->as_object().if_contains("error"); e && e->is_string()) {
        return std::string(e->as_string());
      }
    }
  }
  return body.substr(0, 200);
}

std::string_view outcomeOf(const Error& e) {
  std::string_view code = e.code;
  if (code.starts_with("vectors_")) code.remove_prefix(8);
  return code;
}

}  // namespace

std::vector<std::string> validateConfig(const QdrantConfig& config) {
  std::vector<std::string> problems;
  if (auto url = outbound::parseUrl(config.url, "Qdrant"); !url) {
    problems.push_back(url.error().message);
  }
  if (!validCollectionName(config.collection)) {
    problems.push_back("The Qdrant collection name \"" + config.collection +
                       "\" must be 1 to 255 letters, digits, '_' or '-'.");
  }
  if (config.timeout_ms < 100 || config.timeout_ms > 600'000) {
    problems.push_back("The Qdrant timeout must be 100 to 600000 ms.");
  }
  return problems;
}

QdrantClient::QdrantClient(QdrantConfig config, outbound::Endpoint endpoint,
                           VectorsMetrics* metrics)
    : config_(std::move(config)), http_(std::move(endpoint), kVectorsService), metrics_(metrics) {}

Result<std::unique_ptr<QdrantClient>> QdrantClient::create(QdrantConfig config,
                                                           VectorsMetrics* metrics) {
  if (auto problems = validateConfig(config); !problems.empty()) {
    std::string all;
    for (const auto& p : problems) all += (all.empty() ? "" : " ") + p;
    return makeError("invalid_config", all);
  }
  auto endpoint = outbound::parseUrl(config.url, "Qdrant");
  if (!endpoint) return endpoint.error();
  return std::unique_ptr<QdrantClient>(
      new QdrantClient(std::move(config), std::move(*endpoint), metrics));
}

std::string QdrantClient::where() const { return "Qdrant at " + http_.endpoint().hostPort(); }

Result<json::value> QdrantClient::call(std::string_view op, std::string method, std::string path,
                                       const json::value* body, int* http_status, int timeout_ms) {
  if (timeout_ms <= 0) timeout_ms = config_.timeout_ms;
  const auto started = std::chrono::steady_clock::now();
  outbound::Request req;
  req.method = std::move(method);
  req.target = http_.endpoint().base_path + "/collections/" + config_.collection + path;
  if (body != nullptr) {
    req.content_type = "application/json";
    req.body = json::serialize(*body);
  }
  req.headers.emplace_back("Accept", "application/json");
  if (!config_.api_key.empty()) req.headers.emplace_back("api-key", config_.api_key);
  outbound::Policy policy;
  policy.connect_timeout_ms = std::min(2'000, timeout_ms);
  policy.total_timeout_ms = timeout_ms;
  policy.backoff_max_ms = std::min(1'000, timeout_ms / 4);

  const auto finish = [&](Result<json::value> r) {
    if (metrics_ != nullptr) {
      const double s =
          std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
      metrics_->request(op, r ? std::string_view("ok") : outcomeOf(r.error()), s);
    }
    return r;
  };

  auto res = http_.callBlocking(std::move(req), policy);
  if (!res) return finish(res.error());
  const int status = res->status;
  if (http_status != nullptr) *http_status = status;
  if (status < 200 || status >= 300) {
    const std::string text = engineText(res->body);
    std::string code = "vectors_refused";
    std::string message;
    if (status == 401 || status == 403) {
      message = where() + " refused the API key (STARTALES_QDRANT_API_KEY), HTTP " +
                std::to_string(status) + ": " + text;
    } else if (status == 404) {
      message = where() + " has no collection \"" + config_.collection + "\" (HTTP 404): " + text;
    } else if (status >= 500 || status == 429) {
      code = "vectors_unavailable";
      message = where() + " is unavailable (HTTP " + std::to_string(status) + "): " + text;
    } else {
      message = where() + " refused the request (HTTP " + std::to_string(status) + "): " + text;
    }
    Error e = makeInternalError(code, message);
    e.retry_after_s = res->retry_after_s;
    return finish(e);
  }
  json::error_code ec;
  json::value v = json::parse(res->body, ec);
  if (ec || !v.is_object() || !v.as_object().contains("result")) {
    return finish(
        makeInternalError("vectors_protocol", where() + " answered HTTP " + std::to_string(status) +
                                                  " without Qdrant's {\"result\":...} envelope."));
  }
  return finish(std::move(v.as_object()["result"]));
}

Result<void> QdrantClient::ensureCollection(int dimension) {
  int status = 0;
  auto info = call("ensure", "GET", "", nullptr, &status);
  if (!info && status == 404) {
    const json::value create = {{"vectors", {{"size", dimension}, {"distance", "Cosine"}}}};
    if (auto made = call("ensure", "PUT", "", &create); !made) return made.error();
    // Payload indexes make the filtered searches cheap (Qdrant's multitenancy advice).
    for (const auto& [field, schema] :
         {std::pair{"campaign", "integer"}, {"character", "integer"}, {"scope", "keyword"}}) {
      const json::value index = {{"field_name", field}, {"field_schema", schema}};
      if (auto ok = call("ensure", "PUT", "/index?wait=true", &index); !ok) return ok.error();
    }
    return {};
  }
  if (!info) return info.error();
  // result.config.params.vectors: {"size": N, "distance": "Cosine"} (one unnamed vector).
  const json::value* vectors = nullptr;
  if (info->is_object()) {
    if (const auto* config = info->as_object().if_contains("config");
        config && config->is_object()) {
      if (const auto* params = config->as_object().if_contains("params");
          params && params->is_object()) {
        vectors = params->as_object().if_contains("vectors");
      }
    }
  }
  const json::value* size =
      vectors && vectors->is_object() ? vectors->as_object().if_contains("size") : nullptr;
  if (size == nullptr || !size->is_int64()) {
    return makeInternalError("vectors_refused",
                             where() + ": the collection \"" + config_.collection +
                                 "\" has no single unnamed vector (named vectors are not used "
                                 "by StarTales); use another --qdrant-collection.");
  }
  if (size->as_int64() != dimension) {
    return makeError("vectors_dimension_mismatch",
                     "The Qdrant collection \"" + config_.collection + "\" holds vectors of " +
                         std::to_string(size->as_int64()) + " dimensions but the embedder gives " +
                         std::to_string(dimension) +
                         "; use the same embedding model or another --qdrant-collection.");
  }
  const auto* distance = vectors->as_object().if_contains("distance");
  if (distance == nullptr || !distance->is_string() || distance->as_string() != "Cosine") {
    return makeError("vectors_refused",
                     "The Qdrant collection \"" + config_.collection +
                         "\" does not use Cosine distance; use another --qdrant-collection.");
  }
  return {};
}

Result<void> QdrantClient::upsert(std::span<const ai::Memory> memories) {
  json::array points;
  points.reserve(memories.size());
  for (const auto& m : memories) {
    json::array vector;
    vector.reserve(m.embedding.size());
    for (const float f : m.embedding) vector.emplace_back(static_cast<double>(f));
    points.push_back({{"id", m.id},
                      {"vector", std::move(vector)},
                      {"payload",
                       {{"campaign", m.campaign_id},
                        {"character", m.character_id},
                        {"scope", m.scope},
                        {"kind", m.kind},
                        {"tick", m.tick},
                        {"importance", m.importance},
                        {"created_at", m.created_at_ms},
                        {"memory_id", m.id}}}});
  }
  const json::value body = {{"points", std::move(points)}};
  auto r = call("upsert", "PUT", "/points?wait=true", &body);
  if (!r) return r.error();
  return {};
}

Result<std::vector<std::vector<QdrantClient::Hit>>> QdrantClient::search(
    std::span<const float> query, const std::vector<Search>& searches) {
  json::array vector;
  vector.reserve(query.size());
  for (const float f : query) vector.emplace_back(static_cast<double>(f));
  json::array batch;
  for (const auto& s : searches) {
    batch.push_back({{"vector", vector},
                     {"filter", s.filter},
                     {"limit", s.limit},
                     {"with_payload", json::array{"scope"}},
                     {"with_vector", false}});
  }
  const json::value body = {{"searches", std::move(batch)}};
  auto r = call("search", "POST", "/points/search/batch", &body);
  if (!r) return r.error();
  const auto bad = [this] {
    return makeInternalError("vectors_protocol",
                             where() +
                                 " answered a search with something other than lists of "
                                 "scored points.");
  };
  if (!r->is_array() || r->as_array().size() != searches.size()) return bad();
  std::vector<std::vector<Hit>> out;
  for (const auto& list : r->as_array()) {
    if (!list.is_array()) return bad();
    std::vector<Hit> hits;
    for (const auto& p : list.as_array()) {
      const auto* o = p.if_object();
      const auto* id = o ? o->if_contains("id") : nullptr;
      const auto* score = o ? o->if_contains("score") : nullptr;
      if (!id || !id->is_number() || !score || !score->is_number()) return bad();
      Hit h;
      h.id = id->to_number<int64_t>();
      h.score = score->to_number<double>();
      if (const auto* payload = o->if_contains("payload"); payload && payload->is_object()) {
        if (const auto* sc = payload->as_object().if_contains("scope"); sc && sc->is_string()) {
          h.scope = std::string(sc->as_string());
        }
      }
      hits.push_back(std::move(h));
    }
    out.push_back(std::move(hits));
  }
  return out;
}

Result<int64_t> QdrantClient::count(const json::object& filter) {
  const json::value body = {{"filter", filter}, {"exact", true}};
  auto r = call("count", "POST", "/points/count", &body);
  if (!r) return r.error();
  const auto* n = r->is_object() ? r->as_object().if_contains("count") : nullptr;
  if (n == nullptr || !n->is_number()) {
    return makeInternalError("vectors_protocol", where() + " answered a count without a count.");
  }
  return n->to_number<int64_t>();
}

Result<int64_t> QdrantClient::ping() {
  auto r = call("ping", "GET", "", nullptr, nullptr, std::min(config_.timeout_ms, kPingTimeoutMs));
  if (!r) return r.error();
  const auto* n = r->is_object() ? r->as_object().if_contains("points_count") : nullptr;
  return n != nullptr && n->is_number() ? n->to_number<int64_t>() : 0;
}

json::object QdrantClient::filter(int64_t campaign, int64_t character,
                                  const std::vector<std::string>& scopes,
                                  std::span<const int64_t> ids) {
  json::array any;
  for (const auto& s : scopes) any.emplace_back(s);
  json::array must{
      json::object{{"key", "campaign"}, {"match", {{"value", campaign}}}},
      json::object{{"key", "character"}, {"match", {{"value", character}}}},
  };
  if (!scopes.empty()) must.push_back(json::object{{"key", "scope"}, {"match", {{"any", any}}}});
  if (!ids.empty()) {
    json::array has;
    for (const int64_t id : ids) has.emplace_back(id);
    must.push_back(json::object{{"has_id", std::move(has)}});
  }
  return json::object{{"must", std::move(must)}};
}

}  // namespace startales::vectors
