#pragma once

// multipart/form-data request bodies (RFC 7578), as browsers and OpenAI clients send files:
//   Content-Type: multipart/form-data; boundary=XYZ
// Parts are views into the body: the body must outlive them.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace startales::net {

struct FormPart {
  std::string name;          // Content-Disposition name
  std::string filename;      // Content-Disposition filename; "" for plain fields
  std::string content_type;  // the part's Content-Type; "" when absent
  std::string_view data;     // the part's bytes
};

// The boundary of a "multipart/form-data; boundary=..." Content-Type; nullopt when the type
// is not multipart/form-data or has no boundary.
std::optional<std::string> multipartBoundary(std::string_view content_type);

// Splits `body` into its parts. Error "invalid_multipart" with a sentence when the body does
// not follow the boundary structure (missing final boundary, a part without headers...).
Result<std::vector<FormPart>> parseMultipart(std::string_view body, std::string_view boundary);

// The first part called `name`, or nullptr.
const FormPart* findPart(const std::vector<FormPart>& parts, std::string_view name);

}  // namespace startales::net
