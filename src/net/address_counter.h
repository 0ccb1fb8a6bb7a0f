#pragma once

// Counts what each client address holds open (connections, WebSockets) against a cap, so
// one address cannot take the whole --max-connections. Thread-safe. Bounded by construction:
// an address has an entry only while it holds something, so there are never more entries
// than open connections.

#include <boost/asio/ip/address.hpp>
#include <algorithm>
#include <cstddef>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>

namespace startales::net {

// The key per-address limits count a client under: an IPv4 address as is, an IPv6 address by
// its /64 (one subscriber's allocation: every address in it is free to its holder, so
// counting single addresses would limit nothing). Anything else: its first 64 bytes.
inline std::string addressKey(std::string_view address) {
  const std::string text(address.substr(0, 64));
  boost::system::error_code ec;
  auto parsed = boost::asio::ip::make_address(text, ec);
  if (ec) return text;
  if (parsed.is_v4()) return parsed.to_string();
  auto v6 = parsed.to_v6();
  if (v6.is_v4_mapped()) {
    return boost::asio::ip::make_address_v4(boost::asio::ip::v4_mapped, v6).to_string();
  }
  auto bytes = v6.to_bytes();
  std::fill(bytes.begin() + 8, bytes.end(), 0);
  return boost::asio::ip::address_v6(bytes).to_string() + "/64";
}

class AddressCounter {
 public:
  explicit AddressCounter(size_t max_per_address) : max_(max_per_address) {}

  // One more for `address`; false (nothing taken) when it already holds max_per_address.
  bool tryAcquire(const std::string& address) {
    std::lock_guard lock(mu_);
    auto [it, inserted] = counts_.try_emplace(address, 0);
    if (it->second >= max_) return false;  // max_ >= 1, so a new entry is never left at 0
    ++it->second;
    return true;
  }

  // Gives back one acquired for `address`.
  void release(const std::string& address) {
    std::lock_guard lock(mu_);
    auto it = counts_.find(address);
    if (it != counts_.end() && --it->second == 0) counts_.erase(it);
  }

  [[nodiscard]] size_t max() const { return max_; }

 private:
  const size_t max_;  // const after construction; >= 1
  std::mutex mu_;
  std::unordered_map<std::string, size_t> counts_;  // guarded by mu_; no zero counts
};

// Holds one count until destroyed. Shares ownership of its counter: a connection's coroutine
// frame may be destroyed after the server that counted it (at io_context shutdown).
class AddressSlot {
 public:
  AddressSlot() = default;
  AddressSlot(std::shared_ptr<AddressCounter> counter, std::string address)
      : counter_(std::move(counter)), address_(std::move(address)) {}
  ~AddressSlot() { reset(); }
  AddressSlot(const AddressSlot&) = delete;
  AddressSlot& operator=(const AddressSlot&) = delete;
  AddressSlot(AddressSlot&& other) noexcept
      : counter_(std::move(other.counter_)), address_(std::move(other.address_)) {}
  AddressSlot& operator=(AddressSlot&& other) noexcept {
    if (this != &other) {
      reset();
      counter_ = std::move(other.counter_);
      address_ = std::move(other.address_);
    }
    return *this;
  }
  [[nodiscard]] bool held() const { return counter_ != nullptr; }

 private:
  void reset() {
    if (counter_ != nullptr) counter_->release(address_);
    counter_.reset();
  }

  std::shared_ptr<AddressCounter> counter_;
  std::string address_;
};

}  // namespace startales::net
