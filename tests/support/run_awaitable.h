#pragma once

// Runs a coroutine to completion on a fresh io_context in the calling thread and returns its
// value: for tests of code whose awaitables need no other thread (fakes, in-memory parts).

#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>
#include <optional>

namespace startales::testing {

// Result<T> has no default value, which use_future needs: carried in an optional.
template <typename T>
boost::asio::awaitable<std::optional<T>> carried(boost::asio::awaitable<T> op) {
  co_return co_await std::move(op);
}

template <typename T>
T runAwaitable(boost::asio::awaitable<T> op) {
  boost::asio::io_context io;
  auto done = boost::asio::co_spawn(io, carried(std::move(op)), boost::asio::use_future);
  io.run();
  return std::move(*done.get());
}

}  // namespace startales::testing
