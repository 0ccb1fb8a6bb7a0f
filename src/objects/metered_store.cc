#include "objects/metered_store.h"

#include <prometheus/registry.h>

#include <chrono>

namespace startales::objects {

MeteredObjectStore::MeteredObjectStore(std::unique_ptr<ObjectStore> inner,
                                       prometheus::Registry& registry)
    : inner_(std::move(inner)),
      requests_(prometheus::BuildCounter()
                    .Name("objects_requests_total")
                    .Help("Object store calls by operation and outcome (ok, not_found or the "
                          "error code).")
                    .Register(registry)),
      seconds_(prometheus::BuildHistogram()
                   .Name("objects_request_seconds")
                   .Help("Object store call duration by operation, seconds.")
                   .Register(registry)) {}

void MeteredObjectStore::record(const char* op, std::string_view outcome, double seconds) {
  static const prometheus::Histogram::BucketBoundaries kBuckets{
      0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 15};
  prometheus::Counter* counter = nullptr;
  prometheus::Histogram* histogram = nullptr;
  {
    std::lock_guard lock(mu_);
    counter = &requests_.Add({{"op", op}, {"outcome", std::string(outcome)}});
    histogram = &seconds_.Add({{"op", op}}, kBuckets);
  }
  counter->Increment();
  histogram->Observe(seconds);
}

template <typename F>
auto MeteredObjectStore::timed(const char* op, F&& fn) -> decltype(fn()) {
  const auto start = std::chrono::steady_clock::now();
  auto result = fn();
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  record(op, result.ok() ? std::string_view("ok") : std::string_view(result.error().code),
         seconds);
  return result;
}

Result<void> MeteredObjectStore::put(std::string_view key, std::string_view body,
                                     std::string_view content_type) {
  return timed("put", [&] { return inner_->put(key, body, content_type); });
}

Result<Object> MeteredObjectStore::get(std::string_view key) {
  return timed("get", [&] { return inner_->get(key); });
}

Result<std::optional<ObjectInfo>> MeteredObjectStore::head(std::string_view key) {
  const auto start = std::chrono::steady_clock::now();
  auto result = inner_->head(key);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::string_view outcome = !result.ok() ? std::string_view(result.error().code)
                             : result->has_value() ? "ok" : "not_found";
  record("head", outcome, seconds);
  return result;
}

Result<void> MeteredObjectStore::remove(std::string_view key) {
  return timed("delete", [&] { return inner_->remove(key); });
}

Result<ListPage> MeteredObjectStore::list(std::string_view prefix, std::string_view after,
                                          int max_keys) {
  return timed("list", [&] { return inner_->list(prefix, after, max_keys); });
}

Result<void> MeteredObjectStore::ping() {
  return timed("ping", [&] { return inner_->ping(); });
}

}  // namespace startales::objects
