#include "sandbox/sandbox_service.h"

#include <gtest/gtest.h>

#include "access/access_test_util.h"
#include "standards/national_ids.h"

namespace citydata::sandbox {
namespace {

// 200 people in districts of 100, 60, 30, 5, 3 and 2.
constexpr std::pair<const char*, int> kDistricts[] = {
    {"东城区", 100}, {"西城区", 60}, {"朝阳区", 30}, {"海淀区", 5}, {"丰台区", 3}, {"石景山区", 2}};

class SandboxServiceTest : public access::testing::AccessFixture {
 protected:
  void SetUp() override {
    OpenStack("sandbox");
    audit_ = std::move(audit::OpenAuditLog(dir_.string()).value());
    sandbox_ = std::make_unique<SandboxService>(*policy_, *access_, *engine_, *ids_, *audit_,
                                                SandboxConfig{});
    LoadPeople();
    admin_ = User("boss", "", "admin", "core");
    consumer_ = User("cal", "mzj", "consumer", "general-2");
  }
  void TearDown() override {
    sandbox_.reset();
    audit_.reset();
    AccessFixture::TearDown();
  }

  void LoadPeople() {
    Schema schema = {{"sfzh", ColumnType::kText},
                     {"district", ColumnType::kText},
                     {"age", ColumnType::kInteger},
                     {"salary", ColumnType::kInteger}};
    auto w = engine_->BeginWrite(people_, schema, storage::WriteMode::kAppend, "").value();
    int i = 0;
    for (const auto& [district, size] : kDistricts) {
      for (int j = 0; j < size; ++j, ++i) {
        std::string body = "11010519900101" + std::to_string(1000 + i).substr(1, 3);
        std::string id = body + standards::IdCheckCharacter(body).value();
        ASSERT_TRUE(w->Append({Value(id), Value(std::string(district)), Value(int64_t{20 + i % 50}),
                               Value(int64_t{3000 + 10 * i})})
                        .ok());
      }
    }
    ASSERT_TRUE(w->Commit().ok());
    storage::DatasetMeta meta;
    meta.name = people_;
    meta.dept_code = "gaj";
    meta.title = "人口";
    ASSERT_TRUE(meta_->PutDataset(meta).ok());
    ASSERT_TRUE(catalog_->Reprofile(people_).ok());
    ASSERT_TRUE(classification_->Classify(people_).ok());
  }

  security::Principal User(const std::string& name, const std::string& dept,
                           const std::string& role, const std::string& clearance) {
    EXPECT_TRUE(identity_->AddUser({name, dept, role, clearance, "password1"}).ok());
    auto token = identity_->Login(name, "password1").value();
    return identity_->Authenticate(token.secret).value();
  }

  std::string GrantSandbox(double budget, std::vector<std::string> columns = {}) {
    security::GrantTerms terms;
    terms.columns = std::move(columns);
    terms.purpose = "统计分析";
    terms.delivery_mode = "sandbox";
    terms.privacy_budget = budget;
    return identity_->Grant(admin_, "cal", people_, terms).value().id;
  }

  Result<SandboxResult> Ask(const std::string& sql, std::optional<double> epsilon = std::nullopt) {
    SandboxRequest request;
    request.sql = sql;
    request.epsilon = epsilon;
    return sandbox_->Query(consumer_, request);
  }

  DatasetName people_{Zone::kStd, "people"};
  std::unique_ptr<audit::AuditLog> audit_;
  std::unique_ptr<SandboxService> sandbox_;
  security::Principal admin_, consumer_;
};

TEST_F(SandboxServiceTest, OnlyGroupsOfAtLeastKRowsLeave) {
  GrantSandbox(0);
  auto result = Ask(
      "SELECT district, count(*) AS n, sum(salary) FROM std.people GROUP BY district "
      "ORDER BY n DESC");
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  EXPECT_EQ(result->k, 10);
  EXPECT_EQ(result->suppressed_groups, 3);
  ASSERT_EQ(result->columns.size(), 3u);
  EXPECT_EQ(result->columns[1], "n");
  ASSERT_EQ(result->rows.size(), 3u);
  EXPECT_EQ(std::get<std::string>(result->rows[0][0]), "东城区");
  EXPECT_EQ(std::get<int64_t>(result->rows[0][1]), 100);
  EXPECT_EQ(std::get<int64_t>(result->rows[2][1]), 30);

  auto one = Ask("SELECT count(*) FROM std.people WHERE district = '海淀区'");
  ASSERT_TRUE(one.ok()) << one.status().ToString();
  EXPECT_TRUE(one->rows.empty());
  EXPECT_EQ(one->suppressed_groups, 1);
  EXPECT_EQ(Ask("SELECT age, count(*) FROM std.people GROUP BY age")->rows.size(), 0u);
}

TEST_F(SandboxServiceTest, SensitiveColumnsAndRawRowsNeverLeave) {
  GrantSandbox(0);
  EXPECT_EQ(Ask("SELECT sfzh, count(*) FROM std.people GROUP BY sfzh").status().code(),
            ErrorCode::kPermissionDenied);
  EXPECT_EQ(Ask("SELECT * FROM std.people").status().code(), ErrorCode::kInvalidArgument);
  auto distinct = Ask("SELECT count(DISTINCT sfzh) FROM std.people");
  ASSERT_TRUE(distinct.ok()) << distinct.status().ToString();
  EXPECT_EQ(std::get<int64_t>(distinct->rows[0][0]), 200);
}

TEST_F(SandboxServiceTest, OnlyASandboxGrantOpensTheSandbox) {
  EXPECT_EQ(Ask("SELECT count(*) FROM std.people").status().code(),
            ErrorCode::kPermissionDenied);
  security::GrantTerms api;
  ASSERT_TRUE(identity_->Grant(admin_, "cal", people_, api).ok());
  EXPECT_EQ(Ask("SELECT count(*) FROM std.people").status().code(),
            ErrorCode::kPermissionDenied);
  GrantSandbox(0, {"district", "age"});
  EXPECT_TRUE(Ask("SELECT district, count(*) FROM std.people GROUP BY district").ok());
  EXPECT_EQ(Ask("SELECT sum(salary) FROM std.people").status().code(),
            ErrorCode::kPermissionDenied);  // outside the grant's columns
  EXPECT_EQ(sandbox_->Grants(consumer_)->size(), 1u);
}

TEST_F(SandboxServiceTest, TheBudgetPaysForNoisyQueriesUntilItRunsOut) {
  std::string grant = GrantSandbox(1.0);
  EXPECT_EQ(Ask("SELECT count(*) FROM std.people").status().code(), ErrorCode::kInvalidArgument);
  auto first = Ask("SELECT district, count(*) FROM std.people GROUP BY district", 0.4);
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  EXPECT_EQ(first->grant_id, grant);
  EXPECT_DOUBLE_EQ(first->epsilon_spent, 0.4);
  EXPECT_NEAR(first->budget_remaining, 0.6, 1e-9);
  EXPECT_EQ(Ask("SELECT sum(salary) FROM std.people", 0.1).status().code(),
            ErrorCode::kInvalidArgument);  // a noisy sum needs clip bounds
  EXPECT_EQ(Ask("SELECT district, count(*) FROM std.people GROUP BY district HAVING count(*) > 50",
                0.1)
                .status()
                .code(),
            ErrorCode::kInvalidArgument);
  SandboxRequest clipped;
  clipped.sql = "SELECT sum(salary), count(*) FROM std.people";
  clipped.epsilon = 0.4;
  clipped.clip = std::make_pair(0.0, 5000.0);
  auto sum = sandbox_->Query(consumer_, clipped);
  ASSERT_TRUE(sum.ok()) << sum.status().ToString();
  EXPECT_NEAR(sum->budget_remaining, 0.2, 1e-9);
  auto refused = Ask("SELECT count(*) FROM std.people", 0.4);
  EXPECT_EQ(refused.status().code(), ErrorCode::kPermissionDenied);
  EXPECT_NE(refused.status().message().find("exhausted"), std::string::npos);
  EXPECT_NEAR(sandbox_->Grants(consumer_)->front().budget_spent, 0.8, 1e-9);
}

TEST_F(SandboxServiceTest, EveryQueryIsAudited) {
  GrantSandbox(0);
  ASSERT_TRUE(Ask("SELECT district, count(*) FROM std.people GROUP BY district").ok());
  ASSERT_FALSE(Ask("SELECT max(salary) FROM std.people").ok());
  storage::AuditFilter filter;
  filter.action = "sandbox.query";
  auto page = audit_->List(filter).value();
  ASSERT_EQ(page.total, 2);
  EXPECT_EQ(page.items[0].outcome, "error");
  EXPECT_NE(page.items[0].detail.find("max(salary)"), std::string::npos);
  EXPECT_EQ(page.items[1].outcome, "allowed");
  EXPECT_EQ(page.items[1].rows, 3);
  EXPECT_NE(page.items[1].detail.find("suppressed groups 3"), std::string::npos);
  EXPECT_EQ(page.items[1].target, "std.people");
}

}  // namespace
}  // namespace citydata::sandbox
