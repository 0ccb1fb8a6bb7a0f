#pragma once

// Which ObjectStore a process uses, from its configuration (app/config.cc):
//   STARTALES_OBJECTS=dir:/path     a directory (default: dir:<data-dir>/objects)
//   STARTALES_OBJECTS=s3://bucket   an S3-compatible store at STARTALES_S3_ENDPOINT, signed for
//                                   STARTALES_S3_REGION with STARTALES_S3_ACCESS_KEY_ID and
//                                   STARTALES_S3_SECRET_ACCESS_KEY (or their _FILE variants:
//                                   the first line of a file, e.g. a mounted secret).

#include <memory>
#include <string>
#include <vector>

#include "objects/object_store.h"
#include "objects/s3_store.h"

namespace prometheus {
class Registry;
}

namespace startales::objects {

// The settings as given (flag, environment or default).
struct ObjectsOptions {
  std::string spec;                 // "dir:/path" | "s3://bucket"; "" = dir:<data-dir>/objects
  std::string s3_endpoint;          // "http://minio:9000"
  std::string s3_region = "us-east-1";
  std::string access_key_id;        // or read from access_key_id_file
  std::string access_key_id_file;
  std::string secret_access_key;    // or read from secret_access_key_file; never logged
  std::string secret_access_key_file;
  int timeout_ms = 15'000;          // one S3 call, retries included (ms)
};

// What to open, checked.
struct ObjectsSettings {
  bool s3 = false;
  std::string dir;  // !s3: the directory
  S3Config s3_config;  // s3: everything, the secret included
};

// Checks `options` (reading the _FILE secrets); one sentence per problem, each naming the
// variable to fix. `data_dir` gives the default directory.
std::vector<std::string> resolveObjects(const ObjectsOptions& options,
                                        const std::string& data_dir, ObjectsSettings& out);

// Opens the store, wrapped in MeteredObjectStore when `registry` is given. A directory is
// created if needed; an S3 store is not contacted (ping() it). Error: objects_config.
Result<std::unique_ptr<ObjectStore>> openObjectStore(const ObjectsSettings& settings,
                                                     prometheus::Registry* registry);

}  // namespace startales::objects
