#include "common/log.h"

#include <unistd.h>

#include <atomic>
#include <boost/json/serialize.hpp>
#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "common/time_format.h"

namespace startales::logging {
namespace {

// Lines are appended to a shared buffer by any thread (a short mutex, no wake-up) and
// written to stderr in batches by one writer thread every 50 ms, at once for warn/error
// lines or when 64 KiB are pending. A wake-up per line cost more than the line itself at
// tens of thousands of requests per second. Bounded: beyond kMaxPending bytes new lines are
// dropped and counted, so a stalled stderr never blocks a network thread or grows memory.
class LineWriter {
 public:
  static constexpr size_t kBatch = 64 << 10;
  static constexpr size_t kMaxPending = 8 << 20;

  LineWriter() : thread_([this] { run(); }) {}
  ~LineWriter() {
    {
      std::lock_guard lock(mu_);
      stop_ = true;
    }
    cv_.notify_one();
    thread_.join();
  }

  void append(const std::string& line, bool urgent) {
    bool wake = false;
    {
      std::lock_guard lock(mu_);
      if (pending_.size() + line.size() + 1 > kMaxPending) {
        dropped_.fetch_add(1);
        return;
      }
      pending_ += line;
      pending_.push_back('\n');
      wake = urgent || pending_.size() >= kBatch;
      urgent_ = urgent_ || urgent;
    }
    if (wake) cv_.notify_one();
  }

  // Writes everything appended so far before returning.
  void flush() {
    std::string batch;
    std::lock_guard write_lock(write_mu_);
    {
      std::lock_guard lock(mu_);
      batch.swap(pending_);
    }
    writeAll(batch);
  }

  uint64_t dropped() const { return dropped_.load(); }

 private:
  void run() {
    std::string batch;
    for (;;) {
      std::unique_lock lock(mu_);
      cv_.wait_for(lock, std::chrono::milliseconds(50),
                   [&] { return stop_ || urgent_ || pending_.size() >= kBatch; });
      bool stopping = stop_;
      urgent_ = false;
      batch.swap(pending_);
      lock.unlock();
      {
        std::lock_guard write_lock(write_mu_);
        writeAll(batch);
      }
      batch.clear();
      if (stopping) return;
    }
  }

  static void writeAll(const std::string& text) {
    size_t done = 0;
    while (done < text.size()) {
      ssize_t n = ::write(STDERR_FILENO, text.data() + done, text.size() - done);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) return;  // stderr closed: drop rather than block
      done += static_cast<size_t>(n);
    }
  }

  std::mutex write_mu_;  // serialises writes to stderr between run() and flush()
  std::mutex mu_;
  std::condition_variable cv_;
  std::string pending_;  // guarded by mu_
  bool urgent_ = false;  // guarded by mu_
  bool stop_ = false;    // guarded by mu_
  std::atomic<uint64_t> dropped_{0};
  std::thread thread_;  // last: starts after the members it uses exist
};

std::atomic<int> g_level{static_cast<int>(Level::kInfo)};
std::once_flag g_init_once;
std::atomic<LineWriter*> g_writer{nullptr};  // created once by init(), lives until exit

const char* levelName(Level level) {
  switch (level) {
    case Level::kDebug: return "debug";
    case Level::kInfo: return "info";
    case Level::kWarn: return "warn";
    case Level::kError: return "error";
  }
  return "info";
}

}  // namespace

bool parseLevel(std::string_view text, Level& out) {
  if (text == "debug") out = Level::kDebug;
  else if (text == "info") out = Level::kInfo;
  else if (text == "warn") out = Level::kWarn;
  else if (text == "error") out = Level::kError;
  else return false;
  return true;
}

void init(Level min_level) {
  g_level = static_cast<int>(min_level);
  std::call_once(g_init_once, [] {
    static LineWriter writer;  // destroyed at exit, after flushing its last batch
    g_writer = &writer;
  });
}

void flush() {
  if (LineWriter* writer = g_writer.load()) writer->flush();
}

bool enabled(Level level) { return static_cast<int>(level) >= g_level.load(); }

uint64_t droppedLines() {
  LineWriter* writer = g_writer.load();
  return writer != nullptr ? writer->dropped() : 0;
}

void write(Level level, std::string_view msg, std::initializer_list<Field> fields) {
  if (!enabled(level)) return;
  auto now = std::chrono::system_clock::now().time_since_epoch();
  boost::json::object line;
  line.reserve(3 + fields.size());
  line.emplace("time", isoTime(std::chrono::duration_cast<std::chrono::milliseconds>(now).count()));
  line.emplace("level", levelName(level));
  line.emplace("msg", msg);
  for (const auto& field : fields) line.insert_or_assign(field.key, field.value);
  std::string text = boost::json::serialize(line);
  if (LineWriter* writer = g_writer.load()) {
    writer->append(text, level >= Level::kWarn);
  } else {
    text.push_back('\n');
    (void)!::write(STDERR_FILENO, text.data(), text.size());
  }
}

}  // namespace startales::logging
