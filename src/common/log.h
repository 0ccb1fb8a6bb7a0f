#pragma once

// Structured logging: one JSON object per line on stderr
// ({"time":..., "level":..., "msg":..., <fields>}). Thread-safe; lines go to a bounded
// buffer that one writer thread empties in batches, so a network thread never waits on the
// terminal. When the buffer is full new lines are dropped and counted (droppedLines()).

#include <boost/json/value.hpp>
#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>

namespace startales::logging {

enum class Level { kDebug = 0, kInfo = 1, kWarn = 2, kError = 3 };

// One key/value of a log line: {"key", value} with a string, number, bool or JSON value.
struct Field {
  Field(std::string_view k, boost::json::value v) : key(k), value(std::move(v)) {}
  Field(std::string_view k, const std::string& v) : key(k), value(std::string_view(v)) {}
  Field(std::string_view k, std::string_view v) : key(k), value(v) {}
  Field(std::string_view k, const char* v) : key(k), value(std::string_view(v)) {}
  template <typename T>
    requires std::is_arithmetic_v<T>
  Field(std::string_view k, T v) : key(k), value(v) {}
  std::string_view key;
  boost::json::value value;
};

// Parses "debug", "info", "warn", "error". Returns false for anything else.
bool parseLevel(std::string_view text, Level& out);

// Called once by main before any other logging; later calls change only the level.
// Until then, lines are written synchronously at level info.
void init(Level min_level);
// Flushes queued lines; called on shutdown.
void flush();
bool enabled(Level level);
uint64_t droppedLines();

void write(Level level, std::string_view msg, std::initializer_list<Field> fields = {});

inline void debug(std::string_view msg, std::initializer_list<Field> fields = {}) {
  if (enabled(Level::kDebug)) write(Level::kDebug, msg, fields);
}
inline void info(std::string_view msg, std::initializer_list<Field> fields = {}) {
  write(Level::kInfo, msg, fields);
}
inline void warn(std::string_view msg, std::initializer_list<Field> fields = {}) {
  write(Level::kWarn, msg, fields);
}
inline void error(std::string_view msg, std::initializer_list<Field> fields = {}) {
  write(Level::kError, msg, fields);
}

}  // namespace startales::logging
