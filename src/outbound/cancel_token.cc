#include "outbound/cancel_token.h"

#include <utility>

namespace startales::outbound {

CancelToken::CancelToken() : state_(std::make_shared<State>()) {}

void CancelToken::cancel() const {
  std::function<void()> hook;
  {
    std::lock_guard lock(state_->mu);
    if (state_->cancelled) return;
    state_->cancelled = true;
    hook = std::move(state_->hook);
    state_->hook = nullptr;
  }
  if (hook) hook();
}

bool CancelToken::cancelled() const {
  std::lock_guard lock(state_->mu);
  return state_->cancelled;
}

void CancelToken::setHook(std::function<void()> hook) const {
  {
    std::lock_guard lock(state_->mu);
    if (!state_->cancelled) {
      state_->hook = std::move(hook);
      return;
    }
  }
  hook();
}

void CancelToken::clearHook() const {
  std::lock_guard lock(state_->mu);
  state_->hook = nullptr;
}

}  // namespace startales::outbound
