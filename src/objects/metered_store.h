#pragma once

// An ObjectStore that counts and times every call of the store it wraps:
//   objects_requests_total{op,outcome}   calls by operation (put|get|head|delete|list|ping) and
//                                        outcome (ok, not_found, or the error code:
//                                        objects_unavailable, objects_config...)
//   objects_request_seconds{op}          histogram: call duration
// Thread-safe.

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/histogram.h>

#include <memory>
#include <mutex>

#include "objects/object_store.h"

namespace prometheus {
class Registry;
}

namespace startales::objects {

class MeteredObjectStore final : public ObjectStore {
 public:
  MeteredObjectStore(std::unique_ptr<ObjectStore> inner, prometheus::Registry& registry);

  Result<void> put(std::string_view key, std::string_view body,
                   std::string_view content_type) override;
  Result<Object> get(std::string_view key) override;
  Result<std::optional<ObjectInfo>> head(std::string_view key) override;
  Result<void> remove(std::string_view key) override;
  Result<ListPage> list(std::string_view prefix, std::string_view after, int max_keys) override;
  Result<void> ping() override;

  [[nodiscard]] std::string_view backend() const override { return inner_->backend(); }
  [[nodiscard]] std::string describe() const override { return inner_->describe(); }

 private:
  template <typename F>
  auto timed(const char* op, F&& fn) -> decltype(fn());
  void record(const char* op, std::string_view outcome, double seconds);

  const std::unique_ptr<ObjectStore> inner_;
  prometheus::Family<prometheus::Counter>& requests_;
  prometheus::Family<prometheus::Histogram>& seconds_;
  std::mutex mu_;  // guards the families' Add() lookups
};

}  // namespace startales::objects
