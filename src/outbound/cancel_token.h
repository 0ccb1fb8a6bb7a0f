#pragma once

// Cancels a call in flight from any thread (barge-in). Copies share one state; cancel() is
// thread-safe and may be called before, during or after the call. A cancelled token stays
// cancelled: use a new token per call.

#include <functional>
#include <memory>
#include <mutex>

namespace startales::outbound {

class CancelToken {
 public:
  CancelToken();
  void cancel() const;
  [[nodiscard]] bool cancelled() const;

  // For clients: `hook` runs once, on the cancelling thread, when cancel() is called while it
  // is set (or at once if already cancelled). clearHook() before what it touches dies.
  void setHook(std::function<void()> hook) const;
  void clearHook() const;

 private:
  struct State {
    std::mutex mu;
    bool cancelled = false;      // guarded by mu
    std::function<void()> hook;  // guarded by mu
  };
  std::shared_ptr<State> state_;
};

}  // namespace startales::outbound
