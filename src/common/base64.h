#pragma once

// Standard base64 (RFC 4648, with padding), for binary data in text columns.

#include <optional>
#include <string>
#include <string_view>

namespace startales {

std::string base64Encode(std::string_view bytes);
// nullopt when `text` is not valid padded base64.
std::optional<std::string> base64Decode(std::string_view text);

}  // namespace startales
