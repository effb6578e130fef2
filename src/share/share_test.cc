#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "catalog/catalog_service.h"
#include "classify/classifier.h"
#include "share/catalog_export.h"
#include "share/resource_catalog_service.h"
#include "standards/national_ids.h"
#include "storage/governance_store.h"
#include "storage/identity_store.h"
#include "storage/share_store.h"
#include "storage/sqlite/sqlite_engine.h"

namespace citydata::share {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

security::Principal User(const std::string& name, const std::string& dept, security::Role role) {
  security::Principal p;
  p.user_id = "usr_" + name;
  p.name = name;
  p.dept = dept;
  p.role = role;
  return p;
}

class ShareTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("citydata_share_" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_ / "zones");
    meta_ = std::move(storage::OpenSqliteMetaStore((dir_ / "meta.db").string()).value());
    gov_ = std::move(storage::OpenSqliteGovernanceStore((dir_ / "gov.db").string()).value());
    ids_ = std::move(storage::OpenSqliteIdentityStore((dir_ / "id.db").string()).value());
    store_ = std::move(storage::OpenSqliteShareStore((dir_ / "share.db").string()).value());
    engine_ = std::move(storage::SqliteEngine::Open((dir_ / "zones").string()).value());
    catalog_ = std::make_unique<catalog::CatalogService>(*meta_, *engine_);
    classifier_ = std::move(classify::Classifier::Create().value());
    classification_ =
        std::make_unique<governance::ClassificationService>(*gov_, *meta_, *engine_, *classifier_);
    policy_ = std::make_unique<security::Policy>(*ids_);
    service_ =
        std::make_unique<ResourceCatalogService>(*store_, *catalog_, *classification_, *policy_);
    ASSERT_TRUE(meta_->AddDepartment({"gaj", "市公安局", ""}).ok());
    ASSERT_TRUE(meta_->AddDepartment({"mzj", "市民政局", ""}).ok());
    Load(people_, "gaj", "户籍人口", true);
    Load(places_, "mzj", "养老机构", false);
  }
  void TearDown() override {
    service_.reset();
    engine_.reset();
    fs::remove_all(dir_);
  }

  // A dataset of 100 rows: an ID-number column (general-4) when `sensitive`, a district
  // and a count.
  void Load(const DatasetName& name, const std::string& dept, const std::string& title,
            bool sensitive) {
    Schema schema = {{"district", ColumnType::kText}, {"amount", ColumnType::kInteger}};
    if (sensitive) schema.push_back({"sfzh", ColumnType::kText});
    auto w = engine_->BeginWrite(name, schema, storage::WriteMode::kAppend, "").value();
    for (int i = 0; i < 100; ++i) {
      std::vector<Value> row = {Value(std::string(i % 2 ? "东城区" : "西城区")), Value(int64_t{i})};
      if (sensitive) {
        std::string body = "11010519900101" + std::to_string(1000 + i).substr(1, 3);
        row.push_back(Value(body + standards::IdCheckCharacter(body).value()));
      }
      ASSERT_TRUE(w->Append(row).ok());
    }
    ASSERT_TRUE(w->Commit().ok());
    storage::DatasetMeta meta;
    meta.name = name;
    meta.dept_code = dept;
    meta.title = title;
    meta.description = title + "数据";
    ASSERT_TRUE(meta_->PutDataset(meta).ok());
    ASSERT_TRUE(catalog_->Reprofile(name).ok());
  }

  PublishRequest Request(const DatasetName& dataset) {
    PublishRequest r;
    r.dataset = dataset;
    r.classification = "基础信息资源类/人口/户籍/户籍人口";
    r.sharing = "conditional";
    r.sharing_conditions = "仅用于社会救助核查";
    r.opening = "closed";
    r.update_cycle = "daily";
    return r;
  }

  fs::path dir_;
  DatasetName people_{Zone::kRaw, "people"};
  DatasetName places_{Zone::kRaw, "places"};
  security::Principal gaj_ = User("pat", "gaj", security::Role::kProvider);
  security::Principal mzj_ = User("may", "mzj", security::Role::kProvider);
  security::Principal steward_ = User("sam", "", security::Role::kSteward);
  security::Principal consumer_ = User("cal", "mzj", security::Role::kConsumer);
  std::unique_ptr<storage::MetaStore> meta_;
  std::unique_ptr<storage::GovernanceStore> gov_;
  std::unique_ptr<storage::IdentityStore> ids_;
  std::unique_ptr<storage::ShareStore> store_;
  std::unique_ptr<storage::SqliteEngine> engine_;
  std::unique_ptr<catalog::CatalogService> catalog_;
  std::unique_ptr<classify::Classifier> classifier_;
  std::unique_ptr<governance::ClassificationService> classification_;
  std::unique_ptr<security::Policy> policy_;
  std::unique_ptr<ResourceCatalogService> service_;
};

TEST(ResourceModel, ParsesAttributesCyclesAndClassifications) {
  EXPECT_EQ(*ParseSharing("有条件共享"), Sharing::kConditional);
  EXPECT_EQ(*ParseOpening("open"), Opening::kOpen);
  EXPECT_FALSE(ParseSharing("maybe").ok());
  EXPECT_EQ(*ParseUpdateCycle("每季度"), "quarterly");
  EXPECT_FALSE(ParseUpdateCycle("hourly").ok());
  auto names = ParseClassificationPath("基础信息资源/人口/户籍");
  ASSERT_TRUE(names.ok());
  EXPECT_EQ(names->front(), "基础信息资源类");
  EXPECT_FALSE(ParseClassificationPath("基础信息资源类").ok());
  EXPECT_FALSE(ParseClassificationPath("其他类/人口").ok());
  EXPECT_FALSE(ParseClassificationPath("主题信息资源类//x").ok());
}

TEST_F(ShareTest, TheOwnerPublishesWithCodesItemsAndGrade) {
  auto r = service_->Publish(gaj_, Request(people_));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->code, "101001001/000001");
  EXPECT_EQ(r->classification.code, "101001001");
  EXPECT_EQ(r->dept_name, "市公安局");
  EXPECT_EQ(r->name, "户籍人口");
  EXPECT_EQ(r->grade, Level::kGeneral4);
  ASSERT_EQ(r->items.size(), 3u);
  EXPECT_EQ(r->items[2].name, "sfzh");
  EXPECT_EQ(r->items[2].level, Level::kGeneral4);
  EXPECT_EQ(r->items[1].type, ColumnType::kInteger);
  // The same classification draws the next sequence; a sibling 目 the next 目 code.
  auto second = Request(places_);
  second.classification = "基础信息资源类/人口/户籍/户籍人口";
  auto p = service_->Publish(mzj_, second);
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  EXPECT_EQ(p->code, "101001001/000002");
  ASSERT_TRUE(service_->Unpublish(mzj_, p->id, "").ok());
  second.classification = "主题信息资源类/社会保障/养老";
  p = service_->Publish(mzj_, second);
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  EXPECT_EQ(p->code, "201001000/000001");
  EXPECT_EQ(p->version, 2);
}

TEST_F(ShareTest, OnlyTheOwnerAStewardOrAnAdminPublishes) {
  auto other = service_->Publish(mzj_, Request(people_));
  EXPECT_EQ(other.status().code(), ErrorCode::kPermissionDenied);
  EXPECT_NE(other.status().message().find("gaj"), std::string::npos);
  EXPECT_EQ(service_->Publish(consumer_, Request(people_)).status().code(),
            ErrorCode::kPermissionDenied);
  EXPECT_TRUE(service_->Publish(steward_, Request(people_)).ok());
  auto r = service_->Show("101001001/000001", false);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(service_->Unpublish(mzj_, r->first.id, "").status().code(),
            ErrorCode::kPermissionDenied);
}

TEST_F(ShareTest, RequiredFieldsAndAttributeRules) {
  auto req = Request(people_);
  req.sharing_conditions = "";
  EXPECT_EQ(service_->Publish(gaj_, req).status().code(), ErrorCode::kInvalidArgument);
  req = Request(people_);
  req.sharing = "none";
  req.sharing_conditions = "《中华人民共和国个人信息保护法》";
  req.opening = "open";
  EXPECT_EQ(service_->Publish(gaj_, req).status().code(), ErrorCode::kInvalidArgument);
  req = Request(people_);
  req.classification = "";
  EXPECT_EQ(service_->Publish(gaj_, req).status().code(), ErrorCode::kInvalidArgument);
  req = Request(people_);
  req.items = {"district", "nope"};
  EXPECT_EQ(service_->Publish(gaj_, req).status().code(), ErrorCode::kNotFound);
  req = Request(people_);
  req.related = {"999999999/000001"};
  EXPECT_EQ(service_->Publish(gaj_, req).status().code(), ErrorCode::kNotFound);
}

TEST_F(ShareTest, OpenIsRefusedForSensitiveItemsAndNamesThem) {
  auto req = Request(people_);
  req.sharing = "unconditional";
  req.opening = "open";
  auto refused = service_->Publish(gaj_, req);
  ASSERT_EQ(refused.status().code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(refused.status().message().find("sfzh (general-4)"), std::string::npos)
      << refused.status().message();
  EXPECT_EQ(refused.status().message().find("district"), std::string::npos);
  req.items = {"district", "amount"};
  auto open = service_->Publish(gaj_, req);
  ASSERT_TRUE(open.ok()) << open.status().ToString();
  EXPECT_EQ(open->items.size(), 2u);
  EXPECT_EQ(open->opening, Opening::kOpen);
}

TEST_F(ShareTest, UnpublishKeepsHistoryAndRepublishingAddsAVersion) {
  auto first = service_->Publish(gaj_, Request(people_));
  ASSERT_TRUE(first.ok());
  auto gone = service_->Unpublish(gaj_, first->code, "数据口径调整");
  ASSERT_TRUE(gone.ok()) << gone.status().ToString();
  EXPECT_EQ(gone->state, ResourceState::kUnpublished);
  EXPECT_EQ(service_->Unpublish(gaj_, first->id, "").status().code(),
            ErrorCode::kFailedPrecondition);
  EXPECT_EQ(service_->Search({}).value().total, 0);
  auto again = Request(people_);
  again.summary = "新摘要";
  ASSERT_TRUE(service_->Publish(gaj_, again).ok());
  again.summary = "第三版";
  auto third = service_->Publish(gaj_, again);
  ASSERT_TRUE(third.ok());
  EXPECT_EQ(third->id, first->id);
  EXPECT_EQ(third->code, first->code);
  EXPECT_EQ(third->version, 3);
  EXPECT_EQ(third->first_published_at, first->published_at);
  auto shown = service_->Show(first->id, true);
  ASSERT_TRUE(shown.ok());
  EXPECT_EQ(shown->first.summary, "第三版");
  ASSERT_EQ(shown->second.size(), 3u);
  EXPECT_EQ(shown->second[0].state, ResourceState::kUnpublished);
  EXPECT_EQ(shown->second[0].unpublished_reason, "数据口径调整");
  EXPECT_EQ(shown->second[1].state, ResourceState::kSuperseded);
  EXPECT_FALSE(shown->second[1].unpublished_at.empty());
  EXPECT_EQ(shown->second[2].state, ResourceState::kPublished);
}

TEST_F(ShareTest, SearchFiltersByFacetsAndChineseText) {
  ASSERT_TRUE(service_->Publish(gaj_, Request(people_)).ok());
  auto req = Request(places_);
  req.classification = "主题信息资源类/社会保障/养老服务";
  req.sharing = "unconditional";
  req.opening = "open";
  req.summary = "全市养老机构床位与地址";
  ASSERT_TRUE(service_->Publish(mzj_, req).ok());
  auto all = service_->Search({});
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(all->total, 2);
  EXPECT_EQ(all->facets["dept"]["gaj"], 1);
  EXPECT_EQ(all->facets["sharing"]["unconditional"], 1);
  EXPECT_EQ(all->facets["category"]["主题信息资源类"], 1);
  EXPECT_EQ(all->facets["grade"]["general-4"], 1);
  ResourceQuery q;
  q.filter.text = "床位";
  auto found = service_->Search(q);
  ASSERT_TRUE(found.ok());
  ASSERT_EQ(found->total, 1);
  EXPECT_EQ(found->items[0].dept, "mzj");
  q = {};
  q.filter.classification = "基础信息资源类/人口";
  EXPECT_EQ(service_->Search(q)->total, 1);
  q.filter.classification = "基础信息资源类/人";
  EXPECT_EQ(service_->Search(q)->total, 0);
  q = {};
  q.filter.text = "SFZH";  // item names, case-insensitively
  EXPECT_EQ(service_->Search(q)->total, 1);
  q = {};
  q.filter.sharing = "有条件共享";
  q.filter.grade = "general-4";
  EXPECT_EQ(service_->Search(q)->total, 1);
  q.filter.opening = "open";
  EXPECT_EQ(service_->Search(q)->total, 0);
}

TEST_F(ShareTest, ExportsJsonCsvAndDcat) {
  ASSERT_TRUE(service_->Publish(gaj_, Request(people_)).ok());
  auto req = Request(places_);
  req.related = {"101001001/000001"};
  req.summary = "含逗号, 和\"引号\"";
  ASSERT_TRUE(service_->Publish(mzj_, req).ok());
  auto text = service_->Export({}, ExportFormat::kJson, "http://h");
  ASSERT_TRUE(text.ok());
  json doc = json::parse(*text);
  EXPECT_EQ(doc["total"], 2);
  EXPECT_EQ(doc["resources"][1]["related"][0], "101001001/000001");
  auto csv = service_->Export({}, ExportFormat::kCsv, "http://h");
  ASSERT_TRUE(csv.ok());
  EXPECT_EQ(csv->rfind("code,name,classification", 0), 0u);
  EXPECT_NE(csv->find("\"含逗号, 和\"\"引号\"\"\""), std::string::npos);
  auto dcat = service_->Export({}, ExportFormat::kDcat, "http://h");
  ASSERT_TRUE(dcat.ok());
  json ld = json::parse(*dcat);
  EXPECT_EQ(ld["@type"], "dcat:Catalog");
  EXPECT_EQ(ld["@context"]["dcat"], "http://www.w3.org/ns/dcat#");
  ASSERT_EQ(ld["dcat:dataset"].size(), 2u);
  const json& d = ld["dcat:dataset"][0];
  EXPECT_EQ(d["@type"], "dcat:Dataset");
  EXPECT_EQ(d["dct:identifier"], "101001001/000001");
  EXPECT_EQ(d["dct:accrualPeriodicity"]["@id"],
            "http://publications.europa.eu/resource/authority/frequency/DAILY");
  EXPECT_EQ(d["dct:accessRights"]["@id"],
            "http://publications.europa.eu/resource/authority/access-right/NON_PUBLIC");
  EXPECT_EQ(d["dct:publisher"]["dct:identifier"], "gaj");
  EXPECT_EQ(ld["dcat:dataset"][1]["dct:relation"][0]["@id"],
            "http://h/api/v1/resources/101001001%2F000001");
}

}  // namespace
}  // namespace citydata::share
