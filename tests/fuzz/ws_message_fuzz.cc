// The /ws gateway's message handling: each line of the input is one text message of one
// WebSocket session (JSON envelope parsing, join, command decoding, chat, talk, recap...),
// through the router's real acceptor and session on a logged-in player who owns running
// campaign 1 (fuzz_app.h). Without a socket: Beast's frame parser is not what is tested here,
// the application's message handling is.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz/fuzz_app.h"

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  (void)startales::fuzz::FuzzApp::get();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  constexpr size_t kMaxMessages = 16;
  auto& app = startales::fuzz::FuzzApp::get();
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  std::vector<std::string> messages;
  for (size_t at = 0; at < input.size() && messages.size() < kMaxMessages;) {
    size_t eol = input.find('\n', at);
    if (eol == std::string_view::npos) eol = input.size();
    messages.push_back(app.withToken(input.substr(at, eol - at)));
    at = eol + 1;
  }
  if (!app.webSocket(messages)) __builtin_trap();  // the player's token is always accepted
  return 0;
}
