#pragma once

// The two XML documents the S3 client reads: a ListObjectsV2 result and an error reply
// (<Error><Code>NoSuchKey</Code><Message>...</Message>...</Error>). Entities (&amp;, &#x41;)
// are decoded. Pure functions, thread-safe.

#include <optional>
#include <string>
#include <string_view>

#include "common/result.h"
#include "objects/object_store.h"

namespace startales::objects::s3xml {

struct ListResult {
  ListPage page;               // objects with key, size and etag
  bool truncated = false;      // IsTruncated
  std::string continuation;    // NextContinuationToken (when truncated)
};

// Error: objects_protocol (not XML, or not a ListBucketResult).
Result<ListResult> parseList(std::string_view xml);

struct S3Error {
  std::string code;     // "NoSuchKey", "SignatureDoesNotMatch"...
  std::string message;  // the store's own sentence (for the log)
};

// nullopt when `xml` is not an S3 <Error> document (an empty body, a proxy's HTML page).
std::optional<S3Error> parseError(std::string_view xml);

}  // namespace startales::objects::s3xml
