#include "bus/bus.h"

#include <vector>

namespace startales::bus {
namespace {

std::vector<std::string_view> tokens(std::string_view subject) {
  std::vector<std::string_view> out;
  size_t start = 0;
  while (true) {
    const size_t dot = subject.find('.', start);
    out.push_back(subject.substr(start, dot == std::string_view::npos ? dot : dot - start));
    if (dot == std::string_view::npos) return out;
    start = dot + 1;
  }
}

bool isSpace(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\0'; }

}  // namespace

Result<void> checkSubject(std::string_view subject, bool wildcards) {
  auto bad = [&](const std::string& why) {
    return makeError(
        "invalid_argument",
        "The bus subject \"" + std::string(subject.substr(0, 200)) + "\" " + why + ".");
  };
  if (subject.empty()) return bad("is empty");
  const std::vector<std::string_view> parts = tokens(subject);
  for (size_t i = 0; i < parts.size(); ++i) {
    const std::string_view t = parts[i];
    if (t.empty()) return bad("has an empty token");
    for (char c : t) {
      if (isSpace(c)) return bad("contains whitespace");
    }
    const bool wildcard = t == "*" || t == ">";
    if (!wildcard &&
        (t.find('*') != std::string_view::npos || t.find('>') != std::string_view::npos)) {
      return bad("has a wildcard inside a token");
    }
    if (wildcard && !wildcards) return bad("has a wildcard, which only a subscription may use");
    if (t == ">" && i + 1 != parts.size()) return bad("has \">\" before its last token");
  }
  return {};
}

bool subjectMatches(std::string_view pattern, std::string_view subject) {
  const std::vector<std::string_view> p = tokens(pattern);
  const std::vector<std::string_view> s = tokens(subject);
  for (size_t i = 0; i < p.size(); ++i) {
    if (p[i] == ">") return s.size() > i;
    if (i >= s.size()) return false;
    if (p[i] != "*" && p[i] != s[i]) return false;
  }
  return p.size() == s.size();
}

}  // namespace startales::bus
