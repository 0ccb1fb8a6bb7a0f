#include "objects/s3_store.h"

#include <algorithm>
#include <charconv>

#include "objects/s3_xml.h"

namespace startales::objects {

namespace {

constexpr outbound::Service kS3Service{"objects", "S3", "cancelled"};

bool bucketByte(char c) {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.';
}

std::string queryString(const std::vector<std::pair<std::string, std::string>>& query) {
  std::string out;
  for (const auto& [name, value] : query) {
    out += out.empty() ? "?" : "&";
    out += sigv4::uriEncode(name, false) + "=" + sigv4::uriEncode(value, false);
  }
  return out;
}

// A retriable failure: the store is down, busy or slow. Keeps the client's sentence (it names
// the endpoint and what happened) for the log.
Error unavailable(std::string message, int retry_after_s) {
  Error e = makeInternalError("objects_unavailable", std::move(message));
  e.retry_after_s = std::max(1, retry_after_s);
  return e;
}

}  // namespace

outbound::Policy S3Config::defaultPolicy() {
  outbound::Policy p;
  p.connect_timeout_ms = 2'000;
  p.total_timeout_ms = 15'000;
  p.max_retries = 2;
  p.max_body_bytes = 64u << 20;
  return p;
}

std::vector<std::string> validateS3Config(const S3Config& c) {
  std::vector<std::string> problems;
  if (c.endpoint.empty()) {
    problems.emplace_back("an S3 store needs an endpoint URL (STARTALES_S3_ENDPOINT, e.g. "
                          "http://minio:9000)");
  } else if (auto ep = outbound::parseUrl(c.endpoint, "S3 endpoint"); !ep) {
    problems.push_back(ep.error().message);
  }
  if (c.bucket.size() < 3 || c.bucket.size() > 63 ||
      !std::all_of(c.bucket.begin(), c.bucket.end(), bucketByte)) {
    problems.emplace_back("the bucket name \"" + c.bucket +
                          "\" is not 3..63 lower-case letters, digits, '-' or '.'");
  }
  if (c.region.empty()) problems.emplace_back("an S3 region is required (e.g. us-east-1)");
  if (c.credentials.access_key_id.empty()) {
    problems.emplace_back("an S3 access key id is required (STARTALES_S3_ACCESS_KEY_ID or "
                          "STARTALES_S3_ACCESS_KEY_ID_FILE)");
  }
  if (c.credentials.secret_access_key.empty()) {
    problems.emplace_back("an S3 secret access key is required "
                          "(STARTALES_S3_SECRET_ACCESS_KEY or STARTALES_S3_SECRET_ACCESS_KEY_FILE)");
  }
  for (const auto& p : outbound::validatePolicy(c.policy)) problems.push_back(p);
  return problems;
}

Result<std::unique_ptr<S3ObjectStore>> S3ObjectStore::create(S3Config config,
                                                            const Clock* clock) {
  auto problems = validateS3Config(config);
  if (!problems.empty()) {
    std::string message = "The S3 object store settings are invalid: " + problems.front();
    for (size_t i = 1; i < problems.size(); ++i) message += "; " + problems[i];
    return makeError("objects_config", message + ".");
  }
  auto endpoint = outbound::parseUrl(config.endpoint, "S3 endpoint", "objects_config");
  if (!endpoint) return endpoint.error();
  return std::unique_ptr<S3ObjectStore>(
      new S3ObjectStore(std::move(config), std::move(*endpoint), clock));
}

S3ObjectStore::S3ObjectStore(S3Config config, outbound::Endpoint endpoint, const Clock* clock)
    : config_(std::move(config)),
      clock_(clock != nullptr ? clock : &system_clock_),
      client_(std::move(endpoint), kS3Service) {}

std::string S3ObjectStore::describe() const {
  return "s3://" + config_.bucket + " at " + client_.endpoint().hostPort() + " (" +
         config_.region + ")";
}

Result<outbound::Response> S3ObjectStore::send(const Call& call) const {
  const outbound::Endpoint& ep = client_.endpoint();
  const std::string path = ep.base_path + call.path;
  const std::string payload_hash = sigv4::sha256Hex(call.body);
  const std::string date =
      sigv4::amzDate(std::chrono::system_clock::time_point(std::chrono::milliseconds(clock_->nowMs())));
  sigv4::Request to_sign;
  to_sign.method = call.method;
  to_sign.path = path;
  to_sign.query = call.query;
  to_sign.headers = {{"host", ep.hostPort()},
                     {"x-amz-content-sha256", payload_hash},
                     {"x-amz-date", date}};
  if (!call.content_type.empty()) to_sign.headers.emplace_back("content-type", call.content_type);
  to_sign.payload_hash = payload_hash;
  const sigv4::Signed signed_request =
      sigv4::sign(to_sign, config_.credentials, {date, config_.region, "s3"});

  outbound::Request request;
  request.method = call.method;
  request.target = sigv4::uriEncode(path, true) + queryString(call.query);
  request.body = call.body;
  request.content_type = call.content_type;
  request.headers = {{"x-amz-content-sha256", payload_hash},
                     {"x-amz-date", date},
                     {"Authorization", signed_request.authorization}};
  auto response = client_.callBlocking(std::move(request), config_.policy);
  if (!response) {
    const Error& e = response.error();
    if (e.code == "objects_unavailable" || e.code == "objects_timeout") {
      return unavailable(e.message, e.retry_after_s);
    }
    return makeInternalError(e.code, e.message);
  }
  return response;
}

Error S3ObjectStore::failure(const outbound::Response& r, std::string_view op,
                             std::string_view key) const {
  const std::string where = describe();
  const auto parsed = s3xml::parseError(r.body);
  // HEAD replies have no body: the status alone says which failure it is.
  const std::string code = parsed ? parsed->code : std::string();
  const std::string detail = " (HTTP " + std::to_string(r.status) +
                             (code.empty() ? "" : " " + code) +
                             (parsed && !parsed->message.empty() ? ": " + parsed->message : "") +
                             ")";
  if (r.status >= 500) {
    return unavailable("The S3 object store " + where + " failed to " + std::string(op) +
                           detail + "; try again.",
                       r.retry_after_s);
  }
  auto refuse = [&](const std::string& fix) {
    return makeError("objects_config",
                     "The S3 object store " + where + " refused to " + std::string(op) +
                         detail + ": " + fix);
  };
  if (code == "SignatureDoesNotMatch") {
    return refuse("the request signature does not match; STARTALES_S3_SECRET_ACCESS_KEY is not "
                  "the secret of STARTALES_S3_ACCESS_KEY_ID.");
  }
  if (code == "InvalidAccessKeyId") {
    return refuse("the store does not know the access key id; fix STARTALES_S3_ACCESS_KEY_ID.");
  }
  if (code == "RequestTimeTooSkewed") {
    return refuse("this machine's clock is more than 15 minutes off the store's; synchronise "
                  "it (NTP).");
  }
  if (code == "AuthorizationHeaderMalformed" || code == "InvalidRegion") {
    return refuse("the region is wrong; set STARTALES_S3_REGION to the bucket's region.");
  }
  if (code == "NoSuchBucket" || (r.status == 404 && key.empty())) {
    return refuse("the bucket \"" + config_.bucket + "\" does not exist; create it or fix "
                  "STARTALES_OBJECTS.");
  }
  if (code == "AccessDenied" || r.status == 403) {
    return refuse("access denied; give STARTALES_S3_ACCESS_KEY_ID read, write, list and "
                  "delete rights on the bucket \"" + config_.bucket + "\".");
  }
  if (r.status == 404 || code == "NoSuchKey") {
    return makeError("not_found", "There is no object \"" + std::string(key) + "\".");
  }
  return makeInternalError("objects_error", "The S3 object store " + where + " refused to " +
                                                std::string(op) + detail + ".");
}

Result<void> S3ObjectStore::put(std::string_view key, std::string_view body,
                                std::string_view content_type) {
  if (auto valid = validateKey(key); !valid) return valid;
  Call call{"PUT", "/" + config_.bucket + "/" + std::string(key), {}, std::string(body),
            content_type.empty() ? "application/octet-stream" : std::string(content_type)};
  auto r = send(call);
  if (!r) return r.error();
  if (r->status / 100 != 2) return failure(*r, "store " + std::string(key), key);
  return {};
}

Result<Object> S3ObjectStore::get(std::string_view key) {
  if (auto valid = validateKey(key); !valid) return valid.error();
  auto r = send({"GET", "/" + config_.bucket + "/" + std::string(key), {}, {}, {}});
  if (!r) return r.error();
  if (r->status / 100 != 2) return failure(*r, "read " + std::string(key), key);
  return Object{std::move(r->body), std::move(r->content_type)};
}

Result<std::optional<ObjectInfo>> S3ObjectStore::head(std::string_view key) {
  if (auto valid = validateKey(key); !valid) return valid.error();
  auto r = send({"HEAD", "/" + config_.bucket + "/" + std::string(key), {}, {}, {}});
  if (!r) return r.error();
  if (r->status == 404) {
    // A HEAD has no error body: a missing bucket looks like a missing key. Tell them apart
    // only when it matters (a misconfiguration), with a bucket probe.
    if (auto bucket = ping(); !bucket) return bucket.error();
    return std::optional<ObjectInfo>{};
  }
  if (r->status == 403) {
    // Again no body: the bucket probe names the cause (a wrong secret, an unknown key id);
    // when it passes, this object alone is refused.
    if (auto bucket = ping(); !bucket) return bucket.error();
  }
  if (r->status / 100 != 2) return failure(*r, "look up " + std::string(key), key);
  ObjectInfo info;
  info.key = std::string(key);
  const std::string_view length = r->header("content-length");
  auto [end, ec] = std::from_chars(length.data(), length.data() + length.size(), info.size);
  if (ec != std::errc() || end != length.data() + length.size()) {
    return makeInternalError("objects_protocol", "The S3 object store " + describe() +
                                                     " answered a HEAD without a Content-Length.");
  }
  info.content_type = r->content_type;
  info.etag = std::string(r->header("etag"));
  return std::optional<ObjectInfo>(std::move(info));
}

Result<void> S3ObjectStore::remove(std::string_view key) {
  if (auto valid = validateKey(key); !valid) return valid;
  auto r = send({"DELETE", "/" + config_.bucket + "/" + std::string(key), {}, {}, {}});
  if (!r) return r.error();
  if (r->status == 404 && s3xml::parseError(r->body).value_or(s3xml::S3Error{}).code ==
                              "NoSuchKey") {
    return {};  // S3 answers 204 for a missing key; some compatible stores answer 404
  }
  if (r->status / 100 != 2) return failure(*r, "delete " + std::string(key), key);
  return {};
}

Result<ListPage> S3ObjectStore::list(std::string_view prefix, std::string_view after,
                                     int max_keys) {
  if (auto valid = validatePrefix(prefix); !valid) return valid.error();
  if (max_keys < 1 || max_keys > 1000) {
    return makeError("invalid_argument", "max_keys must be 1..1000.");
  }
  Call call{"GET", "/" + config_.bucket, {{"list-type", "2"},
                                         {"max-keys", std::to_string(max_keys)}}, {}, {}};
  if (!prefix.empty()) call.query.emplace_back("prefix", std::string(prefix));
  if (!after.empty()) call.query.emplace_back("start-after", std::string(after));
  auto r = send(call);
  if (!r) return r.error();
  if (r->status / 100 != 2) return failure(*r, "list \"" + std::string(prefix) + "\"", {});
  auto parsed = s3xml::parseList(r->body);
  if (!parsed) return parsed.error();
  ListPage page = std::move(parsed->page);
  if (parsed->truncated && !page.objects.empty()) page.next_after = page.objects.back().key;
  return page;
}

Result<void> S3ObjectStore::ping() {
  // A one-key list rather than a HEAD of the bucket: a refusal then comes with an error
  // document that says why (a HEAD's has no body).
  auto r = send({"GET", "/" + config_.bucket, {{"list-type", "2"}, {"max-keys", "1"}}, {}, {}});
  if (!r) return r.error();
  if (r->status / 100 != 2) return failure(*r, "open the bucket", {});
  return {};
}

}  // namespace startales::objects
