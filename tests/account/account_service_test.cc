#include "account/account_service.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "store/database.h"
#include "support/server_process.h"

namespace startales::account {
namespace {

class AccountServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = testing::makeTempDir("startales-account-");
    auto db = store::Database::open({.url = "sqlite://" + dir_ + "/a.db"});
    ASSERT_TRUE(db.ok()) << db.error().message;
    db_ = std::move(*db);
    ASSERT_TRUE(store::migrate(*db_).ok());
    users_ = std::make_unique<UserStore>(*db_);
    sessions_ = std::make_unique<DbSessionStore>(*db_);
    AccountConfig config;
    config.session_ttl_s = 3600;
    auto service = AccountService::create(config, *users_, *sessions_, clock_);
    ASSERT_TRUE(service.ok());
    service_ = std::move(*service);
  }
  void TearDown() override {
    service_.reset();
    db_.reset();
    std::filesystem::remove_all(dir_);
  }

  std::string dir_;
  ManualClock clock_;
  std::unique_ptr<store::Database> db_;
  std::unique_ptr<UserStore> users_;
  std::unique_ptr<DbSessionStore> sessions_;
  std::unique_ptr<AccountService> service_;
};

TEST_F(AccountServiceTest, PasswordsAreStoredAsArgon2id) {
  ASSERT_TRUE(service_->registerUser("helios", "sunrise over io").ok());
  auto row = db_->query("SELECT password_hash FROM users WHERE username = 'helios'");
  ASSERT_TRUE(row.ok());
  std::string hash = row->rows.at(0).getText(0);
  EXPECT_EQ(hash.rfind("$argon2id$", 0), 0u) << hash;
  EXPECT_EQ(hash.find("sunrise"), std::string::npos);
}

TEST_F(AccountServiceTest, OnlyTheTokenHashIsStored) {
  ASSERT_TRUE(service_->registerUser("helios", "sunrise over io").ok());
  auto login = service_->login("HELIOS", "sunrise over io");
  ASSERT_TRUE(login.ok());
  auto rows = db_->query("SELECT token_hash FROM sessions");
  ASSERT_TRUE(rows.ok());
  ASSERT_EQ(rows->rows.size(), 1u);
  EXPECT_NE(rows->rows[0].getText(0), login->token);
  EXPECT_EQ(rows->rows[0].getText(0), tokenHash(login->token));
}

TEST_F(AccountServiceTest, TokensExpire) {
  ASSERT_TRUE(service_->registerUser("helios", "sunrise over io").ok());
  auto login = service_->login("helios", "sunrise over io");
  ASSERT_TRUE(login.ok());
  EXPECT_TRUE(service_->authenticate(login->token).ok());
  clock_.advanceMs(3600 * 1000);
  auto expired = service_->authenticate(login->token);
  ASSERT_FALSE(expired.ok());
  EXPECT_EQ(expired.error().code, "unauthorized");
  EXPECT_EQ(service_->refresh(login->token).error().code, "unauthorized");
  EXPECT_EQ(*sessions_->purgeExpired(clock_.nowMs()), 1);
}

TEST_F(AccountServiceTest, RefreshRotatesTheToken) {
  ASSERT_TRUE(service_->registerUser("helios", "sunrise over io").ok());
  auto first = service_->login("helios", "sunrise over io");
  clock_.advanceMs(1000);
  auto second = service_->refresh(first->token);
  ASSERT_TRUE(second.ok());
  EXPECT_GT(second->expires_at_ms, first->expires_at_ms);
  EXPECT_FALSE(service_->authenticate(first->token).ok());
  EXPECT_TRUE(service_->authenticate(second->token).ok());
}

TEST_F(AccountServiceTest, UsernamesAreUniqueIgnoringCase) {
  ASSERT_TRUE(service_->registerUser("Orion", "belt of three").ok());
  auto dup = service_->registerUser("orion", "belt of three");
  ASSERT_FALSE(dup.ok());
  EXPECT_EQ(dup.error().code, "username_taken");
}

TEST_F(AccountServiceTest, ValidationRules) {
  EXPECT_EQ(validateUsername("ab").error().code, "invalid_username");
  EXPECT_EQ(validateUsername(std::string(33, 'a')).error().code, "invalid_username");
  EXPECT_EQ(validateUsername("space man").error().code, "invalid_username");
  EXPECT_TRUE(validateUsername("Ok_name-3").ok());
  EXPECT_TRUE(validateUsername(std::string(32, 'z')).ok());
  EXPECT_EQ(validatePassword("123456789").error().code, "weak_password");
  EXPECT_TRUE(validatePassword("1234567890").ok());
}

TEST_F(AccountServiceTest, WrongPasswordAndUnknownUserLookAlike) {
  ASSERT_TRUE(service_->registerUser("helios", "sunrise over io").ok());
  auto wrong = service_->login("helios", "sunset over io");
  auto unknown = service_->login("selene", "sunset over io");
  ASSERT_FALSE(wrong.ok());
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(wrong.error().code, unknown.error().code);
  EXPECT_EQ(wrong.error().message, unknown.error().message);
}

}  // namespace
}  // namespace startales::account
