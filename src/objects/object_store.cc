#include "objects/object_store.h"

namespace startales::objects {

namespace {

bool keyByte(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
         c == '.' || c == '_' || c == '-' || c == '=';
}

Error badKey(std::string_view key, const std::string& why) {
  std::string shown(key.substr(0, 80));
  for (char& c : shown) {
    if (c < 0x20 || c > 0x7e) c = '?';  // never echo control bytes into a log or an answer
  }
  return makeError("invalid_object_key", "The object key \"" + shown + "\" " + why + ".");
}

}  // namespace

Result<void> validateKey(std::string_view key) {
  if (key.empty()) return badKey(key, "is empty");
  if (key.size() > kMaxKeyBytes) {
    return badKey(key, "is longer than " + std::to_string(kMaxKeyBytes) + " bytes");
  }
  size_t start = 0;
  while (start <= key.size()) {
    size_t end = key.find('/', start);
    if (end == std::string_view::npos) end = key.size();
    std::string_view segment = key.substr(start, end - start);
    if (segment.empty()) return badKey(key, "has an empty path segment (a leading, trailing or "
                                            "doubled '/')");
    if (segment.size() > kMaxSegmentBytes) {
      return badKey(key, "has a path segment longer than " + std::to_string(kMaxSegmentBytes) +
                             " bytes");
    }
    if (segment.front() == '.') {
      return badKey(key, "has a segment starting with '.' (\".\" and \"..\" are not allowed)");
    }
    for (char c : segment) {
      if (!keyByte(c)) {
        return badKey(key, "has a character other than letters, digits, '.', '_', '-', '=' "
                           "and '/'");
      }
    }
    start = end + 1;
  }
  return {};
}

Result<void> validatePrefix(std::string_view prefix) {
  if (prefix.empty()) return {};
  std::string_view body = prefix.back() == '/' ? prefix.substr(0, prefix.size() - 1) : prefix;
  return validateKey(body);
}

Result<bool> ObjectStore::exists(std::string_view key) {
  auto info = head(key);
  if (!info) return info.error();
  return info->has_value();
}

}  // namespace startales::objects
