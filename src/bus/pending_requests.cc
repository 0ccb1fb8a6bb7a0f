#include "bus/pending_requests.h"

#include <boost/asio/async_result.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <optional>
#include <vector>

#include "common/thread_name.h"

namespace startales::bus {

namespace asio = boost::asio;

const char* outcomeOf(const Result<std::string>& result) {
  if (result.ok()) return "ok";
  const std::string& code = result.error().code;
  if (code == "bus_timeout") return "timeout";
  if (code == "bus_no_responders") return "no_responders";
  if (code == "bus_unavailable") return "unavailable";
  return "error";
}

PendingRequests::PendingRequests(BusMetrics* metrics)
    : metrics_(metrics), timer_work_(asio::make_work_guard(timer_io_)) {
  timer_thread_ = std::thread([this] {
    setThreadName("bus-timers");
    timer_io_.run();
  });
}

PendingRequests::~PendingRequests() {
  failAll(makeError("bus_unavailable", "The message bus is shutting down."));
  timer_work_.reset();  // every timer was posted for destruction: run() returns after them
  timer_thread_.join();
}

asio::awaitable<Result<std::string>> PendingRequests::await(
    std::chrono::milliseconds timeout, std::function<Result<void>(uint64_t token)> send) {
  asio::any_io_executor executor = co_await asio::this_coro::executor;
  // A named initiation capturing by reference: GCC 12 destroys a lambda temporary inside a
  // co_await expression twice.
  auto initiate = [this, &executor, timeout, &send](Completion handler) {
    // Copies first: once add() registered the handler, the reply may arrive and the awaiting
    // coroutine resume and finish on another thread while this still runs, destroying its
    // frame (`send`, `executor`). Nothing of that frame is touched after add().
    std::function<Result<void>(uint64_t)> send_now = send;
    PendingRequests* const self = this;  // the closure is in that frame too
    const uint64_t token = self->add(std::move(handler), executor, timeout);
    if (Result<void> sent = send_now(token); !sent) self->complete(token, sent.error());
  };
  Result<std::string> result =
      co_await asio::async_initiate<const asio::use_awaitable_t<>&, void(Result<std::string>)>(
          initiate, asio::use_awaitable);
  co_return result;
}

uint64_t PendingRequests::add(Completion handler, asio::any_io_executor executor,
                              std::chrono::milliseconds timeout) {
  uint64_t token = 0;
  {
    std::lock_guard lock(mu_);
    token = next_token_++;
    entries_.emplace(token, Entry{std::move(handler),
                                  asio::prefer(executor, asio::execution::outstanding_work.tracked),
                                  nullptr, std::chrono::steady_clock::now()});
  }
  // The timer is created and armed on the timer thread, which alone touches timers; if the
  // request completes first, arm() finds no entry.
  asio::post(timer_io_, [this, token, timeout] { arm(token, timeout); });
  return token;
}

void PendingRequests::arm(uint64_t token, std::chrono::milliseconds timeout) {
  std::lock_guard lock(mu_);
  auto it = entries_.find(token);
  if (it == entries_.end()) return;
  it->second.timer = std::make_unique<asio::steady_timer>(timer_io_, timeout);
  it->second.timer->async_wait([this, token](boost::system::error_code ec) {
    if (ec) return;  // cancelled: the request completed another way
    complete(token, makeError("bus_timeout",
                              "The other node did not answer in time; the request may or may "
                              "not have been handled."));
  });
}

bool PendingRequests::complete(uint64_t token, Result<std::string> result) {
  // Move-constructed, never move-assigned: Boost 1.81's any_completion_handler move
  // assignment wraps the handler in itself until the stack overflows.
  std::optional<Entry> entry;
  {
    std::lock_guard lock(mu_);
    auto it = entries_.find(token);
    if (it == entries_.end()) return false;
    entry.emplace(std::move(it->second));
    entries_.erase(it);
  }
  finish(std::move(*entry), std::move(result));
  return true;
}

size_t PendingRequests::failAll(const Error& error) {
  std::vector<Entry> failed;
  {
    std::lock_guard lock(mu_);
    failed.reserve(entries_.size());
    for (auto& [token, entry] : entries_) failed.push_back(std::move(entry));
    entries_.clear();
  }
  for (Entry& entry : failed) finish(std::move(entry), error);
  return failed.size();
}

size_t PendingRequests::size() const {
  std::lock_guard lock(mu_);
  return entries_.size();
}

void PendingRequests::finish(Entry entry, Result<std::string> result) {
  if (metrics_ != nullptr) {
    const std::chrono::duration<double> took = std::chrono::steady_clock::now() - entry.started;
    metrics_->request(outcomeOf(result), took.count());
  }
  if (entry.timer) {  // destroyed on its own thread (cancelling its wait)
    asio::post(timer_io_, [timer = std::move(entry.timer)] {});
  }
  asio::any_io_executor executor = std::move(entry.executor);
  asio::post(executor, [handler = std::move(entry.handler), result = std::move(result),
                        work = executor]() mutable { std::move(handler)(std::move(result)); });
}

}  // namespace startales::bus
