#pragma once

// Carries a character's reply from the dialogue layer (text pieces pushed from any thread)
// to one coroutine that writes them out (an SSE stream), then the final result.
//
// Threading: push() and finish() from any thread; take() from one coroutine running on
// `executor`, which must be a strand (the connection's), so that its check-then-wait cannot
// miss a wake-up posted to the same strand.

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json/object.hpp>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace startales::api {

class DeltaPipe : public std::enable_shared_from_this<DeltaPipe> {
 public:
  using Done = Result<boost::json::object>;

  explicit DeltaPipe(boost::asio::any_io_executor executor)
      : timer_(std::move(executor), std::chrono::steady_clock::time_point::max()) {}

  void push(std::string_view delta) {
    {
      std::lock_guard lock(mu_);
      // Bounded: a reply is a few hundred pieces; past kMaxPieces they are joined.
      if (pieces_.size() >= kMaxPieces) {
        pieces_.back() += delta;
      } else {
        pieces_.emplace_back(delta);
      }
    }
    wake();
  }

  void finish(Done done) {
    {
      std::lock_guard lock(mu_);
      done_ = std::move(done);
    }
    wake();
  }

  struct Batch {
    std::vector<std::string> pieces;
    std::optional<Done> done;  // set once, after every piece
  };
  // Waits until there is something, then takes all of it.
  boost::asio::awaitable<Batch> take() {
    for (;;) {
      {
        std::lock_guard lock(mu_);
        if (!pieces_.empty() || done_) {
          Batch b;
          b.pieces.swap(pieces_);
          if (done_) b.done = std::move(done_);
          done_.reset();
          co_return b;
        }
      }
      boost::system::error_code ec;
      timer_.expires_at(std::chrono::steady_clock::time_point::max());
      co_await timer_.async_wait(boost::asio::redirect_error(boost::asio::use_awaitable, ec));
    }
  }

 private:
  static constexpr size_t kMaxPieces = 4096;

  void wake() {
    boost::asio::post(timer_.get_executor(), [self = shared_from_this()] { self->timer_.cancel(); });
  }

  boost::asio::steady_timer timer_;  // take()'s executor only
  std::mutex mu_;
  std::vector<std::string> pieces_;  // guarded by mu_
  std::optional<Done> done_;         // guarded by mu_
};

}  // namespace startales::api
