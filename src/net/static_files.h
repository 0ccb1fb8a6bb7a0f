#pragma once

// Serves the browser client (web/dist) at "/": every file under a root directory, loaded into
// memory once at start-up (the client is a few hundred KiB), so a request never touches the
// disk. Immutable after load(): safe to share between threads.
//
// Per GET:
// - the path is percent-decoded and refused (404) when a segment is "..", "." or hidden
//   (".git"), or contains '\\' or NUL: nothing outside the root can be named;
// - Content-Type from the extension; X-Content-Type-Options: nosniff;
// - a strong ETag (hash of the bytes); If-None-Match with it answers 304 with no body;
// - Cache-Control: "public, max-age=31536000, immutable" for content-hashed assets
//   (`name-HASH.ext`, as the web build names them), "no-cache" for everything else
//   (index.html is revalidated on every load, so a new build is picked up at once);
// - a path with no file falls back to index.html (client-side routes such as /play/3), except
//   under /api, /ws, /metrics (JSON 404) and /assets (a missing asset is a 404, not HTML).
//   Routing (addStaticRoutes) sends only "/", the files and the client's routes here, so the
//   router's own 404/405 answers for every other path are unchanged.

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "net/http.h"

namespace startales::net {

class Router;

class StaticFiles {
 public:
  // Reads every regular file under `root` (recursively; hidden files and directories are
  // skipped). Errors: "web_dir" when `root` is not a readable directory or holds more than
  // `max_total_bytes`.
  static Result<std::unique_ptr<StaticFiles>> load(const std::string& root,
                                                   size_t max_total_bytes = size_t{64} << 20);

  // The answer to a GET of `req.path` (If-None-Match honoured). Never fails: unknown paths get
  // index.html or a JSON 404.
  [[nodiscard]] Response serve(const Request& req) const;

  [[nodiscard]] size_t fileCount() const { return files_.size(); }
  // Every file's URL path ("/index.html", "/assets/app-4KX2B7QZ.js", ...), sorted.
  [[nodiscard]] std::vector<std::string> paths() const;
  [[nodiscard]] const std::string& root() const { return root_; }

 private:
  struct File {
    std::string body;
    std::string content_type;
    std::string etag;           // "\"<16 hex digits>\""
    std::string cache_control;
  };
  explicit StaticFiles(std::string root) : root_(std::move(root)) {}
  [[nodiscard]] Response answer(const Request& req, const File& file) const;

  // const after construction
  std::string root_;
  std::map<std::string, File, std::less<>> files_;  // "/index.html" → file
};

// The client's own routes (history API paths); a GET of one answers index.html.
inline constexpr std::string_view kClientRoutes[] = {
    "/login", "/lobby", "/play/{campaign}", "/play/{campaign}/{screen}",
    "/play/{campaign}/{screen}/{item}"};

// Registers GET "/", one GET route per file and the client routes (kClientRoutes) on
// `router`. Every one is a literal path or under a prefix of the client's, so no API or
// WebSocket route is shadowed and 404/405 answers elsewhere stay as they were.
void addStaticRoutes(Router& router, std::shared_ptr<const StaticFiles> files);

// "/a/b%20c.js" → "/a/b c.js"; nullopt for a path that could escape the root or is malformed.
std::optional<std::string> safeStaticPath(std::string_view raw_path);
// "text/html; charset=utf-8" for ".html", ...; "application/octet-stream" when unknown.
std::string_view contentTypeFor(std::string_view path);
// True for names like "app-4KX2B7QZ.js": a '-' then at least 8 letters/digits before the
// extension.
bool isContentHashed(std::string_view path);

}  // namespace startales::net
