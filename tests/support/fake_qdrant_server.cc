#include "support/fake_qdrant_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <boost/json.hpp>
#include <cctype>
#include <chrono>
#include <cmath>
#include <optional>
#include <stdexcept>

namespace startales::testing {

namespace json = boost::json;

namespace {

std::string statusText(int status) {
  switch (status) {
    case 200:
      return "OK";
    case 400:
      return "Bad Request";
    case 401:
      return "Unauthorized";
    case 404:
      return "Not Found";
    case 503:
      return "Service Unavailable";
    default:
      return "Status";
  }
}

void sendAll(int fd, const std::string& bytes) {
  size_t sent = 0;
  while (sent < bytes.size()) {
    const ssize_t n = ::send(fd, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) return;
    sent += static_cast<size_t>(n);
  }
}

bool readable(int fd, int ms) {
  pollfd p{fd, POLLIN, 0};
  return ::poll(&p, 1, ms) > 0;
}

std::string ok(json::value result) {
  return json::serialize(
      json::object{{"result", std::move(result)}, {"status", "ok"}, {"time", 0.000214}});
}

std::string qdrantError(const std::string& message) {
  return json::serialize(json::object{{"status", {{"error", message}}}, {"time", 0.000118}});
}

std::vector<float> normalised(const json::array& values) {
  std::vector<float> v;
  v.reserve(values.size());
  double norm = 0;
  for (const auto& x : values) {
    const auto f = static_cast<float>(x.to_number<double>());
    v.push_back(f);
    norm += static_cast<double>(f) * f;
  }
  if (norm > 0) {
    const auto inv = static_cast<float>(1.0 / std::sqrt(norm));
    for (float& f : v) f *= inv;
  }
  return v;
}

// One condition of a filter clause, on a point's id and payload.
bool matches(const json::value& condition, int64_t id, const json::object& payload);

bool matchesFilter(const json::object& filter, int64_t id, const json::object& payload) {
  if (const auto* must = filter.if_contains("must"); must && must->is_array()) {
    for (const auto& c : must->as_array()) {
      if (!matches(c, id, payload)) return false;
    }
  }
  if (const auto* must_not = filter.if_contains("must_not"); must_not && must_not->is_array()) {
    for (const auto& c : must_not->as_array()) {
      if (matches(c, id, payload)) return false;
    }
  }
  if (const auto* should = filter.if_contains("should"); should && should->is_array()) {
    bool any = should->as_array().empty();
    for (const auto& c : should->as_array()) any = any || matches(c, id, payload);
    if (!any) return false;
  }
  return true;
}

bool matches(const json::value& condition, int64_t id, const json::object& payload) {
  const auto& c = condition.as_object();
  if (const auto* ids = c.if_contains("has_id")) {
    for (const auto& x : ids->as_array()) {
      if (x.to_number<int64_t>() == id) return true;
    }
    return false;
  }
  if (c.contains("must") || c.contains("should") || c.contains("must_not")) {
    return matchesFilter(c, id, payload);  // a nested filter
  }
  const auto* field = payload.if_contains(c.at("key").as_string());
  if (field == nullptr) return false;
  const auto& match = c.at("match").as_object();
  if (const auto* value = match.if_contains("value")) return *field == *value;
  if (const auto* any = match.if_contains("any")) {
    for (const auto& x : any->as_array()) {
      if (*field == x) return true;
    }
  }
  return false;
}

}  // namespace

FakeQdrantServer::FakeQdrantServer() {
  listen_fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
  int one = 1;
  ::setsockopt(listen_fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
      ::listen(listen_fd_, 64) != 0) {
    throw std::runtime_error("fake Qdrant: cannot listen");
  }
  socklen_t len = sizeof addr;
  ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len);
  port_ = ntohs(addr.sin_port);
  acceptor_ = std::thread([this] { acceptLoop(); });
}

FakeQdrantServer::~FakeQdrantServer() { stop(); }

std::string FakeQdrantServer::url() const { return "http://127.0.0.1:" + std::to_string(port_); }

void FakeQdrantServer::requireApiKey(std::string key) {
  std::lock_guard lock(mu_);
  api_key_ = std::move(key);
}

void FakeQdrantServer::fail(Failure failure, int times) {
  std::lock_guard lock(mu_);
  for (int i = 0; i < times; ++i) failures_.push_back(failure);
}

void FakeQdrantServer::createCollection(const std::string& name, int size,
                                        const std::string& distance) {
  std::lock_guard lock(mu_);
  collections_[name] = Collection{size, distance, {}, {}};
}

size_t FakeQdrantServer::pointCount(const std::string& collection) const {
  std::lock_guard lock(mu_);
  const auto it = collections_.find(collection);
  return it == collections_.end() ? 0 : it->second.points.size();
}

std::vector<RecordedRequest> FakeQdrantServer::requests() const {
  std::lock_guard lock(mu_);
  return requests_;
}

void FakeQdrantServer::clearRequests() {
  std::lock_guard lock(mu_);
  requests_.clear();
}

bool FakeQdrantServer::sleepFor(int ms) {
  std::unique_lock lock(mu_);
  return !cv_.wait_for(lock, std::chrono::milliseconds(ms), [&] { return stopping_.load(); });
}

void FakeQdrantServer::stop() {
  if (stopping_.exchange(true)) return;
  {
    std::lock_guard lock(mu_);
    cv_.notify_all();
    for (const int fd : open_fds_) ::shutdown(fd, SHUT_RDWR);
  }
  ::shutdown(listen_fd_, SHUT_RDWR);
  if (acceptor_.joinable()) acceptor_.join();
  std::vector<std::thread> threads;
  {
    std::lock_guard lock(mu_);
    threads.swap(threads_);
  }
  for (auto& t : threads) t.join();
  ::close(listen_fd_);
}

void FakeQdrantServer::acceptLoop() {
  while (!stopping_) {
    if (!readable(listen_fd_, 50)) continue;
    const int fd = ::accept(listen_fd_, nullptr, nullptr);
    if (fd < 0) continue;
    std::lock_guard lock(mu_);
    if (stopping_) {
      ::close(fd);
      break;
    }
    open_fds_.push_back(fd);
    threads_.emplace_back([this, fd] { serve(fd); });
  }
}

void FakeQdrantServer::serve(int fd) {
  std::string data;
  RecordedRequest req;
  size_t header_end = std::string::npos;
  size_t content_length = 0;
  char buf[8192];
  while (!stopping_) {
    if (header_end == std::string::npos &&
        (header_end = data.find("\r\n\r\n")) != std::string::npos) {
      const std::string head = data.substr(0, header_end);
      const size_t line_end = head.find("\r\n");
      const std::string first = head.substr(0, line_end);
      const size_t sp1 = first.find(' ');
      const size_t sp2 = first.find(' ', sp1 + 1);
      req.method = first.substr(0, sp1);
      req.target = first.substr(sp1 + 1, sp2 - sp1 - 1);
      size_t pos = line_end == std::string::npos ? head.size() : line_end + 2;
      while (pos < head.size()) {
        size_t e = head.find("\r\n", pos);
        if (e == std::string::npos) e = head.size();
        const std::string line = head.substr(pos, e - pos);
        const size_t colon = line.find(':');
        if (colon != std::string::npos) {
          std::string name = line.substr(0, colon);
          std::transform(name.begin(), name.end(), name.begin(),
                         [](unsigned char c) { return std::tolower(c); });
          std::string value = line.substr(colon + 1);
          value.erase(0, value.find_first_not_of(' '));
          req.headers[name] = value;
        }
        pos = e + 2;
      }
      if (auto it = req.headers.find("content-length"); it != req.headers.end()) {
        content_length = std::stoul(it->second);
      }
    }
    if (header_end != std::string::npos && data.size() >= header_end + 4 + content_length) break;
    if (!readable(fd, 50)) continue;
    const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n <= 0) break;
    data.append(buf, static_cast<size_t>(n));
  }
  std::optional<Failure> failure;
  if (header_end != std::string::npos && !stopping_) {
    req.body = data.substr(header_end + 4, content_length);
    std::lock_guard lock(mu_);
    requests_.push_back(req);
    for (auto f = failures_.begin(); f != failures_.end(); ++f) {
      if (req.target.find(f->target_contains) != std::string::npos) {
        failure = *f;
        failures_.erase(f);
        break;
      }
    }
  }
  if (header_end != std::string::npos && !stopping_ &&
      (!failure || failure->kind != Failure::Kind::kDrop)) {
    Answer a;
    if (failure && failure->kind == Failure::Kind::kUnavailable) {
      a = {503, "application/json",
           qdrantError("Service unavailable: too many requests in the update queue")};
    } else {
      if (failure && failure->kind == Failure::Kind::kSlow) sleepFor(failure->ms);
      try {
        a = handle(req);
      } catch (const std::exception& e) {  // a body without the fields Qdrant requires
        a = {400, "application/json",
             qdrantError(std::string("Format error in JSON body: ") + e.what())};
      }
    }
    sendAll(fd, "HTTP/1.1 " + std::to_string(a.status) + " " + statusText(a.status) +
                    "\r\nContent-Type: " + a.content_type + "\r\nContent-Length: " +
                    std::to_string(a.body.size()) + "\r\nConnection: close\r\n\r\n" + a.body);
  }
  {
    std::lock_guard lock(mu_);
    open_fds_.erase(std::remove(open_fds_.begin(), open_fds_.end(), fd), open_fds_.end());
  }
  ::close(fd);
}

FakeQdrantServer::Answer FakeQdrantServer::handle(const RecordedRequest& req) {
  std::lock_guard lock(mu_);
  if (!api_key_.empty()) {
    const auto it = req.headers.find("api-key");
    if (it == req.headers.end()) {
      return {401, "text/plain", "Must provide an API key or an Authorization bearer token"};
    }
    if (it->second != api_key_) return {401, "text/plain", "Invalid API key or JWT"};
  }
  std::string path = req.target.substr(0, req.target.find('?'));
  constexpr std::string_view kPrefix = "/collections/";
  if (!path.starts_with(kPrefix)) return {404, "text/plain", ""};
  path = path.substr(kPrefix.size());
  const std::string name = path.substr(0, path.find('/'));
  const std::string rest = path.substr(name.size());
  json::value body;
  if (!req.body.empty()) {
    json::error_code ec;
    body = json::parse(req.body, ec);
    if (ec || !body.is_object()) {
      return {400, "application/json", qdrantError("Format error in JSON body: " + ec.message())};
    }
  }
  auto it = collections_.find(name);
  if (rest.empty() && req.method == "PUT") {
    if (it != collections_.end()) {
      return {400, "application/json",
              qdrantError("Wrong input: Collection `" + name + "` already exists!")};
    }
    const auto& vectors = body.at("vectors").as_object();
    collections_[name] = Collection{static_cast<int>(vectors.at("size").to_number<int64_t>()),
                                    std::string(vectors.at("distance").as_string()),
                                    {},
                                    {}};
    return {200, "application/json", ok(true)};
  }
  if (it == collections_.end()) {
    return {404, "application/json",
            qdrantError("Not found: Collection `" + name + "` doesn't exist!")};
  }
  Collection& c = it->second;
  if (rest.empty() && req.method == "GET") {
    json::object payload_schema;
    for (const auto& f : c.indexed_fields) payload_schema[f] = {{"data_type", "keyword"}};
    return {
        200, "application/json",
        ok(json::object{
            {"status", "green"},
            {"optimizer_status", "ok"},
            {"indexed_vectors_count", 0},
            {"points_count", c.points.size()},
            {"segments_count", 2},
            {"config",
             {{"params",
               {{"vectors", {{"size", c.size}, {"distance", c.distance}}},
                {"shard_number", 1},
                {"replication_factor", 1},
                {"write_consistency_factor", 1},
                {"on_disk_payload", true}}},
              {"hnsw_config", {{"m", 16}, {"ef_construct", 100}, {"full_scan_threshold", 10000}}},
              {"optimizer_config", {{"indexing_threshold", 20000}}},
              {"wal_config", {{"wal_capacity_mb", 32}, {"wal_segments_ahead", 0}}}}},
            {"payload_schema", std::move(payload_schema)}})};
  }
  const auto completed = [&] {
    return ok(json::object{{"operation_id", ++operation_id_}, {"status", "completed"}});
  };
  if (rest == "/index" && req.method == "PUT") {
    c.indexed_fields.emplace_back(body.at("field_name").as_string());
    return {200, "application/json", completed()};
  }
  if (rest == "/points" && req.method == "PUT") {
    // Validate every point before applying any (Qdrant refuses the whole batch).
    for (const auto& p : body.at("points").as_array()) {
      const auto& v = p.at("vector").as_array();
      if (static_cast<int>(v.size()) != c.size) {
        return {400, "application/json",
                qdrantError("Wrong input: Vector dimension error: expected dim: " +
                            std::to_string(c.size) + ", got " + std::to_string(v.size()))};
      }
    }
    for (const auto& p : body.at("points").as_array()) {
      Point point{normalised(p.at("vector").as_array()),
                  json::serialize(p.as_object().contains("payload") ? p.at("payload")
                                                                    : json::value(json::object{}))};
      c.points[p.at("id").to_number<int64_t>()] = std::move(point);
    }
    return {200, "application/json", completed()};
  }
  const auto filtered = [&](const json::object* filter, auto&& visit) {
    for (const auto& [id, point] : c.points) {
      const json::object payload = json::parse(point.payload_json).as_object();
      if (filter == nullptr || matchesFilter(*filter, id, payload)) visit(id, point, payload);
    }
  };
  if (rest == "/points/count" && req.method == "POST") {
    const auto* filter = body.as_object().if_contains("filter");
    int64_t n = 0;
    filtered(filter && filter->is_object() ? &filter->as_object() : nullptr,
             [&](int64_t, const Point&, const json::object&) { ++n; });
    return {200, "application/json", ok(json::object{{"count", n}})};
  }
  const auto searchOne = [&](const json::object& s) -> std::optional<json::array> {
    const auto& vector = s.at("vector").as_array();
    if (static_cast<int>(vector.size()) != c.size) return std::nullopt;
    const auto query = normalised(vector);
    const auto* filter = s.if_contains("filter");
    const auto limit = static_cast<size_t>(s.at("limit").to_number<int64_t>());
    const json::value* with_payload = s.if_contains("with_payload");
    std::vector<std::pair<float, json::object>> scored;
    filtered(filter && filter->is_object() ? &filter->as_object() : nullptr,
             [&](int64_t id, const Point& p, const json::object& payload) {
               float dot = 0;
               for (size_t i = 0; i < query.size(); ++i) dot += query[i] * p.vector[i];
               json::object hit{{"id", id}, {"version", 0}, {"score", dot}};
               if (with_payload && with_payload->is_bool() && with_payload->as_bool()) {
                 hit["payload"] = payload;
               } else if (with_payload && with_payload->is_array()) {
                 json::object some;
                 for (const auto& key : with_payload->as_array()) {
                   if (const auto* v = payload.if_contains(key.as_string())) {
                     some[key.as_string()] = *v;
                   }
                 }
                 hit["payload"] = std::move(some);
               }
               scored.emplace_back(dot, std::move(hit));
             });
    std::stable_sort(scored.begin(), scored.end(),
                     [](const auto& a, const auto& b) { return a.first > b.first; });
    json::array out;
    for (size_t i = 0; i < scored.size() && i < limit; ++i) out.push_back(scored[i].second);
    return out;
  };
  const auto dimensionError = [&](size_t got) {
    return Answer{400, "application/json",
                  qdrantError("Wrong input: Vector dimension error: expected dim: " +
                              std::to_string(c.size) + ", got " + std::to_string(got))};
  };
  if (rest == "/points/search" && req.method == "POST") {
    auto hits = searchOne(body.as_object());
    if (!hits) return dimensionError(body.at("vector").as_array().size());
    return {200, "application/json", ok(std::move(*hits))};
  }
  if (rest == "/points/search/batch" && req.method == "POST") {
    json::array all;
    for (const auto& s : body.at("searches").as_array()) {
      auto hits = searchOne(s.as_object());
      if (!hits) return dimensionError(s.at("vector").as_array().size());
      all.push_back(std::move(*hits));
    }
    return {200, "application/json", ok(std::move(all))};
  }
  return {404, "text/plain", ""};
}

}  // namespace startales::testing
