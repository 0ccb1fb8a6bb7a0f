#pragma once

// What a node stores that another node needs (voice references, exported campaigns, recorded
// utterances kept for support) goes through an ObjectStore: a directory for `serve`, any
// S3-compatible store (MinIO, AWS S3) for a cluster. Objects are immutable blobs with a content
// type, addressed by key; a put replaces the whole object at once (readers see the old or the
// new one, never a mix).
//
// Threading: every call blocks until the store answers (a disk or a network round trip): run
// it on the WorkerPool, never on a network thread. Implementations are thread-safe.
//
// Errors (Error::code):
//   invalid_object_key   the key breaks validateKey's rules
//   not_found            get() of a key that holds no object
//   objects_config       the store refuses our credentials, bucket or region (the message
//                        names the setting to fix); not retriable
//   objects_unavailable  the store cannot be reached, timed out or answered 5xx (retry_after_s)
//   objects_protocol     the store answered something unreadable
//   objects_error        any other failure (a disk error, an unexpected refusal); logged

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace startales::objects {

inline constexpr size_t kMaxKeyBytes = 512;
inline constexpr size_t kMaxSegmentBytes = 200;  // a file name on disk, with room for suffixes

// A key is 1..kMaxKeyBytes bytes of [A-Za-z0-9._=-] segments of at most kMaxSegmentBytes each,
// joined by '/': no leading,
// trailing or doubled '/', and no segment starting with '.' (so no "." or "..", and the
// directory store's temporary files never collide with a key). Error: invalid_object_key.
Result<void> validateKey(std::string_view key);
// A list prefix: empty, or what validateKey accepts with an optional trailing '/'.
Result<void> validatePrefix(std::string_view prefix);

struct ObjectInfo {
  std::string key;
  int64_t size = 0;           // bytes
  std::string content_type;   // as put; empty in list() results (S3 does not list it)
  std::string etag;           // changes when the object does; opaque
};

struct Object {
  std::string body;
  std::string content_type;
};

struct ListPage {
  std::vector<ObjectInfo> objects;  // in key order (bytewise)
  // Non-empty when more keys follow: pass it as `after` to get the next page.
  std::string next_after;
};

class ObjectStore {
 public:
  virtual ~ObjectStore() = default;

  virtual Result<void> put(std::string_view key, std::string_view body,
                           std::string_view content_type) = 0;
  virtual Result<Object> get(std::string_view key) = 0;
  // nullopt when there is no such object.
  virtual Result<std::optional<ObjectInfo>> head(std::string_view key) = 0;
  // Removing a key that holds nothing succeeds (as S3's DELETE does).
  virtual Result<void> remove(std::string_view key) = 0;
  // Keys starting with `prefix`, after `after` (exclusive; "" = from the start), at most
  // `max_keys` (1..1000) per page.
  virtual Result<ListPage> list(std::string_view prefix, std::string_view after,
                                int max_keys) = 0;
  // Readiness: the store answers and accepts our credentials.
  virtual Result<void> ping() = 0;

  // "dir" | "s3" (metric label, logs).
  [[nodiscard]] virtual std::string_view backend() const = 0;
  // Where the objects are, for logs: "dir:/data/objects", "s3://bucket at host:port".
  // Never contains a secret.
  [[nodiscard]] virtual std::string describe() const = 0;

  Result<bool> exists(std::string_view key);
};

}  // namespace startales::objects
