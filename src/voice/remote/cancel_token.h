#pragma once

// Cancels a speech call from any thread (barge-in). Copies share the flag. Engines check it
// between sentences and, where they can, during one (espeak-ng: the process is killed; a
// remote call: its socket is closed).

#include <atomic>
#include <memory>

namespace startales::voice {

class CancelToken {
 public:
  CancelToken() : flag_(std::make_shared<std::atomic<bool>>(false)) {}
  void cancel() const { flag_->store(true); }
  [[nodiscard]] bool cancelled() const { return flag_->load(); }

 private:
  std::shared_ptr<std::atomic<bool>> flag_;
};

}  // namespace startales::voice
