#pragma once

// The embedded ObjectStore (`serve`): one file per object under a root directory
// (<data-dir>/objects by default), at the key's path. A file holds a one-line header
// ("stobj1 <content-type>\n") and the body, so the content type and the bytes are replaced
// together. A put writes a temporary file (".tmp-*", never a key: no key segment starts with
// '.') in the object's directory, syncs it, renames it over the old one and syncs the
// directory: a crash leaves the old object or the new one, never a mix.
//
// A directory cannot hold both "a" and "a/b" (S3 can): such a put is refused as
// invalid_object_key. Thread-safe (every call works on the filesystem only); blocking.

#include <memory>
#include <string>

#include "objects/object_store.h"

namespace startales::objects {

class DirectoryObjectStore final : public ObjectStore {
 public:
  // Creates `root` if needed. Error: objects_config (cannot create or write it).
  static Result<std::unique_ptr<DirectoryObjectStore>> open(const std::string& root);

  Result<void> put(std::string_view key, std::string_view body,
                   std::string_view content_type) override;
  Result<Object> get(std::string_view key) override;
  Result<std::optional<ObjectInfo>> head(std::string_view key) override;
  Result<void> remove(std::string_view key) override;
  Result<ListPage> list(std::string_view prefix, std::string_view after, int max_keys) override;
  Result<void> ping() override;

  [[nodiscard]] std::string_view backend() const override { return "dir"; }
  [[nodiscard]] std::string describe() const override { return "dir:" + root_; }

 private:
  explicit DirectoryObjectStore(std::string root) : root_(std::move(root)) {}
  [[nodiscard]] std::string pathOf(std::string_view key) const;

  const std::string root_;  // const after construction; no trailing '/'
};

}  // namespace startales::objects
