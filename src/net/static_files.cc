#include "net/static_files.h"

#include <array>
#include <cctype>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <utility>
#include <vector>

#include "net/router.h"
#include "net/security_headers.h"

namespace startales::net {

namespace fs = std::filesystem;

namespace {

constexpr std::string_view kImmutable = "public, max-age=31536000, immutable";
constexpr std::string_view kRevalidate = "no-cache";

std::string etagOf(std::string_view bytes) {
  uint64_t h = 1469598103934665603ULL;  // FNV-1a 64
  for (unsigned char c : bytes) {
    h ^= c;
    h *= 1099511628211ULL;
  }
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out = "\"";
  for (int i = 15; i >= 0; --i) out += kDigits[(h >> (4 * i)) & 0xf];
  out += '"';
  return out;
}

int hexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool startsWithSegment(std::string_view path, std::string_view prefix) {
  return path == prefix || (path.starts_with(prefix) && path[prefix.size()] == '/');
}

// True when one of the If-None-Match entities is `etag` (weak comparison, as RFC 9110 asks
// for If-None-Match) or "*".
bool etagMatches(std::string_view header, std::string_view etag) {
  size_t start = 0;
  while (start < header.size()) {
    size_t end = header.find(',', start);
    if (end == std::string_view::npos) end = header.size();
    std::string_view item = header.substr(start, end - start);
    while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
    while (!item.empty() && item.back() == ' ') item.remove_suffix(1);
    if (item.starts_with("W/")) item.remove_prefix(2);
    if (item == "*" || item == etag) return true;
    start = end + 1;
  }
  return false;
}

}  // namespace

std::optional<std::string> safeStaticPath(std::string_view raw) {
  if (raw.empty() || raw.front() != '/') return std::nullopt;
  std::string decoded;
  decoded.reserve(raw.size());
  for (size_t i = 0; i < raw.size(); ++i) {
    char c = raw[i];
    if (c == '%') {
      if (i + 2 >= raw.size()) return std::nullopt;
      int hi = hexValue(raw[i + 1]), lo = hexValue(raw[i + 2]);
      if (hi < 0 || lo < 0) return std::nullopt;
      c = static_cast<char>(hi * 16 + lo);
      i += 2;
    }
    if (c == '\0' || c == '\\') return std::nullopt;
    decoded += c;
  }
  // Every segment must be a plain name: no "..", no ".", no hidden files.
  for (auto segment : splitPath(decoded)) {
    if (segment.front() == '.') return std::nullopt;
  }
  return decoded;
}

std::string_view contentTypeFor(std::string_view path) {
  static constexpr std::array<std::pair<std::string_view, std::string_view>, 18> kTypes{{
      {".html", "text/html; charset=utf-8"},
      {".js", "text/javascript; charset=utf-8"},
      {".mjs", "text/javascript; charset=utf-8"},
      {".css", "text/css; charset=utf-8"},
      {".json", "application/json"},
      {".map", "application/json"},
      {".webmanifest", "application/manifest+json"},
      {".svg", "image/svg+xml"},
      {".png", "image/png"},
      {".jpg", "image/jpeg"},
      {".jpeg", "image/jpeg"},
      {".gif", "image/gif"},
      {".webp", "image/webp"},
      {".ico", "image/x-icon"},
      {".woff2", "font/woff2"},
      {".wav", "audio/wav"},
      {".txt", "text/plain; charset=utf-8"},
      {".wasm", "application/wasm"},
  }};
  size_t slash = path.rfind('/');
  size_t dot = path.rfind('.');
  if (dot == std::string_view::npos || (slash != std::string_view::npos && dot < slash)) {
    return "application/octet-stream";
  }
  std::string ext(path.substr(dot));
  for (auto& c : ext) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  for (const auto& [e, type] : kTypes) {
    if (e == ext) return type;
  }
  return "application/octet-stream";
}

bool isContentHashed(std::string_view path) {
  size_t slash = path.rfind('/');
  std::string_view name = slash == std::string_view::npos ? path : path.substr(slash + 1);
  size_t dot = name.find('.');
  if (dot == std::string_view::npos) return false;
  std::string_view stem = name.substr(0, dot);
  size_t dash = stem.rfind('-');
  if (dash == std::string_view::npos) return false;
  std::string_view hash = stem.substr(dash + 1);
  if (hash.size() < 8) return false;
  for (char c : hash) {
    if (!std::isalnum(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

Result<std::unique_ptr<StaticFiles>> StaticFiles::load(const std::string& root,
                                                       size_t max_total_bytes) {
  std::error_code ec;
  if (!fs::is_directory(root, ec)) {
    return makeError("web_dir", "The web client directory \"" + root +
                                    "\" does not exist (build it with `make run`, or set "
                                    "--web-dir).");
  }
  auto files = std::unique_ptr<StaticFiles>(new StaticFiles(root));
  size_t total = 0;
  fs::recursive_directory_iterator it(root, fs::directory_options::skip_permission_denied, ec);
  if (ec) return makeError("web_dir", "Cannot read \"" + root + "\": " + ec.message() + ".");
  for (; it != fs::recursive_directory_iterator(); it.increment(ec)) {
    if (ec) return makeError("web_dir", "Cannot read \"" + root + "\": " + ec.message() + ".");
    const fs::path& p = it->path();
    if (p.filename().string().starts_with(".")) {
      if (it->is_directory(ec)) it.disable_recursion_pending();
      continue;
    }
    if (!it->is_regular_file(ec)) continue;
    std::ifstream in(p, std::ios::binary);
    std::ostringstream bytes;
    bytes << in.rdbuf();
    if (!in) return makeError("web_dir", "Cannot read \"" + p.string() + "\".");
    File file;
    file.body = std::move(bytes).str();
    total += file.body.size();
    if (total > max_total_bytes) {
      return makeError("web_dir", "The web client directory \"" + root + "\" holds more than " +
                                      std::to_string(max_total_bytes) + " bytes.");
    }
    std::string rel = "/" + fs::relative(p, root, ec).generic_string();
    file.content_type = std::string(contentTypeFor(rel));
    file.etag = etagOf(file.body);
    file.cache_control =
        std::string(isContentHashed(rel) && !rel.ends_with(".html") ? kImmutable : kRevalidate);
    files->files_.emplace(std::move(rel), std::move(file));
  }
  return files;
}

Response StaticFiles::answer(const Request& req, const File& file) const {
  auto inm = req.http.find(http::field::if_none_match);
  const bool fresh = inm != req.http.end() && etagMatches(inm->value(), file.etag);
  Response res{fresh ? http::status::not_modified : http::status::ok, 11};
  res.set(http::field::etag, file.etag);
  res.set(http::field::cache_control, file.cache_control);
  res.set("X-Content-Type-Options", "nosniff");
  // On a 304 too: a revalidated page keeps the headers of this answer, its policy included.
  if (file.content_type.starts_with("text/html")) {
    res.set("Content-Security-Policy", kClientCsp);
  }
  if (!fresh) {
    res.set(http::field::content_type, file.content_type);
    res.body() = file.body;
  }
  res.prepare_payload();
  return res;
}

std::vector<std::string> StaticFiles::paths() const {
  std::vector<std::string> out;
  out.reserve(files_.size());
  for (const auto& [path, file] : files_) out.push_back(path);
  return out;
}

Response StaticFiles::serve(const Request& req) const {
  auto path = safeStaticPath(req.path);
  if (!path) {
    return errorResponse(http::status::not_found, "not_found",
                         "There is no file " + req.path + ".");
  }
  std::string key = *path;
  if (key.ends_with('/')) key += "index.html";
  if (auto it = files_.find(key); it != files_.end()) return answer(req, it->second);
  const bool reserved = startsWithSegment(*path, "/api") || startsWithSegment(*path, "/ws") ||
                        startsWithSegment(*path, "/metrics") ||
                        startsWithSegment(*path, "/assets");
  auto index = files_.find(std::string_view("/index.html"));
  if (reserved || index == files_.end()) {
    return errorResponse(http::status::not_found, "not_found",
                         "There is no route GET " + req.path + ".");
  }
  return answer(req, index->second);
}

void addStaticRoutes(Router& router, std::shared_ptr<const StaticFiles> files) {
  Handler handler = [files](Request& req) -> boost::asio::awaitable<Response> {
    co_return files->serve(req);
  };
  constexpr auto kStatic = Router::Kind::kStatic;
  router.add(http::verb::get, "/", handler, kStatic);
  for (const auto& path : files->paths()) router.add(http::verb::get, path, handler, kStatic);
  for (std::string_view route : kClientRoutes) router.add(http::verb::get, route, handler, kStatic);
}

}  // namespace startales::net
