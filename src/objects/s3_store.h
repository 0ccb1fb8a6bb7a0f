#pragma once

// The cluster ObjectStore: any S3-compatible server (MinIO, AWS S3, s3rver) over HTTP, through
// the one outbound client (outbound::HttpClient, blocking calls on the caller's worker thread).
// Path-style requests (http://endpoint/bucket/key), each signed with AWS Signature Version 4
// (x-amz-content-sha256 = the body's SHA-256, so the store checks the bytes too).
//
// S3 answers map to errors a user or operator can act on:
//   404 NoSuchKey                              → not_found (get) / nullopt (head)
//   404 NoSuchBucket                           → objects_config: the bucket is missing
//   403 SignatureDoesNotMatch                  → objects_config: the secret key is wrong
//   403 InvalidAccessKeyId                     → objects_config: the access key id is unknown
//   403 AccessDenied                           → objects_config: the key lacks a permission
//   403 RequestTimeTooSkewed                   → objects_config: this machine's clock is off
//   400 AuthorizationHeaderMalformed           → objects_config: the region is wrong
//   5xx (500, 503 SlowDown), refused, timeout  → objects_unavailable, retry_after_s set
// Other answers → objects_error (logged with the store's code and message).
// Thread-safe; each call blocks the calling (worker) thread for at most Policy::total_timeout_ms.

#include <memory>
#include <string>

#include "common/clock.h"
#include "objects/object_store.h"
#include "objects/sigv4.h"
#include "outbound/http_client.h"

namespace startales::objects {

struct S3Config {
  std::string endpoint;              // "http://minio:9000" (https: a TLS proxy in front)
  std::string bucket;                // 3..63 of [a-z0-9.-]
  std::string region = "us-east-1";  // the credential scope's region (MinIO: us-east-1)
  sigv4::Credentials credentials;    // the secret is never logged
  outbound::Policy policy = defaultPolicy();

  static outbound::Policy defaultPolicy();  // connect 2 s, total 15 s, 2 retries
};

// Every problem of `config`, one sentence each (empty: valid).
std::vector<std::string> validateS3Config(const S3Config& config);

class S3ObjectStore final : public ObjectStore {
 public:
  // Checks the configuration only (no request is made; ping() is the probe). `clock` signs
  // the requests' dates; null = the system clock. Error: objects_config.
  static Result<std::unique_ptr<S3ObjectStore>> create(S3Config config,
                                                       const Clock* clock = nullptr);

  Result<void> put(std::string_view key, std::string_view body,
                   std::string_view content_type) override;
  Result<Object> get(std::string_view key) override;
  Result<std::optional<ObjectInfo>> head(std::string_view key) override;
  Result<void> remove(std::string_view key) override;
  Result<ListPage> list(std::string_view prefix, std::string_view after, int max_keys) override;
  // A one-key list of the bucket: reachable, the bucket exists, the credentials are accepted.
  Result<void> ping() override;

  [[nodiscard]] std::string_view backend() const override { return "s3"; }
  [[nodiscard]] std::string describe() const override;

 private:
  S3ObjectStore(S3Config config, outbound::Endpoint endpoint, const Clock* clock);

  struct Call {
    std::string method;
    std::string path;  // not encoded: "/bucket/key"
    std::vector<std::pair<std::string, std::string>> query;
    std::string body;
    std::string content_type;
  };
  Result<outbound::Response> send(const Call& call) const;
  // The error for a non-2xx `response` to `op` on `key` (empty for bucket operations).
  Error failure(const outbound::Response& response, std::string_view op,
                std::string_view key) const;

  // const after construction
  const S3Config config_;
  const SystemClock system_clock_;
  const Clock* const clock_;
  const outbound::HttpClient client_;
};

}  // namespace startales::objects
