#pragma once

// Writes JSON text straight into a std::string, without building a tree first: for messages
// sent many times a second (a player's per-tick delta), where boost::json's objects (a hash
// table per object, a node per value) cost more than the text itself.
//
//   JsonOut out(text);
//   out.beginObject();
//   out.key("tick").value(12);
//   out.key("names").beginArray().value("Vega").value("Sol").end();
//   out.end();
//
// Commas are placed for you. Strings are escaped as JSON requires (quote, backslash, control
// characters); other bytes pass through (the game's text is UTF-8). Doubles always carry a
// decimal point or an exponent, so a reader sees a double where the writer wrote one (5.0,
// not 5); non-finite doubles, which JSON cannot spell, are written as null.
// Not thread-safe; one writer per string.

#include <charconv>
#include <cmath>
#include <cstdint>
#include <string>
#include <string_view>
#include <type_traits>

namespace startales {

class JsonOut {
 public:
  explicit JsonOut(std::string& out) : out_(out) {}

  JsonOut& beginObject() { return open('{', '}'); }
  JsonOut& beginArray() { return open('[', ']'); }
  // Ends the innermost open object or array.
  JsonOut& end() {
    out_ += closers_[--depth_];
    first_ = false;
    return *this;
  }
  JsonOut& key(std::string_view k) {
    separate();
    string(k);
    out_ += ':';
    first_ = true;  // the value follows without a comma
    return *this;
  }

  JsonOut& value(std::string_view s) {
    separate();
    string(s);
    return *this;
  }
  JsonOut& value(const char* s) { return value(std::string_view(s)); }
  JsonOut& value(bool b) {
    separate();
    out_ += b ? "true" : "false";
    return *this;
  }
  JsonOut& null() {
    separate();
    out_ += "null";
    return *this;
  }
  template <typename T>
    requires(std::is_integral_v<T> && !std::is_same_v<T, bool>)
  JsonOut& value(T v) {
    separate();
    char buf[24];
    const auto r = std::to_chars(buf, buf + sizeof buf, v);
    out_.append(buf, r.ptr);
    return *this;
  }
  JsonOut& value(double v) {
    separate();
    if (!std::isfinite(v)) {
      out_ += "null";
      return *this;
    }
    char buf[32];
    const auto r = std::to_chars(buf, buf + sizeof buf, v);  // shortest round-trip form
    const std::string_view text(buf, static_cast<size_t>(r.ptr - buf));
    out_ += text;
    if (text.find_first_of(".e") == std::string_view::npos) out_ += ".0";
    return *this;
  }

  // Appends `json`, already valid JSON text (e.g. a part shared by many messages), as a value.
  JsonOut& raw(std::string_view json) {
    separate();
    out_ += json;
    return *this;
  }

 private:
  static constexpr int kMaxDepth = 32;  // the game's messages nest 5 deep

  JsonOut& open(char bracket, char closer) {
    separate();
    out_ += bracket;
    closers_[depth_++] = closer;  // deeper than kMaxDepth is a programming error
    first_ = true;
    return *this;
  }
  void separate() {
    if (!first_) out_ += ',';
    first_ = false;
  }
  void string(std::string_view s) {
    static constexpr char kHex[] = "0123456789abcdef";
    out_ += '"';
    size_t run = 0;  // start of the bytes not yet copied
    for (size_t i = 0; i < s.size(); ++i) {
      const auto c = static_cast<unsigned char>(s[i]);
      if (c >= 0x20 && c != '"' && c != '\\') continue;
      out_.append(s.data() + run, i - run);
      run = i + 1;
      switch (c) {
        case '"': out_ += "\\\""; break;
        case '\\': out_ += "\\\\"; break;
        case '\n': out_ += "\\n"; break;
        case '\r': out_ += "\\r"; break;
        case '\t': out_ += "\\t"; break;
        default:
          out_ += "\\u00";
          out_ += kHex[c >> 4];
          out_ += kHex[c & 0xf];
      }
    }
    out_.append(s.data() + run, s.size() - run);
    out_ += '"';
  }

  std::string& out_;
  bool first_ = true;          // no comma before the next item
  char closers_[kMaxDepth]{};  // what end() writes, innermost last
  int depth_ = 0;
};

}  // namespace startales
