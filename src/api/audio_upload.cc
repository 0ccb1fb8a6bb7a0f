#include "api/audio_upload.h"

#include "net/multipart.h"

namespace startales::api {

namespace http = net::http;

namespace {

std::string_view contentTypeOf(const net::Request& req) {
  auto it = req.http.find(http::field::content_type);
  return it == req.http.end() ? std::string_view() : std::string_view(it->value());
}

}  // namespace

Result<voice::Audio> audioFromRequest(const net::Request& req, std::string_view field,
                                      const voice::AudioLimits& limits) {
  const std::string_view type = contentTypeOf(req);
  const std::string& body = req.http.body();
  if (auto boundary = net::multipartBoundary(type)) {
    auto parts = net::parseMultipart(body, *boundary);
    if (!parts) return parts.error();
    const net::FormPart* part = net::findPart(*parts, field);
    if (part == nullptr) {
      return makeError("invalid_audio", "The form has no \"" + std::string(field) +
                                            "\" field; attach the WAV file there.");
    }
    return voice::parseWav(part->data, limits);
  }
  if (type.starts_with("audio/") || type.starts_with("application/octet-stream") ||
      (type.empty() && !body.empty())) {
    return voice::parseWav(body, limits);
  }
  return makeError("invalid_audio",
                   "Send a WAV file as the multipart field \"" + std::string(field) +
                       "\" or as the whole body with Content-Type: audio/wav.");
}

std::string formField(const net::Request& req, std::string_view field) {
  auto boundary = net::multipartBoundary(contentTypeOf(req));
  if (!boundary) return "";
  auto parts = net::parseMultipart(req.http.body(), *boundary);
  if (!parts) return "";
  const net::FormPart* part = net::findPart(*parts, field);
  return part ? std::string(part->data) : "";
}

}  // namespace startales::api
