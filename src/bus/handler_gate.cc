#include "bus/handler_gate.h"

#include <exception>

#include "common/log.h"

namespace startales::bus {

bool HandlerGate::deliver(Message message) {
  {
    std::lock_guard lock(mu_);
    if (closed_) return false;
    running_ = true;
    runner_ = std::this_thread::get_id();
  }
  std::string subject = message.subject;
  try {
    handler_(std::move(message));
  } catch (const std::exception& e) {
    logging::error("bus handler threw", {{"subject", subject}, {"reason", e.what()}});
  } catch (...) {
    logging::error("bus handler threw", {{"subject", subject}});
  }
  {
    std::lock_guard lock(mu_);
    running_ = false;
  }
  idle_.notify_all();
  return true;
}

void HandlerGate::close() {
  std::unique_lock lock(mu_);
  closed_ = true;
  if (running_ && runner_ == std::this_thread::get_id()) return;
  idle_.wait(lock, [this] { return !running_; });
}

}  // namespace startales::bus
