#include "net/multipart.h"

#include <algorithm>
#include <cctype>

namespace startales::net {

namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

// The value of `key` in `header` ("form-data; name=\"audio\"; filename=\"a.wav\""), quotes
// removed; "" when absent.
std::string paramOf(std::string_view header, std::string_view key) {
  size_t pos = 0;
  while ((pos = header.find(';', pos)) != std::string_view::npos) {
    std::string_view rest = trim(header.substr(pos + 1));
    pos++;
    const size_t eq = rest.find('=');
    if (eq == std::string_view::npos) continue;
    if (lower(trim(rest.substr(0, eq))) != key) continue;
    std::string_view value = trim(rest.substr(eq + 1));
    if (!value.empty() && value.front() == '"') {
      const size_t end = value.find('"', 1);
      return std::string(value.substr(1, end == std::string_view::npos ? value.size() - 1 : end - 1));
    }
    return std::string(value.substr(0, value.find(';')));
  }
  return "";
}

Error bad(std::string why) { return makeError("invalid_multipart", std::move(why)); }

}  // namespace

std::optional<std::string> multipartBoundary(std::string_view content_type) {
  if (lower(trim(content_type.substr(0, content_type.find(';')))) != "multipart/form-data") {
    return std::nullopt;
  }
  std::string b = paramOf(content_type, "boundary");
  if (b.empty() || b.size() > 200) return std::nullopt;
  return b;
}

Result<std::vector<FormPart>> parseMultipart(std::string_view body, std::string_view boundary) {
  const std::string delimiter = "--" + std::string(boundary);
  size_t pos = body.find(delimiter);
  if (pos == std::string_view::npos) return bad("The multipart body has no boundary line.");
  std::vector<FormPart> parts;
  for (int guard = 0; guard < 1000; ++guard) {  // at most 1,000 parts
    pos += delimiter.size();
    if (body.substr(pos, 2) == "--") return parts;  // the closing boundary
    if (body.substr(pos, 2) != "\r\n") return bad("A boundary line is not followed by CRLF.");
    pos += 2;
    const size_t headers_end = body.find("\r\n\r\n", pos);
    if (headers_end == std::string_view::npos) return bad("A part has no end of headers.");
    FormPart part;
    std::string_view headers = body.substr(pos, headers_end - pos);
    while (!headers.empty()) {
      const size_t eol = headers.find("\r\n");
      std::string_view line = headers.substr(0, eol);
      headers = eol == std::string_view::npos ? std::string_view() : headers.substr(eol + 2);
      const size_t colon = line.find(':');
      if (colon == std::string_view::npos) continue;
      const std::string name = lower(trim(line.substr(0, colon)));
      const std::string_view value = trim(line.substr(colon + 1));
      if (name == "content-disposition") {
        part.name = paramOf(value, "name");
        part.filename = paramOf(value, "filename");
      } else if (name == "content-type") {
        part.content_type = std::string(value);
      }
    }
    const size_t data_start = headers_end + 4;
    const size_t next = body.find("\r\n" + delimiter, data_start);
    if (next == std::string_view::npos) return bad("The multipart body ends without its closing boundary.");
    part.data = body.substr(data_start, next - data_start);
    parts.push_back(std::move(part));
    pos = next + 2;
  }
  return bad("The multipart body has too many parts.");
}

const FormPart* findPart(const std::vector<FormPart>& parts, std::string_view name) {
  auto it = std::find_if(parts.begin(), parts.end(), [&](const FormPart& p) { return p.name == name; });
  return it == parts.end() ? nullptr : &*it;
}

}  // namespace startales::net
