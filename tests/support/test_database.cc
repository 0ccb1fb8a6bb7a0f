#include "support/test_database.h"

#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>

#include "support/postgres_server.h"

namespace startales::store {
namespace {

// One real PostgreSQL server for the whole test binary, started before the first test.
[[maybe_unused]] ::testing::Environment* const kPostgres =
    ::testing::AddGlobalTestEnvironment(new startales::testing::PostgresEnvironment);

std::string uniqueName() {
  static std::atomic<int> counter{0};
  return "t" + std::to_string(getpid()) + "_" + std::to_string(counter++);
}

}  // namespace

Result<std::string> postgresTestUrl() { return startales::testing::PostgresEnvironment::url(); }

std::string withDatabaseName(const std::string& url, const std::string& database) {
  const size_t query = url.find('?');
  const std::string base = url.substr(0, query);
  const std::string rest = query == std::string::npos ? "" : url.substr(query);
  return base.substr(0, base.rfind('/') + 1) + database + rest;
}

int unusedPort() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof address;
  int port = 0;
  if (bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0 &&
      getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) == 0) {
    port = ntohs(address.sin_port);
  }
  close(fd);  // not listening: connections are refused
  return port;
}

Result<std::unique_ptr<TestDatabase>> TestDatabase::create(std::string_view backend) {
  std::unique_ptr<TestDatabase> db(new TestDatabase());
  const std::string name = uniqueName();
  if (backend == "sqlite") {
    db->directory_ =
        (std::filesystem::temp_directory_path() / ("startales-store-" + name)).string();
    std::filesystem::create_directories(db->directory_);
    db->url_ = "sqlite://" + db->directory_ + "/test.db";
    return db;
  }
  Result<std::string> server = postgresTestUrl();
  if (!server) return server.error();
  DatabaseConfig admin_config;
  admin_config.url = *server;
  admin_config.pool_size = 1;
  Result<std::unique_ptr<Database>> admin = Database::open(admin_config);
  if (!admin) return admin.error();
  db->admin_ = std::move(admin).value();
  if (Result<Rows> created = db->admin_->query("CREATE SCHEMA " + name); !created) {
    return created.error();
  }
  db->schema_ = name;
  const char separator = server->find('?') == std::string::npos ? '?' : '&';
  db->url_ = *server + separator + "options=-csearch_path%3D" + name;
  return db;
}

TestDatabase::~TestDatabase() {
  if (admin_ && !schema_.empty()) (void)admin_->query("DROP SCHEMA " + schema_ + " CASCADE");
  if (!directory_.empty()) {
    std::error_code ec;
    std::filesystem::remove_all(directory_, ec);
  }
}

DatabaseConfig TestDatabase::config() const {
  DatabaseConfig config;
  config.url = url_;
  config.pool_size = 4;
  config.acquire_timeout_ms = 2000;
  config.busy_timeout_ms = 5000;
  config.connect_timeout_s = 5;
  return config;
}

HeldTransaction::HeldTransaction(Database& db, std::string sql) {
  std::promise<void> holding;
  std::future<void> held = holding.get_future();
  std::shared_future<void> released = release_.get_future().share();
  outcome_ = std::async(std::launch::async, [&db, sql = std::move(sql), &holding, released] {
    return db.transaction([&](Connection& c) -> Result<void> {
      Result<Rows> r = sql.empty() ? Result<Rows>(Rows{}) : c.query(sql);
      holding.set_value();
      released.wait();
      if (!r) return r.error();
      return {};
    });
  });
  held.wait();  // `holding` outlives its use: set_value happens before this returns
}

HeldTransaction::~HeldTransaction() {
  if (!finished_) (void)finish();
}

Result<void> HeldTransaction::finish() {
  finished_ = true;
  release_.set_value();
  return outcome_.get();
}

Result<int64_t> insertTestUser(Database& db, const std::string& name) {
  auto r = db.query(
      "INSERT INTO users (username, username_key, password_hash, created_at) "
      "VALUES ($1, $1, 'x', 0) RETURNING id",
      {name});
  if (!r) return r.error();
  return r->rows.front().getInt(0);
}

Result<int64_t> insertTestCampaign(Database& db, int64_t host) {
  auto r = db.query(
      "INSERT INTO campaigns (name, mode, visibility, host_user_id, status, systems, "
      "ai_empires, max_players, tick_ms, seed, tick, created_at) "
      "VALUES ('Test', 'coop', 'public', $1, 'running', 100, 3, 4, 1000, 42, 0, 0) RETURNING id",
      {host});
  if (!r) return r.error();
  return r->rows.front().getInt(0);
}

}  // namespace startales::store
