#include "ai/remote_embedder.h"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/use_future.hpp>
#include <cmath>
#include <optional>

namespace startales::ai {

namespace asio = boost::asio;

RemoteEmbedder::RemoteEmbedder(llm::LlmBackend& backend, std::string model)
    : backend_(backend), model_(std::move(model)), work_(asio::make_work_guard(io_)) {
  thread_ = std::thread([this] { io_.run(); });
}

RemoteEmbedder::~RemoteEmbedder() {
  work_.reset();
  io_.stop();
  thread_.join();
}

Result<std::unique_ptr<RemoteEmbedder>> RemoteEmbedder::open(llm::LlmBackend& backend,
                                                             std::string model) {
  std::unique_ptr<RemoteEmbedder> e(new RemoteEmbedder(backend, std::move(model)));
  auto probe = e->call("StarTales embedding probe");
  if (!probe) return probe.error();
  e->dimension_ = static_cast<int>(probe->size());
  return e;
}

Result<std::vector<float>> RemoteEmbedder::call(std::string_view text) {
  auto job = [this, text = std::string(text)]()
      -> asio::awaitable<std::optional<Result<std::vector<std::vector<float>>>>> {
    auto op = backend_.embed(model_, {text});
    co_return co_await std::move(op);
  };
  auto future = asio::co_spawn(io_, std::move(job), asio::use_future);
  auto result = future.get();  // bounded by the backend's embed timeout
  if (!result || !*result) {
    return result ? (*result).error() : makeError("embedding_failed", "The embed call ended without an answer.");
  }
  auto& vectors = **result;
  if (vectors.size() != 1 || vectors.front().empty()) {
    return makeError("embedding_failed", "The embedding model \"" + model_ +
                                             "\" answered no vector for the text.");
  }
  std::vector<float> v = std::move(vectors.front());
  double norm = 0;
  for (float f : v) norm += static_cast<double>(f) * f;
  if (norm > 0) {
    const auto inv = static_cast<float>(1.0 / std::sqrt(norm));
    for (float& f : v) f *= inv;  // memory search expects unit vectors
  }
  return v;
}

Result<std::vector<float>> RemoteEmbedder::embed(std::string_view text) {
  auto v = call(text);
  if (v && static_cast<int>(v->size()) != dimension_) {
    return makeError("embedding_dimension_mismatch",
                     "The embedding model \"" + model_ + "\" changed its dimension from " +
                         std::to_string(dimension_) + " to " + std::to_string(v->size()) + ".");
  }
  return v;
}

}  // namespace startales::ai
