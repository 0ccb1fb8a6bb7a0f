#include "objects/objects_config.h"

#include <cerrno>
#include <cstring>
#include <fstream>

#include "objects/directory_store.h"
#include "objects/metered_store.h"

namespace startales::objects {

namespace {

// The first line of `path`, without its line end. Error text names the file, never its content.
bool readFirstLine(const std::string& path, std::string& out, std::string& why) {
  std::ifstream in(path);
  if (!in) {
    why = "cannot read \"" + path + "\": " + std::strerror(errno);
    return false;
  }
  std::getline(in, out);
  if (!out.empty() && out.back() == '\r') out.pop_back();
  if (out.empty()) {
    why = "\"" + path + "\" is empty";
    return false;
  }
  return true;
}

// `value` or the first line of `file` (not both).
void secretFrom(const std::string& value, const std::string& file, const char* name,
                std::string& out, std::vector<std::string>& problems) {
  const std::string var = std::string("STARTALES_S3_") + name;
  if (!value.empty() && !file.empty()) {
    problems.push_back(var + " and " + var + "_FILE are both set; keep one");
    return;
  }
  if (file.empty()) {
    out = value;
    return;
  }
  std::string why;
  if (!readFirstLine(file, out, why)) problems.push_back(var + "_FILE: " + why);
}

}  // namespace

std::vector<std::string> resolveObjects(const ObjectsOptions& o, const std::string& data_dir,
                                        ObjectsSettings& out) {
  std::vector<std::string> problems;
  out = ObjectsSettings{};
  const std::string spec = o.spec.empty() ? "dir:" + data_dir + "/objects" : o.spec;
  if (spec.starts_with("dir:")) {
    out.dir = spec.substr(4);
    if (out.dir.empty()) problems.emplace_back("dir: needs a path, e.g. dir:/var/lib/startales/objects");
    return problems;
  }
  if (!spec.starts_with("s3://")) {
    problems.push_back("\"" + spec + "\" is not dir:/path or s3://bucket");
    return problems;
  }
  out.s3 = true;
  S3Config& c = out.s3_config;
  c.bucket = spec.substr(5);
  if (!c.bucket.empty() && c.bucket.back() == '/') c.bucket.pop_back();
  c.endpoint = o.s3_endpoint;
  c.region = o.s3_region;
  secretFrom(o.access_key_id, o.access_key_id_file, "ACCESS_KEY_ID", c.credentials.access_key_id,
             problems);
  secretFrom(o.secret_access_key, o.secret_access_key_file, "SECRET_ACCESS_KEY",
             c.credentials.secret_access_key, problems);
  if (o.timeout_ms < 100 || o.timeout_ms > 600'000) {
    problems.emplace_back("the object store timeout must be 100..600000 ms");
  } else {
    c.policy.total_timeout_ms = o.timeout_ms;
    c.policy.connect_timeout_ms = std::min(c.policy.connect_timeout_ms, o.timeout_ms);
  }
  if (problems.empty()) {
    for (auto& p : validateS3Config(c)) problems.push_back(std::move(p));
  }
  return problems;
}

Result<std::unique_ptr<ObjectStore>> openObjectStore(const ObjectsSettings& settings,
                                                     prometheus::Registry* registry) {
  std::unique_ptr<ObjectStore> store;
  if (settings.s3) {
    auto s3 = S3ObjectStore::create(settings.s3_config);
    if (!s3) return s3.error();
    store = std::move(*s3);
  } else {
    auto dir = DirectoryObjectStore::open(settings.dir);
    if (!dir) return dir.error();
    store = std::move(*dir);
  }
  if (registry == nullptr) return store;
  return std::unique_ptr<ObjectStore>(
      std::make_unique<MeteredObjectStore>(std::move(store), *registry));
}

}  // namespace startales::objects
