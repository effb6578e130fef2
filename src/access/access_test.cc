#include "access/access_service.h"

#include <gtest/gtest.h>

#include "access/access_test_util.h"
#include "standards/national_ids.h"

namespace citydata::access {
namespace {

// A valid 18-digit ID number with the given 17-digit body.
std::string Id(const std::string& body17) {
  return body17 + standards::IdCheckCharacter(body17).value();
}

class AccessTest : public testing::AccessFixture {
 protected:
  void SetUp() override {
    OpenStack("access");
    LoadPeople();
  }

  void LoadPeople() {
    Schema schema = {{"order_no", ColumnType::kText}, {"xm", ColumnType::kText},
                     {"lxdh", ColumnType::kText}, {"district", ColumnType::kText}};
    auto w = engine_->BeginWrite(people_, schema, storage::WriteMode::kAppend, "").value();
    const char* names[] = {"张伟", "王芳", "李娜", "刘洋"};
    for (int i = 0; i < 200; ++i) {
      std::string id = Id("11010519900101" + std::to_string(1000 + i).substr(1, 3));
      ids_seen_.push_back(id);
      std::string mobile = "138" + std::to_string(10000000 + i * 37);
      mobiles_.push_back(mobile);
      ASSERT_TRUE(w->Append({Value(id), Value(std::string(names[i % 4])), Value(mobile),
                             Value(std::string(i % 2 ? "东城区" : "西城区"))})
                      .ok());
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

  // Every value the query returns, as text.
  Result<std::vector<std::string>> Query(const security::Principal& who, const std::string& sql) {
    auto scope = access_->ScopeFor(who);
    return Run(sql, scope ? &*scope : nullptr);
  }

  Result<std::vector<std::string>> Run(const std::string& sql, const storage::ReadScope* scope) {
    ASSIGN_OR_RETURN(auto cursor, engine_->Query(sql, {}, scope));
    std::vector<std::string> out;
    std::vector<Value> row;
    while (true) {
      ASSIGN_OR_RETURN(bool more, cursor->Next(row));
      if (!more) break;
      for (const auto& v : row) out.push_back(ValueText(v));
    }
    return out;
  }

  DatasetName people_{Zone::kRaw, "people"};
  std::vector<std::string> ids_seen_, mobiles_;
};

TEST_F(AccessTest, ColumnsAreClassifiedByTheirValuesWhateverTheirNames) {
  auto grade = *classification_->Get(people_).value();
  EXPECT_EQ(grade.grade, Level::kGeneral4);
  std::map<std::string, std::string> categories;
  for (const auto& c : grade.columns) categories[c.name] = c.category;
  EXPECT_EQ(categories["order_no"], "id_card");
  EXPECT_EQ(categories["xm"], "name");
  EXPECT_EQ(categories["lxdh"], "mobile");
}

TEST_F(AccessTest, AConsumerWithoutClearanceNeverSeesARawValue) {
  security::Principal consumer = User("cal", "mzj", "consumer", "general-1");
  EXPECT_EQ(Query(consumer, "SELECT * FROM raw.people").status().code(),
            ErrorCode::kPermissionDenied);
  security::Principal admin = User("boss", "", "admin", "core");
  ASSERT_TRUE(identity_->Grant(admin, "cal", people_, security::GrantTerms()).ok());
  std::vector<std::string> probes = {
      "SELECT * FROM raw.people",
      "SELECT substr(order_no, 1, 17), CAST(lxdh AS INTEGER), order_no || lxdh FROM raw.people",
      "SELECT a.order_no FROM raw.people a JOIN raw.people b ON a.order_no = b.order_no",
      "SELECT order_no, count(*) FROM raw.people GROUP BY order_no",
      "SELECT count(*) FROM raw.people WHERE order_no = '" + ids_seen_[0] + "'"};
  for (const auto& sql : probes) {
    auto values = Query(consumer, sql);
    ASSERT_TRUE(values.ok()) << sql << ": " << values.status().ToString();
    for (const auto& v : *values) {
      for (const auto& id : ids_seen_) ASSERT_EQ(v.find(id.substr(6, 8)), std::string::npos) << sql;
      for (const auto& m : mobiles_) ASSERT_NE(v, m) << sql;
    }
  }
  auto where = Query(consumer, probes.back());
  EXPECT_EQ(*where, std::vector<std::string>{"0"});
  auto masked = Query(consumer, "SELECT order_no, lxdh FROM raw.people LIMIT 1").value();
  EXPECT_EQ(masked[0], ids_seen_[0].substr(0, 6) + "********" + ids_seen_[0].substr(14));
  EXPECT_EQ(masked[1], mobiles_[0].substr(0, 3) + "****" + mobiles_[0].substr(7));
  auto raw = Query(admin, "SELECT order_no FROM raw.people LIMIT 1").value();
  EXPECT_EQ(raw[0], ids_seen_[0]);
}

TEST_F(AccessTest, ProfilesAreMaskedAndColumnGrantsHideColumns) {
  security::Principal admin = User("boss", "", "admin", "core");
  security::Principal consumer = User("cal", "mzj", "consumer", "general-1");
  auto meta = catalog_->Get(people_).value();
  auto before = access_->MaskedMetadata(consumer, meta).value();
  for (const auto& c : before.columns) {
    for (const auto& m : mobiles_) EXPECT_EQ(c.profile_json.find(m), std::string::npos);
  }
  security::GrantTerms district_only;
  district_only.columns = {"district"};
  ASSERT_TRUE(identity_->Grant(admin, "cal", people_, district_only).ok());
  auto after = access_->MaskedMetadata(consumer, meta).value();
  ASSERT_EQ(after.columns.size(), 1u);
  EXPECT_EQ(after.columns[0].name, "district");
  EXPECT_NE(after.columns[0].profile_json.find("东城区"), std::string::npos);
  EXPECT_FALSE(Query(consumer, "SELECT lxdh FROM raw.people").ok());
  EXPECT_TRUE(Query(consumer, "SELECT district FROM raw.people").ok());
}

TEST_F(AccessTest, ADatasetScopeShowsOnlyThatDatasetAndItsColumnsMasked) {
  security::Principal reader = User("cal", "mzj", "consumer", "general-2");
  storage::ReadScope scope = access_->ScopeForDataset(reader, people_, {"order_no", "district"});
  auto rows = Run("SELECT order_no, district FROM raw.people LIMIT 1", &scope);
  ASSERT_TRUE(rows.ok()) << rows.status().ToString();
  EXPECT_EQ((*rows)[0], ids_seen_[0].substr(0, 6) + "********" + ids_seen_[0].substr(14));
  EXPECT_FALSE(Run("SELECT lxdh FROM raw.people", &scope).ok());  // not among the columns
  EXPECT_EQ(Run("SELECT * FROM raw.other", &scope).status().code(), ErrorCode::kPermissionDenied);
  auto access = access_->ResolveWithColumns(reader, people_, {"district"});
  ASSERT_TRUE(access.ok());
  ASSERT_EQ(access->columns.size(), 1u);
  EXPECT_EQ(access->columns[0].name, "district");
}

TEST_F(AccessTest, AStaticMaskedCopyHoldsNoRawValue) {
  auto copy = access_->MaskCopy(people_, {Zone::kStd, "people_masked"},
                                security::Role::kConsumer, Level::kGeneral1);
  ASSERT_TRUE(copy.ok()) << copy.status().ToString();
  EXPECT_EQ(copy->rows, 200);
  security::Principal admin = User("boss", "", "admin", "core");
  auto values = Query(admin, "SELECT * FROM std.people_masked").value();
  for (const auto& v : values) {
    for (const auto& m : mobiles_) ASSERT_NE(v, m);
  }
}

}  // namespace
}  // namespace citydata::access
