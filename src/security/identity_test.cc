#include <gtest/gtest.h>
#include <unistd.h>

#include <ctime>
#include <filesystem>

#include "core/clock.h"
#include "security/app_service.h"
#include "security/crypto.h"
#include "security/identity_service.h"
#include "security/password.h"
#include "security/policy.h"

namespace citydata::security {
namespace {

// Grant terms for tests: the columns, the delivery mode and the privacy budget.
security::GrantTerms Terms(std::vector<std::string> columns, std::string mode = "api",
                           double budget = 0) {
  security::GrantTerms terms;
  terms.columns = std::move(columns);
  terms.purpose = "核查";
  terms.delivery_mode = std::move(mode);
  terms.privacy_budget = budget;
  return terms;
}


namespace fs = std::filesystem;

class IdentityTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("citydata_identity_" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    meta_ = std::move(storage::OpenSqliteMetaStore((dir_ / "meta.db").string()).value());
    store_ = std::move(storage::OpenSqliteIdentityStore((dir_ / "identity.db").string()).value());
    ASSERT_TRUE(meta_->AddDepartment({"gaj", "市公安局", ""}).ok());
    ASSERT_TRUE(meta_->AddDepartment({"mzj", "市民政局", ""}).ok());
    IdentityOptions options;
    options.lockout = std::chrono::seconds(60);
    identity_ = std::make_unique<IdentityService>(*store_, *meta_, options);
  }
  void TearDown() override {
    identity_.reset();
    store_.reset();
    meta_.reset();
    fs::remove_all(dir_);
  }

  Principal Login(const std::string& name, const std::string& password) {
    auto token = identity_->Login(name, password);
    EXPECT_TRUE(token.ok()) << token.status().ToString();
    return identity_->Authenticate(token->secret).value();
  }

  fs::path dir_;
  std::unique_ptr<storage::MetaStore> meta_;
  std::unique_ptr<storage::IdentityStore> store_;
  std::unique_ptr<IdentityService> identity_;
};

TEST(Password, Argon2idRoundTripAndStrength) {
  auto hash = HashPassword("correct horse");
  ASSERT_TRUE(hash.ok());
  EXPECT_TRUE(hash->starts_with("$argon2id$"));
  EXPECT_TRUE(VerifyPassword(*hash, "correct horse"));
  EXPECT_FALSE(VerifyPassword(*hash, "correct horsE"));
  EXPECT_FALSE(VerifyPassword("not a hash", "x"));
  EXPECT_NE(*hash, *HashPassword("correct horse"));  // salted
  EXPECT_FALSE(CheckPasswordStrength("short").ok());
}

TEST_F(IdentityTest, BootstrapCreatesAnAdminOnceAndStoresOnlyDigests) {
  auto secret = identity_->Bootstrap();
  ASSERT_TRUE(secret.ok() && secret->has_value());
  EXPECT_FALSE(identity_->Bootstrap()->has_value());
  auto who = identity_->Authenticate(**secret);
  ASSERT_TRUE(who.ok());
  EXPECT_EQ(who->role, Role::kAdmin);
  EXPECT_EQ(who->clearance, Level::kCore);
  EXPECT_FALSE(store_->FindTokenByHash(**secret)->has_value());
  EXPECT_TRUE(store_->FindTokenByHash(Sm3Hex(**secret))->has_value());
  EXPECT_EQ(identity_->Authenticate("cdt_" + std::string(64, '0')).status().code(),
            ErrorCode::kUnauthenticated);
  EXPECT_FALSE(identity_->Authenticate("").ok());
}

TEST_F(IdentityTest, UsersAreValidated) {
  EXPECT_EQ(identity_->AddUser({"bob", "nope", "consumer", "", ""}).status().code(),
            ErrorCode::kNotFound);
  EXPECT_EQ(identity_->AddUser({"bob", "gaj", "king", "", ""}).status().code(),
            ErrorCode::kInvalidArgument);
  EXPECT_EQ(identity_->AddUser({"bob", "gaj", "consumer", "top", ""}).status().code(),
            ErrorCode::kInvalidArgument);
  EXPECT_EQ(identity_->AddUser({"bob", "", "consumer", "", ""}).status().code(),
            ErrorCode::kInvalidArgument);
  EXPECT_EQ(identity_->AddUser({"bob", "gaj", "consumer", "", "short"}).status().code(),
            ErrorCode::kInvalidArgument);
  auto bob = identity_->AddUser({"bob", "gaj", "consumer", "", "password1"});
  ASSERT_TRUE(bob.ok());
  EXPECT_EQ(bob->clearance, "general-1");
  EXPECT_EQ(identity_->AddUser({"bob", "gaj", "consumer", "", ""}).status().code(),
            ErrorCode::kAlreadyExists);
}

TEST_F(IdentityTest, LoginOpensAnExpiringSessionAndLocksAfterFiveFailures) {
  ASSERT_TRUE(identity_->AddUser({"amy", "gaj", "provider", "general-3", "password1"}).ok());
  Principal amy = Login("amy", "password1");
  EXPECT_EQ(amy.role, Role::kProvider);
  EXPECT_EQ(amy.dept, "gaj");
  EXPECT_EQ(amy.clearance, Level::kGeneral3);
  auto tokens = identity_->Tokens(amy, false);
  ASSERT_EQ(tokens->size(), 1u);
  EXPECT_EQ((*tokens)[0].kind, "session");
  EXPECT_GT((*tokens)[0].expires_at, NowIso());

  EXPECT_EQ(identity_->Login("nobody", "password1").status().code(), ErrorCode::kUnauthenticated);
  for (int i = 0; i < 5; ++i) EXPECT_FALSE(identity_->Login("amy", "wrong password").ok());
  auto locked = identity_->Login("amy", "password1");
  ASSERT_FALSE(locked.ok());
  EXPECT_NE(locked.status().message().find("locked"), std::string::npos);
  // An administrator resetting the password lifts the lock.
  UserPatch reset;
  reset.password = "password2";
  ASSERT_TRUE(identity_->UpdateUser("amy", reset).ok());
  EXPECT_TRUE(identity_->Login("amy", "password2").ok());
}

TEST_F(IdentityTest, DisablingAUserOrRevokingATokenStopsItAtOnce) {
  ASSERT_TRUE(identity_->AddUser({"cal", "mzj", "consumer", "", "password1"}).ok());
  Principal cal = Login("cal", "password1");
  auto api = identity_->CreateToken(cal, "etl", "");
  ASSERT_TRUE(api.ok());
  EXPECT_TRUE(identity_->Authenticate(api->secret).ok());
  EXPECT_FALSE(identity_->CreateToken(cal, "old", "2000-01-01T00:00:00Z").ok());
  // An expiry that is not a time would compare after every real one: refused.
  EXPECT_FALSE(identity_->CreateToken(cal, "odd", "garbage").ok());
  EXPECT_FALSE(identity_->CreateToken(cal, "odd", "2999-02-30").ok());
  auto dated = identity_->CreateToken(cal, "dated", "2999-01-01");
  ASSERT_TRUE(dated.ok());
  EXPECT_EQ(dated->record.expires_at, "2999-01-01T00:00:00Z");

  ASSERT_TRUE(identity_->AddUser({"dan", "mzj", "consumer", "", "password1"}).ok());
  Principal dan = Login("dan", "password1");
  EXPECT_EQ(identity_->RevokeToken(dan, api->record.id).code(), ErrorCode::kNotFound);
  ASSERT_TRUE(identity_->RevokeToken(cal, api->record.id).ok());
  EXPECT_FALSE(identity_->Authenticate(api->secret).ok());

  auto session = identity_->Login("cal", "password1");
  UserPatch disable;
  disable.disabled = true;
  ASSERT_TRUE(identity_->UpdateUser("cal", disable).ok());
  EXPECT_FALSE(identity_->Authenticate(session->secret).ok());
  EXPECT_FALSE(identity_->Login("cal", "password1").ok());
}

TEST_F(IdentityTest, PolicyDeniesByDefaultAndHonoursOwnershipAndGrants) {
  storage::DatasetMeta meta;
  meta.name = {Zone::kRaw, "people"};
  meta.dept_code = "gaj";
  meta.columns = {{"id_number", ColumnType::kText, "", ""}, {"name", ColumnType::kText, "", ""}};
  ASSERT_TRUE(meta_->PutDataset(meta).ok());
  ASSERT_TRUE(identity_->AddUser({"pro", "gaj", "provider", "", "password1"}).ok());
  ASSERT_TRUE(identity_->AddUser({"other", "mzj", "provider", "", "password1"}).ok());
  ASSERT_TRUE(identity_->AddUser({"con", "mzj", "consumer", "", "password1"}).ok());
  ASSERT_TRUE(identity_->AddUser({"aud", "", "auditor", "", "password1"}).ok());
  Policy policy(*store_);
  DatasetRef people{meta.name, "gaj"};
  auto allowed = [&](const Principal& p, Action a) {
    return policy.Decide(p, a, &people).value().allowed;
  };
  Principal pro = Login("pro", "password1"), other = Login("other", "password1"),
            con = Login("con", "password1"), aud = Login("aud", "password1");
  EXPECT_TRUE(allowed(pro, Action::kWriteData));
  EXPECT_TRUE(allowed(pro, Action::kReadData));
  EXPECT_FALSE(allowed(other, Action::kWriteData));
  EXPECT_FALSE(allowed(other, Action::kReadData));
  EXPECT_FALSE(allowed(con, Action::kReadData));
  EXPECT_FALSE(allowed(aud, Action::kReadData));
  EXPECT_TRUE(policy.Decide(aud, Action::kReadAudit).value().allowed);
  EXPECT_FALSE(policy.Decide(con, Action::kReadAudit).value().allowed);
  EXPECT_FALSE(policy.Decide(pro, Action::kManageUsers).value().allowed);

  EXPECT_EQ(identity_->Grant(pro, "con", meta.name, Terms({"nope"})).status().code(),
            ErrorCode::kNotFound);
  EXPECT_EQ(identity_->Grant(pro, "con", meta.name, Terms({}, "email")).status().code(),
            ErrorCode::kInvalidArgument);
  EXPECT_EQ(identity_->Grant(pro, "con", meta.name, Terms({}, "api", 1)).status().code(),
            ErrorCode::kInvalidArgument);  // only sandbox grants have a budget

  // A sandbox grant allows aggregate queries only: it never lets its holder read rows.
  auto sandbox = identity_->Grant(pro, "con", meta.name, Terms({}, "sandbox", 1.0));
  ASSERT_TRUE(sandbox.ok());
  EXPECT_FALSE(allowed(con, Action::kReadData));
  EXPECT_NEAR(store_->SpendBudget(sandbox->id, 0.6).value(), 0.6, 1e-9);
  EXPECT_EQ(store_->SpendBudget(sandbox->id, 0.6).status().code(), ErrorCode::kResourceExhausted);
  EXPECT_NEAR(store_->SpendBudget(sandbox->id, 0.4).value(), 1.0, 1e-9);
  EXPECT_NEAR(store_->FindGrant(sandbox->id).value()->budget_spent, 1.0, 1e-9);
  EXPECT_EQ(store_->SpendBudget("grt_none", 0.1).status().code(), ErrorCode::kNotFound);
  EXPECT_EQ(store_->SpendBudget(sandbox->id, -1).status().code(), ErrorCode::kInvalidArgument);

  auto grant = identity_->Grant(pro, "con", meta.name, Terms({"name"}));
  ASSERT_TRUE(grant.ok());
  EXPECT_TRUE(allowed(con, Action::kReadData));
  EXPECT_FALSE(allowed(con, Action::kWriteData));
  auto scope = policy.GrantFor(con, meta.name).value();
  ASSERT_TRUE(scope.has_value());
  EXPECT_EQ(scope->columns, std::vector<std::string>{"name"});
  ASSERT_TRUE(identity_->RevokeGrant(grant->id).ok());
  EXPECT_FALSE(allowed(con, Action::kReadData));
}

// A sealer for tests: a fixed SM4 key.
SecretSealer TestSealer() {
  std::string key(kSealKeyBytes, 'k');
  return {[key](std::string_view secret) { return Sm4Seal(key, secret); },
          [key](std::string_view sealed) { return Sm4Open(key, sealed); }};
}

TEST_F(IdentityTest, AppsAuthenticateByKeyOrSignatureAndAreRateLimited) {
  ASSERT_TRUE(identity_->AddUser({"cal", "mzj", "consumer", "", "password1"}).ok());
  Principal cal = Login("cal", "password1");
  AppService apps(*store_, TestSealer());
  EXPECT_FALSE(apps.Create(cal, "x", 0, 10).ok());
  auto app = apps.Create(cal, "核查", 2, 1000);
  ASSERT_TRUE(app.ok()) << app.status().ToString();
  EXPECT_EQ(app->record.sealed_secret.find(app->secret), std::string::npos);
  auto by_key = apps.AuthenticateKey(app->app_key);
  ASSERT_TRUE(by_key.ok());
  EXPECT_EQ(by_key->name, "cal");
  EXPECT_EQ(by_key->app_id, app->record.id);
  EXPECT_FALSE(Policy::MayEver(*by_key, Action::kManageOwnTokens));
  EXPECT_TRUE(Policy::MayEver(*by_key, Action::kReadData));

  SignedRequest request{app->app_key, std::to_string(std::time(nullptr)), "nonce-0001", "",
                        "GET", "/api/v1/datasets/raw/p/rows", {{"offset", "0"}, {"limit", "5"}}};
  EXPECT_EQ(SigningString(request),
            "GET\n/api/v1/datasets/raw/p/rows\nlimit=5&offset=0\n" + request.timestamp +
                "\nnonce-0001");
  request.signature = HmacSha256Hex(app->secret, SigningString(request));
  EXPECT_TRUE(apps.AuthenticateSigned(request).ok());
  EXPECT_FALSE(apps.AuthenticateSigned(request).ok());  // replayed nonce
  request.nonce = "nonce-0002";
  EXPECT_FALSE(apps.AuthenticateSigned(request).ok());  // signature of another nonce
  request.signature = HmacSha256Hex(app->secret, SigningString(request));
  request.timestamp = "1000";
  request.signature = HmacSha256Hex(app->secret, SigningString(request));
  EXPECT_FALSE(apps.AuthenticateSigned(request).ok());  // stale

  int64_t retry = 0;
  EXPECT_TRUE(apps.Admit(*by_key, retry).ok());
  EXPECT_TRUE(apps.Admit(*by_key, retry).ok());
  Status limited = apps.Admit(*by_key, retry);
  EXPECT_EQ(limited.code(), ErrorCode::kRateLimited);
  EXPECT_GE(retry, 1);

  ASSERT_TRUE(apps.Revoke(cal, app->record.id).ok());
  EXPECT_FALSE(apps.AuthenticateKey(app->app_key).ok());
}

}  // namespace
}  // namespace citydata::security
