#pragma once

// A scripted HTTP/1.1 server for testing LLM clients against the documented wire formats
// (Ollama NDJSON, OpenAI SSE) and their failure modes: slow first token, truncated line,
// 503, disconnect mid-stream. Binds 127.0.0.1:0; one thread per connection; one request per
// connection (the reply ends by closing it). Replies are consumed in the order requests
// arrive; when none is left the request gets a 500.

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace startales::testing {

class FakeReply {
 public:
  struct Step {
    enum class Kind { kBytes, kPause, kWaitForClientClose };
    Kind kind;
    std::string bytes;
    int ms = 0;
  };

  // 200 + Transfer-Encoding: chunked (how Ollama, llama.cpp and vLLM stream).
  static FakeReply stream(const std::string& content_type);
  // 200 without Content-Length or chunking: the body ends when the server closes.
  static FakeReply streamUntilClose(const std::string& content_type);
  // A whole response with Content-Length.
  static FakeReply full(int status, const std::string& content_type, const std::string& body);
  // 503 with Retry-After (seconds) and a JSON body: an engine that is busy right now.
  static FakeReply busy(int retry_after_s, const std::string& json_body);

  FakeReply& chunk(const std::string& data);  // one HTTP chunk (or raw bytes when unchunked)
  FakeReply& raw(const std::string& bytes);   // bytes as they are (e.g. half a chunk)
  FakeReply& end();                           // the last chunk "0\r\n\r\n"
  FakeReply& pause(int ms);                   // sleep; cut short by stop()
  // Reads until the client closes its side (or max_ms passes); FakeLlmServer counts it.
  FakeReply& waitForClientClose(int max_ms);

  const std::vector<Step>& steps() const { return steps_; }

 private:
  bool chunked_ = false;
  std::vector<Step> steps_;
};

struct RecordedRequest {
  std::string method;
  std::string target;
  std::map<std::string, std::string> headers;  // lower-case names
  std::string body;
};

class FakeLlmServer {
 public:
  FakeLlmServer();
  ~FakeLlmServer();
  FakeLlmServer(const FakeLlmServer&) = delete;
  FakeLlmServer& operator=(const FakeLlmServer&) = delete;

  [[nodiscard]] uint16_t port() const { return port_; }
  // "http://127.0.0.1:PORT" + path.
  [[nodiscard]] std::string url(const std::string& path = "") const;

  void enqueue(FakeReply reply);
  [[nodiscard]] std::vector<RecordedRequest> requests() const;
  [[nodiscard]] size_t requestCount() const;
  // Connections on which a waitForClientClose step saw the client close.
  [[nodiscard]] int clientCloses() const { return client_closes_.load(); }
  // Blocks until `n` requests arrived or `max_ms` passed; true when they did.
  bool waitForRequests(size_t n, int max_ms) const;
  // Blocks until `n` client closes were seen or `max_ms` passed; true when they were.
  bool waitForClientCloses(int n, int max_ms) const;

  void stop();

 private:
  struct Impl;
  void acceptLoop();
  void serve(int fd);
  bool sleepFor(int ms);  // false when stopped

  std::unique_ptr<Impl> impl_;
  uint16_t port_ = 0;
  std::atomic<bool> stopping_{false};
  std::atomic<int> client_closes_{0};
  mutable std::mutex mu_;
  mutable std::condition_variable cv_;
  std::deque<FakeReply> replies_;          // guarded by mu_
  std::vector<RecordedRequest> requests_;  // guarded by mu_
  std::vector<int> open_fds_;              // guarded by mu_
  std::vector<std::thread> threads_;       // guarded by mu_
  std::thread acceptor_;
};

// A 127.0.0.1 port nothing listens on (bound, then closed): connecting is refused.
uint16_t refusedPort();

}  // namespace startales::testing
