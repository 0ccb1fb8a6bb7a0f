#pragma once

// Errors are values across module boundaries: Result<T> holds either a T or an Error.
// Shaped like std::expected (C++23) so it can be swapped for it later.

#include <cassert>
#include <string>
#include <utility>
#include <variant>

namespace startales {

// A failure a caller can act on. `code` is snake_case and stable (it reaches API clients);
// `message` is a human sentence.
struct Error {
  std::string code;
  std::string message;
  int retry_after_s = 0;  // rate_limited / overloaded: when to try again (HTTP Retry-After)
  // The message names internals (a database's own text, a SQL state): it is for the server's
  // log. An API answer gives a sentence for the code instead (net::publicMessage).
  bool internal = false;
};

template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}  // NOLINT(google-explicit-constructor)
  Result(Error error) : v_(std::move(error)) {}  // NOLINT(google-explicit-constructor)

  [[nodiscard]] bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }

  T& value() & { assert(ok()); return std::get<0>(v_); }
  [[nodiscard]] const T& value() const& { assert(ok()); return std::get<0>(v_); }
  T&& value() && { assert(ok()); return std::get<0>(std::move(v_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

  [[nodiscard]] const Error& error() const { assert(!ok()); return std::get<1>(v_); }

 private:
  std::variant<T, Error> v_;
};

template <>
class [[nodiscard]] Result<void> {
 public:
  Result() = default;
  Result(Error error) : error_(std::move(error)), ok_(false) {}  // NOLINT(google-explicit-constructor)

  [[nodiscard]] bool ok() const { return ok_; }
  explicit operator bool() const { return ok_; }
  [[nodiscard]] const Error& error() const { assert(!ok_); return error_; }

 private:
  Error error_;
  bool ok_ = true;
};

// An Error whose message is for the server's log only (see Error::internal).
inline Error makeInternalError(std::string code, std::string message) {
  Error e{std::move(code), std::move(message)};
  e.internal = true;
  return e;
}

inline Error makeError(std::string code, std::string message) {
  return Error{std::move(code), std::move(message)};
}

}  // namespace startales
