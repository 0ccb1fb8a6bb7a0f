#include "common/log.h"

#include "common/time_format.h"

#include <spdlog/async.h>
#include <spdlog/sinks/base_sink.h>
#include <spdlog/spdlog.h>

#include <atomic>
#include <boost/json/serialize.hpp>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <mutex>
#include <thread>
#include <unistd.h>

namespace startales::logging {
namespace {

constexpr size_t kQueueLines = 65536;

std::atomic<int> g_level{static_cast<int>(Level::kInfo)};
std::mutex g_init_mu;
std::shared_ptr<spdlog::logger> g_logger;  // guarded by g_init_mu for writes; atomic load for reads
std::shared_ptr<spdlog::details::thread_pool> g_pool;

// Writes lines to stderr in batches instead of one write(2) per line. Runs on the async
// logger's worker thread. Buffered lines reach stderr when the queue runs empty, when 64 KiB
// pile up, and on every flush (warn and error lines, every second, at exit).
class BatchedStderrSink final : public spdlog::sinks::base_sink<std::mutex> {
 protected:
  void sink_it_(const spdlog::details::log_msg& msg) override {
    buffer_.append(msg.payload.data(), msg.payload.size());
    buffer_.push_back('\n');
    // Under load lines batch up; as soon as the queue is empty they are written.
    if (buffer_.size() >= (64 << 10) || g_pool->queue_size() == 0) flush_();
  }
  void flush_() override {
    size_t done = 0;
    while (done < buffer_.size()) {
      ssize_t n = ::write(STDERR_FILENO, buffer_.data() + done, buffer_.size() - done);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) break;  // stderr closed or broken: drop rather than block the logger
      done += static_cast<size_t>(n);
    }
    buffer_.clear();
  }

 private:
  std::string buffer_;
};

spdlog::level::level_enum spdlogLevel(Level level) {
  switch (level) {
    case Level::kDebug: return spdlog::level::debug;
    case Level::kInfo: return spdlog::level::info;
    case Level::kWarn: return spdlog::level::warn;
    case Level::kError: return spdlog::level::err;
  }
  return spdlog::level::info;
}

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
  std::lock_guard lock(g_init_mu);
  if (g_logger) return;
  g_pool = std::make_shared<spdlog::details::thread_pool>(kQueueLines, 1);
  auto sink = std::make_shared<BatchedStderrSink>();
  std::shared_ptr<spdlog::logger> logger = std::make_shared<spdlog::async_logger>(
      "startales", sink, g_pool, spdlog::async_overflow_policy::overrun_oldest);
  logger->set_pattern("%v");
  logger->set_level(spdlog::level::trace);
  logger->flush_on(spdlog::level::warn);
  spdlog::register_logger(logger);
  spdlog::flush_every(std::chrono::seconds(1));
  std::atomic_store(&g_logger, logger);
}

void flush() {
  auto logger = std::atomic_load(&g_logger);
  if (logger) logger->flush();
  // The async flush is queued; give the worker a moment to drain before exit.
  for (int i = 0; i < 100 && g_pool && g_pool->queue_size() > 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  std::fflush(stderr);
}

bool enabled(Level level) { return static_cast<int>(level) >= g_level.load(); }

uint64_t droppedLines() { return g_pool ? g_pool->overrun_counter() : 0; }

void write(Level level, std::string_view msg, std::initializer_list<Field> fields) {
  if (!enabled(level)) return;
  auto now = std::chrono::system_clock::now().time_since_epoch();
  std::string time = isoTime(std::chrono::duration_cast<std::chrono::milliseconds>(now).count());
  boost::json::object line;
  line.reserve(3 + fields.size());
  line.emplace("time", time);
  line.emplace("level", levelName(level));
  line.emplace("msg", msg);
  for (const auto& field : fields) line.insert_or_assign(field.key, field.value);
  std::string text = boost::json::serialize(line);
  auto logger = std::atomic_load(&g_logger);
  if (logger) {
    logger->log(spdlogLevel(level), spdlog::string_view_t(text));
  } else {
    text.push_back('\n');
    std::fwrite(text.data(), 1, text.size(), stderr);
  }
}

}  // namespace startales::logging
