#include "objects/s3_xml.h"

#include <boost/property_tree/ptree.hpp>
#include <boost/property_tree/xml_parser.hpp>
#include <charconv>
#include <exception>
#include <sstream>

namespace startales::objects::s3xml {

namespace pt = boost::property_tree;

namespace {

// Boost's parser throws on malformed XML: the exception stops here.
std::optional<pt::ptree> parse(std::string_view xml) {
  try {
    std::istringstream in{std::string(xml)};
    pt::ptree tree;
    pt::read_xml(in, tree, pt::xml_parser::no_comments);
    return tree;
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

std::string text(const pt::ptree& node, const char* child) {
  auto found = node.get_child_optional(child);
  return found ? found->data() : std::string();
}

}  // namespace

Result<ListResult> parseList(std::string_view xml) {
  auto tree = parse(xml);
  auto root = tree ? tree->get_child_optional("ListBucketResult") : boost::none;
  if (!root) {
    return makeInternalError("objects_protocol",
                             "The S3 store's list reply is not a ListBucketResult document.");
  }
  ListResult out;
  for (const auto& [name, node] : *root) {
    if (name != "Contents") continue;
    ObjectInfo info;
    info.key = text(node, "Key");
    const std::string size = text(node, "Size");
    auto [end, ec] = std::from_chars(size.data(), size.data() + size.size(), info.size);
    if (info.key.empty() || ec != std::errc() || end != size.data() + size.size()) {
      return makeInternalError("objects_protocol",
                               "The S3 store's list reply has an entry without a key or a size.");
    }
    info.etag = text(node, "ETag");
    out.page.objects.push_back(std::move(info));
  }
  out.truncated = text(*root, "IsTruncated") == "true";
  out.continuation = text(*root, "NextContinuationToken");
  if (out.truncated && out.continuation.empty()) {
    return makeInternalError("objects_protocol",
                             "The S3 store's list reply is truncated without a continuation "
                             "token.");
  }
  return out;
}

std::optional<S3Error> parseError(std::string_view xml) {
  auto tree = parse(xml);
  auto root = tree ? tree->get_child_optional("Error") : boost::none;
  if (!root) return std::nullopt;
  S3Error out{text(*root, "Code"), text(*root, "Message")};
  if (out.code.empty()) return std::nullopt;
  return out;
}

}  // namespace startales::objects::s3xml
