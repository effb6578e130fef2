#include <gtest/gtest.h>

#include "access/access_test_util.h"
#include "core/clock.h"
#include "share/catalog_export.h"
#include "share/delivery_file.h"
#include "share/resource_catalog_service.h"
#include "share/sharing_service.h"
#include "standards/national_ids.h"
#include "storage/share_store.h"

namespace citydata::share {
namespace {

using nlohmann::json;

security::Principal User(const std::string& name, const std::string& dept, security::Role role) {
  security::Principal p;
  p.user_id = "usr_" + name;
  p.name = name;
  p.dept = dept;
  p.role = role;
  return p;
}

class ShareTest : public access::testing::AccessFixture {
 protected:
  void SetUp() override {
    OpenStack("share");
    store_ = std::move(storage::OpenSqliteShareStore((dir_ / "share.db").string()).value());
    service_ =
        std::make_unique<ResourceCatalogService>(*store_, *catalog_, *classification_, *policy_);
    sharing_ = std::make_unique<SharingService>(*store_, *service_, *identity_, *ids_, *policy_,
                                                *access_, *engine_);
    Load(people_, "gaj", "户籍人口", true);
    Load(places_, "mzj", "养老机构", false);
  }
  void TearDown() override {
    sharing_.reset();
    service_.reset();
    AccessFixture::TearDown();
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

  DatasetName people_{Zone::kRaw, "people"};
  DatasetName places_{Zone::kRaw, "places"};
  security::Principal gaj_ = User("pat", "gaj", security::Role::kProvider);
  security::Principal mzj_ = User("may", "mzj", security::Role::kProvider);
  security::Principal steward_ = User("sam", "", security::Role::kSteward);
  security::Principal consumer_ = User("cal", "mzj", security::Role::kConsumer);
  std::unique_ptr<storage::ShareStore> store_;
  std::unique_ptr<ResourceCatalogService> service_;
  std::unique_ptr<SharingService> sharing_;
};

// The sharing workflow over the fixture's datasets, with users in the identity store.
class SharingTest : public ShareTest {
 protected:
  void SetUp() override {
    ShareTest::SetUp();
    gaj_ = Add("pat", "gaj", "provider");
    mzj_ = Add("may", "mzj", "provider");
    consumer_ = Add("cal", "mzj", "consumer");
    admin_ = Add("ada", "", "admin");
  }

  security::Principal Add(const std::string& name, const std::string& dept,
                          const std::string& role) {
    auto user = identity_->AddUser({name, dept, role, "", "password1"});
    EXPECT_TRUE(user.ok()) << user.status().ToString();
    return security::PrincipalFor(*user, "");
  }

  // Publishes `dataset` with the sharing attribute and returns its code.
  std::string Publish(const DatasetName& dataset, const std::string& sharing) {
    PublishRequest r = Request(dataset);
    r.sharing = sharing;
    r.sharing_conditions = sharing == "none" ? "《中华人民共和国居民身份证法》第十九条" : "仅用于核查";
    auto published = service_->Publish(admin_, r);
    EXPECT_TRUE(published.ok()) << published.status().ToString();
    return published->code;
  }

  // A request for the resource `code` of these fields.
  static RequestInput Ask(const std::string& code, std::vector<std::string> fields) {
    RequestInput input;
    input.resource = code;
    input.purpose = "核查";
    input.fields = std::move(fields);
    return input;
  }

  bool MayRead(const security::Principal& who, const DatasetName& dataset,
               std::vector<std::string>* columns = nullptr) {
    security::DatasetRef ref{dataset, "gaj"};
    auto decision = policy_->Decide(who, security::Action::kReadData, &ref).value();
    if (columns != nullptr) *columns = decision.columns;
    return decision.allowed;
  }

  security::Principal admin_;
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

namespace citydata::share {
namespace {

TEST_F(SharingTest, AConditionalRequestWaitsForTheProviderWhoMayNarrowIt) {
  std::string code = Publish(people_, "conditional");
  RequestInput input;
  input.resource = code;
  input.purpose = "低保资格核查";
  input.fields = {"district", "sfzh"};
  input.days = 30;
  auto request = sharing_->Request(consumer_, input);
  ASSERT_TRUE(request.ok()) << request.status().ToString();
  EXPECT_EQ(request->state, "pending");
  EXPECT_EQ(request->dept, "gaj");
  EXPECT_TRUE(request->grant_id.empty());
  EXPECT_FALSE(MayRead(consumer_, people_));

  // Only the provider department's approvers decide; others do not even see it.
  EXPECT_EQ(sharing_->Approve(consumer_, request->id, {}).status().code(),
            ErrorCode::kPermissionDenied);
  EXPECT_EQ(sharing_->Approve(mzj_, request->id, {}).status().code(), ErrorCode::kNotFound);
  auto inbox = sharing_->List(gaj_, {"inbox", "", false, 50, 0});
  ASSERT_TRUE(inbox.ok());
  ASSERT_EQ(inbox->items.size(), 1u);
  EXPECT_EQ(sharing_->List(consumer_, {"inbox", "", false, 50, 0}).status().code(),
            ErrorCode::kPermissionDenied);

  ApproveInput wider;
  wider.fields = {"amount"};
  EXPECT_EQ(sharing_->Approve(gaj_, request->id, wider).status().code(),
            ErrorCode::kInvalidArgument);
  wider.fields = {};
  wider.days = 60;
  EXPECT_EQ(sharing_->Approve(gaj_, request->id, wider).status().code(),
            ErrorCode::kInvalidArgument);

  ApproveInput narrower;
  narrower.fields = {"district"};
  narrower.days = 7;
  auto approved = sharing_->Approve(gaj_, request->id, narrower);
  ASSERT_TRUE(approved.ok()) << approved.status().ToString();
  EXPECT_EQ(approved->state, "approved");
  EXPECT_EQ(approved->decided_by, "pat");
  EXPECT_EQ(approved->granted_fields, std::vector<std::string>{"district"});
  EXPECT_EQ(approved->grant_expires_at.substr(0, 10), IsoAfter(std::chrono::hours(24 * 7)).substr(0, 10));
  std::vector<std::string> columns;
  EXPECT_TRUE(MayRead(consumer_, people_, &columns));
  EXPECT_EQ(columns, std::vector<std::string>{"district"});
  EXPECT_EQ(sharing_->Reject(gaj_, request->id, "late").status().code(),
            ErrorCode::kFailedPrecondition);

  auto mine = sharing_->Grants(consumer_, "mine").value();
  ASSERT_EQ(mine.size(), 1u);
  EXPECT_EQ(mine[0].resource_code, code);
  auto provided = sharing_->Grants(gaj_, "provided").value();
  ASSERT_EQ(provided.size(), 1u);
  EXPECT_EQ(provided[0].consumer, "cal");
  EXPECT_TRUE(sharing_->Grants(mzj_, "provided").value().empty());
  EXPECT_EQ(sharing_->Revoke(mzj_, approved->grant_id).status().code(), ErrorCode::kNotFound);
  ASSERT_TRUE(sharing_->Revoke(gaj_, approved->grant_id).ok());
  EXPECT_FALSE(MayRead(consumer_, people_));
  EXPECT_EQ(sharing_->HeldGrant(consumer_, approved->grant_id).status().code(),
            ErrorCode::kPermissionDenied);
}

TEST_F(SharingTest, UnconditionalIsGrantedAtOnceAndNoneIsRefusedWithItsBasis) {
  std::string open_code = Publish(places_, "unconditional");
  RequestInput input;
  input.resource = open_code;
  input.purpose = "养老服务统计";
  auto granted = sharing_->Request(consumer_, input);
  ASSERT_TRUE(granted.ok()) << granted.status().ToString();
  EXPECT_EQ(granted->state, "approved");
  EXPECT_TRUE(granted->automatic);
  EXPECT_FALSE(granted->grant_id.empty());
  EXPECT_TRUE(sharing_->HeldGrant(consumer_, granted->grant_id).ok());
  EXPECT_EQ(sharing_->HeldGrant(mzj_, granted->grant_id).status().code(), ErrorCode::kNotFound);

  std::string closed_code = Publish(people_, "none");
  input.resource = closed_code;
  auto refused = sharing_->Request(consumer_, input);
  EXPECT_EQ(refused.status().code(), ErrorCode::kPermissionDenied);
  EXPECT_NE(refused.status().message().find("居民身份证法"), std::string::npos);
}

TEST_F(SharingTest, RequestsAreValidatedAndEmergenciesHaveAnHour) {
  std::string code = Publish(people_, "conditional");
  RequestInput input;
  input.resource = code;
  input.purpose = "";
  EXPECT_EQ(sharing_->Request(consumer_, input).status().code(), ErrorCode::kInvalidArgument);
  input.purpose = "疫情流调";
  input.fields = {"nope"};
  EXPECT_EQ(sharing_->Request(consumer_, input).status().code(), ErrorCode::kInvalidArgument);
  input.fields = {};
  input.days = 0;
  EXPECT_EQ(sharing_->Request(consumer_, input).status().code(), ErrorCode::kInvalidArgument);
  input.days = 3;
  input.delivery_mode = "fax";
  EXPECT_EQ(sharing_->Request(consumer_, input).status().code(), ErrorCode::kInvalidArgument);
  input.delivery_mode = "api";
  input.privacy_budget = 1;
  EXPECT_EQ(sharing_->Request(consumer_, input).status().code(), ErrorCode::kInvalidArgument);
  input.privacy_budget = 0;
  input.resource = "101001001/999999";
  EXPECT_EQ(sharing_->Request(consumer_, input).status().code(), ErrorCode::kNotFound);

  input.resource = code;
  input.emergency = true;
  auto urgent = sharing_->Request(consumer_, input).value();
  EXPECT_LE(urgent.deadline, IsoAfter(std::chrono::hours(1)));
  EXPECT_GT(urgent.deadline, IsoAfter(std::chrono::minutes(59)));
  EXPECT_FALSE(urgent.Overdue(NowIso()));
  EXPECT_TRUE(urgent.Overdue(IsoAfter(std::chrono::hours(2))));
  EXPECT_EQ(sharing_->Reject(gaj_, urgent.id, "").status().code(), ErrorCode::kInvalidArgument);
  auto rejected = sharing_->Reject(gaj_, urgent.id, "用途与资源共享条件不符").value();
  EXPECT_EQ(rejected.state, "rejected");
  EXPECT_EQ(sharing_->Get(consumer_, urgent.id)->reason, "用途与资源共享条件不符");
}

TEST_F(SharingTest, ASandboxGrantCarriesItsBudgetAndNeverAllowsReads) {
  std::string code = Publish(people_, "conditional");
  RequestInput input;
  input.resource = code;
  input.purpose = "人口结构分析";
  input.delivery_mode = "sandbox";
  EXPECT_EQ(sharing_->Request(consumer_, input).status().code(),
            ErrorCode::kInvalidArgument);  // a sandbox request states its budget
  input.privacy_budget = 2.0;
  auto request = sharing_->Request(consumer_, input).value();
  ApproveInput terms;
  for (double widened : {0.0, 3.0}) {
    terms.privacy_budget = widened;  // removing the budget or raising it widens the grant
    EXPECT_EQ(sharing_->Approve(admin_, request.id, terms).status().code(),
              ErrorCode::kInvalidArgument);
  }
  terms.privacy_budget = 1.0;
  auto approved = sharing_->Approve(admin_, request.id, terms);
  ASSERT_TRUE(approved.ok()) << approved.status().ToString();
  auto grant = ids_->FindGrant(approved->grant_id).value();
  ASSERT_TRUE(grant.has_value());
  EXPECT_EQ(grant->delivery_mode, "sandbox");
  EXPECT_DOUBLE_EQ(grant->privacy_budget, 1.0);
  EXPECT_EQ(grant->request_id, request.id);
  EXPECT_FALSE(MayRead(consumer_, people_));
}

TEST_F(SharingTest, AnApprovalChecksTheResourceAsItIsNow) {
  std::string code = Publish(people_, "conditional");
  RequestInput input = Ask(code, {"district", "sfzh"});
  auto first = sharing_->Request(consumer_, input).value();
  auto second = sharing_->Request(consumer_, input).value();
  // Republished without the ID number: an approval grants only what is still offered.
  PublishRequest fewer = Request(people_);
  fewer.items = {"district", "amount"};
  ASSERT_TRUE(service_->Publish(admin_, fewer).ok());
  auto approved = sharing_->Approve(gaj_, first.id, {});
  ASSERT_TRUE(approved.ok()) << approved.status().ToString();
  EXPECT_EQ(approved->granted_fields, std::vector<std::string>{"district"});
  ASSERT_TRUE(service_->Unpublish(admin_, code, "停用").ok());
  EXPECT_EQ(sharing_->Approve(gaj_, second.id, {}).status().code(),
            ErrorCode::kFailedPrecondition);
  EXPECT_EQ(sharing_->Get(consumer_, second.id)->state, "pending");
}

TEST_F(SharingTest, AFileGrantDeliversItsFieldsMaskedAsCsvJsonAndXlsx) {
  std::string code = Publish(people_, "unconditional");
  RequestInput input = Ask(code, {"sfzh", "amount"});
  auto api = sharing_->Request(consumer_, input).value();
  EXPECT_EQ(sharing_->Deliver(consumer_, api.grant_id).status().code(),
            ErrorCode::kPermissionDenied);  // an api grant is not delivered as files
  input.delivery_mode = "file";
  auto file = sharing_->Request(consumer_, input).value();
  EXPECT_EQ(sharing_->Deliver(gaj_, file.grant_id).status().code(), ErrorCode::kNotFound);

  std::map<FileFormat, std::string> files;
  for (FileFormat format : {FileFormat::kCsv, FileFormat::kJson, FileFormat::kXlsx}) {
    auto delivery = sharing_->Deliver(consumer_, file.grant_id);
    ASSERT_TRUE(delivery.ok()) << delivery.status().ToString();
    EXPECT_EQ(delivery->columns, (std::vector<std::string>{"amount", "sfzh"}));
    std::string out;
    auto rows = WriteFile(
        format, delivery->columns,
        [&](std::vector<Value>& row) { return delivery->rows->Next(row); },
        [&](std::string_view chunk) { return out.append(chunk), true; }, "people");
    ASSERT_TRUE(rows.ok()) << rows.status().ToString();
    EXPECT_EQ(*rows, 100);
    files[format] = out;
  }
  const std::string& csv = files[FileFormat::kCsv];
  EXPECT_EQ(csv.substr(0, 3), "\xEF\xBB\xBF");
  EXPECT_NE(csv.find("amount,sfzh\r\n0,110105********"), std::string::npos) << csv.substr(0, 80);
  EXPECT_EQ(csv.find("11010519900101"), std::string::npos);  // the ID never leaves unmasked
  auto records = nlohmann::json::parse(files[FileFormat::kJson]);
  ASSERT_EQ(records.size(), 100u);
  EXPECT_EQ(records[1]["amount"], 1);
  EXPECT_EQ(files[FileFormat::kXlsx].substr(0, 2), "PK");
  EXPECT_EQ(ParseFileFormat("XLSX").value(), FileFormat::kXlsx);
  std::string formulas;
  std::vector<std::vector<Value>> cells = {{Value(std::string("=HYPERLINK(\"x\")")), Value(std::string("-5")),
                                            Value(std::string("@SUM(A1)")), Value(int64_t{-3})}};
  size_t next = 0;
  ASSERT_TRUE(WriteFile(FileFormat::kCsv, {"a", "b", "c", "d"},
                        [&](std::vector<Value>& row) -> Result<bool> {
                          if (next == cells.size()) return false;
                          row = cells[next++];
                          return true;
                        },
                        [&](std::string_view chunk) { return formulas.append(chunk), true; }, "")
                  .ok());
  EXPECT_NE(formulas.find("\"'=HYPERLINK(\"\"x\"\")\",-5,'@SUM(A1),-3"), std::string::npos) << formulas;
  EXPECT_EQ(ParseFileFormat("pdf").status().code(), ErrorCode::kInvalidArgument);

  ASSERT_TRUE(sharing_->Revoke(consumer_, file.grant_id).ok());
  EXPECT_EQ(sharing_->Deliver(consumer_, file.grant_id).status().code(),
            ErrorCode::kPermissionDenied);
}

}  // namespace
}  // namespace citydata::share
