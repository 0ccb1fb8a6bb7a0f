#include "objects/directory_store.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <random>

namespace startales::objects {

namespace fs = std::filesystem;

namespace {

constexpr std::string_view kMagic = "stobj1 ";
constexpr size_t kMaxContentType = 255;

Error diskError(const std::string& what, const std::string& path, int err) {
  return makeInternalError("objects_error",
                           what + " \"" + path + "\" failed: " + std::strerror(err) + ".");
}

Error conflict(std::string_view key) {
  return makeError("invalid_object_key",
                   "The object key \"" + std::string(key) +
                       "\" conflicts with another object: a directory store cannot hold both "
                       "\"a\" and keys under \"a/\".");
}

Result<void> validateContentType(std::string_view type) {
  if (type.size() > kMaxContentType) {
    return makeError("invalid_argument", "A content type is at most 255 bytes.");
  }
  for (char c : type) {
    if (c < 0x20 || c > 0x7e) {
      return makeError("invalid_argument", "A content type is printable ASCII on one line.");
    }
  }
  return {};
}

bool writeAll(int fd, std::string_view bytes) {
  while (!bytes.empty()) {
    ssize_t n = ::write(fd, bytes.data(), bytes.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    bytes.remove_prefix(static_cast<size_t>(n));
  }
  return true;
}

std::string tempName() {
  thread_local std::mt19937_64 rng{std::random_device{}()};
  static constexpr char kHex[] = "0123456789abcdef";
  std::string name = ".tmp-";
  uint64_t v = rng();
  for (int i = 0; i < 16; ++i) name.push_back(kHex[(v >> (i * 4)) & 15]);
  return name;
}

// Reads the header of an object file: the content type, and the header's length.
// not_found when the file does not exist (or is a directory).
struct Header {
  std::string content_type;
  int64_t header_bytes = 0;
  int64_t file_bytes = 0;
  std::string etag;
};

Result<Header> readHeader(const std::string& path, std::string_view key, std::string* body) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT || errno == ENOTDIR) {
      return makeError("not_found", "There is no object \"" + std::string(key) + "\".");
    }
    return diskError("Opening", path, errno);
  }
  struct stat st {};
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd);
    return makeError("not_found", "There is no object \"" + std::string(key) + "\".");
  }
  const size_t want = body ? static_cast<size_t>(st.st_size)
                           : std::min<size_t>(static_cast<size_t>(st.st_size),
                                              kMagic.size() + kMaxContentType + 1);
  std::string data(want, '\0');
  size_t got = 0;
  while (got < want) {
    ssize_t n = ::read(fd, data.data() + got, want - got);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      const int err = errno;
      ::close(fd);
      return diskError("Reading", path, err);
    }
    if (n == 0) break;
    got += static_cast<size_t>(n);
  }
  ::close(fd);
  data.resize(got);
  const size_t nl = data.find('\n');
  if (!data.starts_with(kMagic) || nl == std::string::npos) {
    return makeInternalError("objects_error", "The object file \"" + path +
                                                  "\" has no object header (not written by "
                                                  "this store).");
  }
  Header h;
  h.content_type = data.substr(kMagic.size(), nl - kMagic.size());
  h.header_bytes = static_cast<int64_t>(nl + 1);
  h.file_bytes = static_cast<int64_t>(st.st_size);
  h.etag = std::to_string(st.st_size) + "-" + std::to_string(st.st_mtim.tv_sec) + "." +
           std::to_string(st.st_mtim.tv_nsec) + "-" + std::to_string(st.st_ino);
  if (body) *body = data.substr(nl + 1);
  return h;
}

void syncDirectory(const std::string& dir) {
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return;
  (void)::fsync(fd);  // best effort: the rename itself already happened atomically
  ::close(fd);
}

}  // namespace

Result<std::unique_ptr<DirectoryObjectStore>> DirectoryObjectStore::open(const std::string& root) {
  std::string clean = root;
  while (clean.size() > 1 && clean.back() == '/') clean.pop_back();
  if (clean.empty()) return makeError("objects_config", "The object directory is empty.");
  std::error_code ec;
  fs::create_directories(clean, ec);
  if (ec) {
    return makeError("objects_config", "Cannot create the object directory \"" + clean +
                                           "\": " + ec.message() + ".");
  }
  if (::access(clean.c_str(), W_OK | X_OK) != 0) {
    return makeError("objects_config", "The object directory \"" + clean +
                                           "\" is not writable: " + std::strerror(errno) + ".");
  }
  return std::unique_ptr<DirectoryObjectStore>(new DirectoryObjectStore(clean));
}

std::string DirectoryObjectStore::pathOf(std::string_view key) const {
  return root_ + "/" + std::string(key);
}

Result<void> DirectoryObjectStore::put(std::string_view key, std::string_view body,
                                       std::string_view content_type) {
  if (auto valid = validateKey(key); !valid) return valid;
  if (auto valid = validateContentType(content_type); !valid) return valid;
  const std::string path = pathOf(key);
  const std::string dir = fs::path(path).parent_path().string();
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) {
    if (ec == std::errc::not_a_directory || ec == std::errc::file_exists) return conflict(key);
    return diskError("Creating the directory", dir, ec.value());
  }
  const std::string temp = dir + "/" + tempName();
  int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd < 0) {
    if (errno == ENOTDIR) return conflict(key);
    return diskError("Creating", temp, errno);
  }
  const std::string header = std::string(kMagic) + std::string(content_type) + "\n";
  if (!writeAll(fd, header) || !writeAll(fd, body) || ::fsync(fd) != 0) {
    const int err = errno;
    ::close(fd);
    ::unlink(temp.c_str());
    return diskError("Writing", temp, err);
  }
  ::close(fd);
  if (::rename(temp.c_str(), path.c_str()) != 0) {
    const int err = errno;
    ::unlink(temp.c_str());
    if (err == EISDIR || err == ENOTEMPTY || err == EEXIST) return conflict(key);
    return diskError("Renaming into", path, err);
  }
  syncDirectory(dir);
  return {};
}

Result<Object> DirectoryObjectStore::get(std::string_view key) {
  if (auto valid = validateKey(key); !valid) return valid.error();
  Object out;
  auto header = readHeader(pathOf(key), key, &out.body);
  if (!header) return header.error();
  out.content_type = std::move(header->content_type);
  return out;
}

Result<std::optional<ObjectInfo>> DirectoryObjectStore::head(std::string_view key) {
  if (auto valid = validateKey(key); !valid) return valid.error();
  auto header = readHeader(pathOf(key), key, nullptr);
  if (!header) {
    if (header.error().code == "not_found") return std::optional<ObjectInfo>{};
    return header.error();
  }
  ObjectInfo info{std::string(key), header->file_bytes - header->header_bytes,
                  std::move(header->content_type), std::move(header->etag)};
  return std::optional<ObjectInfo>(std::move(info));
}

Result<void> DirectoryObjectStore::remove(std::string_view key) {
  if (auto valid = validateKey(key); !valid) return valid;
  const std::string path = pathOf(key);
  struct stat st {};
  if (::lstat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) return {};  // nothing there
  if (::unlink(path.c_str()) != 0 && errno != ENOENT) return diskError("Deleting", path, errno);
  return {};
}

Result<ListPage> DirectoryObjectStore::list(std::string_view prefix, std::string_view after,
                                            int max_keys) {
  if (auto valid = validatePrefix(prefix); !valid) return valid.error();
  if (max_keys < 1 || max_keys > 1000) {
    return makeError("invalid_argument", "max_keys must be 1..1000.");
  }
  // Walk only the deepest directory the prefix names ("voices/ab" → voices/).
  const size_t slash = prefix.rfind('/');
  const std::string base =
      slash == std::string_view::npos ? root_ : root_ + "/" + std::string(prefix.substr(0, slash));
  std::vector<ObjectInfo> found;
  std::error_code ec;
  fs::recursive_directory_iterator it(base, fs::directory_options::skip_permission_denied, ec);
  if (ec) {
    if (ec == std::errc::no_such_file_or_directory || ec == std::errc::not_a_directory) {
      return ListPage{};
    }
    return diskError("Listing", base, ec.value());
  }
  for (const fs::recursive_directory_iterator end; it != end; it.increment(ec)) {
    if (ec) return diskError("Listing", base, ec.value());
    const std::string name = it->path().filename().string();
    std::error_code type_ec;  // an entry that vanished meanwhile is skipped
    if (name.starts_with('.')) {  // a temporary file, or something that is not ours
      if (it->is_directory(type_ec)) it.disable_recursion_pending();
      continue;
    }
    if (!it->is_regular_file(type_ec)) continue;
    std::string key = it->path().string().substr(root_.size() + 1);
    if (!key.starts_with(prefix) || key <= after) continue;
    ObjectInfo info;
    info.key = std::move(key);
    found.push_back(std::move(info));
  }
  std::sort(found.begin(), found.end(),
            [](const ObjectInfo& a, const ObjectInfo& b) { return a.key < b.key; });
  ListPage page;
  for (auto& info : found) {
    if (static_cast<int>(page.objects.size()) == max_keys) {
      page.next_after = page.objects.back().key;
      break;
    }
    auto header = readHeader(pathOf(info.key), info.key, nullptr);
    if (!header) {
      if (header.error().code == "not_found") continue;  // deleted while we listed
      return header.error();
    }
    info.size = header->file_bytes - header->header_bytes;
    info.etag = std::move(header->etag);
    page.objects.push_back(std::move(info));
  }
  return page;
}

Result<void> DirectoryObjectStore::ping() {
  if (::access(root_.c_str(), W_OK | X_OK) != 0) {
    return makeInternalError("objects_unavailable", "The object directory \"" + root_ +
                                                        "\" is not writable: " +
                                                        std::strerror(errno) + ".");
  }
  return {};
}

}  // namespace startales::objects
