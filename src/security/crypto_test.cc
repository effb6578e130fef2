#include <gtest/gtest.h>

#include <filesystem>

#include "security/crypto.h"
#include "security/token_service.h"

namespace citydata::security {
namespace {

TEST(Sm3, MatchesTheStandardVector) {
  EXPECT_EQ(Sm3Hex("abc"), "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0");
}

TEST(TokenService, BootstrapsOnceAndAuthenticatesByHashOnly) {
  auto path = std::filesystem::temp_directory_path() /
              ("citydata_token_test_" + std::to_string(::getpid()) + ".db");
  std::filesystem::remove(path);
  auto store = storage::OpenSqliteMetaStore(path.string());
  ASSERT_TRUE(store.ok());
  TokenService tokens(**store);
  auto first = tokens.BootstrapAdmin();
  ASSERT_TRUE(first.ok() && first->has_value());
  EXPECT_FALSE(tokens.BootstrapAdmin()->has_value());
  auto who = tokens.Authenticate(**first);
  ASSERT_TRUE(who.ok());
  EXPECT_EQ(who->role, "admin");
  EXPECT_EQ(tokens.Authenticate("cdt_" + std::string(64, '0')).status().code(),
            ErrorCode::kUnauthenticated);
  EXPECT_FALSE(tokens.Authenticate("").ok());
  EXPECT_FALSE((*store)->FindTokenByHash(**first)->has_value());
  auto expired = tokens.Create("old", "admin", "2000-01-01T00:00:00Z");
  ASSERT_TRUE(expired.ok());
  EXPECT_FALSE(tokens.Authenticate(*expired).ok());
  store->reset();
  for (auto suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path.string() + suffix);
}

}  // namespace
}  // namespace citydata::security
