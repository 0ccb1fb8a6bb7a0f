#pragma once

// A subscription's handler behind a gate: once close() returns the handler is never called
// again. Shared by LocalBus and NatsBus.
//
// Thread-safe: deliver() runs on a bus's delivery thread (one call at a time per gate);
// close() on the thread destroying the subscription.

#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>

#include "bus/bus.h"

namespace startales::bus {

class HandlerGate {
 public:
  explicit HandlerGate(Handler handler) : handler_(std::move(handler)) {}

  // Calls the handler unless the gate is closed; false when it was. An exception from the
  // handler is logged and swallowed (the message is lost, the subscription goes on).
  bool deliver(Message message);

  // Closes the gate. Waits for a handler call in progress to return, unless called from
  // inside that call (a handler unsubscribing itself): then that call is the last.
  void close();

 private:
  std::mutex mu_;
  std::condition_variable idle_;
  bool closed_ = false;     // guarded by mu_
  bool running_ = false;    // guarded by mu_
  std::thread::id runner_;  // guarded by mu_: the thread in the handler while running_
  Handler handler_;         // called outside mu_, only while running_
};

}  // namespace startales::bus
