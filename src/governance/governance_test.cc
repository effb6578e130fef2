#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "governance/quality_scheduler.h"
#include "governance/quality_service.h"
#include "governance/standards_service.h"
#include "storage/sqlite/sqlite_engine.h"

namespace citydata::governance {
namespace {

namespace fs = std::filesystem;

class GovernanceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("citydata_gov_svc_test_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_ / "zones");
    meta_ = *storage::OpenSqliteMetaStore((dir_ / "meta.db").string());
    gov_ = *storage::OpenSqliteGovernanceStore((dir_ / "governance.db").string());
    engine_ = *storage::SqliteEngine::Open((dir_ / "zones").string());
    catalog_ = std::make_unique<catalog::CatalogService>(*meta_, *engine_);
    standards_ = std::make_unique<StandardsService>(*gov_, *meta_, *engine_, *catalog_);
    quality_ = std::make_unique<QualityService>(*gov_, *engine_, *catalog_, *standards_, metrics_);
    ingest_ = std::make_unique<ingest::IngestService>(*meta_, *engine_, *catalog_, metrics_,
                                                      quality_.get());
    ASSERT_TRUE(catalog_->AddDepartment("gaj", "市公安局").ok());
  }
  void TearDown() override { fs::remove_all(dir_); }

  Result<ingest::IngestResult> Ingest(const std::string& csv, const std::string& name) {
    auto path = dir_ / (name + ".csv");
    std::ofstream(path) << csv;
    ingest::IngestRequest req;
    req.file_path = path.string();
    req.source_name = path.filename().string();
    req.dataset = {Zone::kRaw, name};
    req.dept_code = "gaj";
    req.title = "户籍人口";
    return ingest_->Ingest(req);
  }

  fs::path dir_;
  Metrics metrics_;
  std::unique_ptr<storage::MetaStore> meta_;
  std::unique_ptr<storage::GovernanceStore> gov_;
  std::unique_ptr<storage::SqliteEngine> engine_;
  std::unique_ptr<catalog::CatalogService> catalog_;
  std::unique_ptr<StandardsService> standards_;
  std::unique_ptr<QualityService> quality_;
  std::unique_ptr<ingest::IngestService> ingest_;
};

constexpr const char* kPeople =
    "xm,sfzh,xb,csrq\n"
    "张三,11010519491231002X,男,1949年12月31日\n"
    "李四,110105194912310021,女,1949/12/31\n"
    "王五,11010519491231002x,M,19491231\n"
    ",110105194912310023,未知值,2023-02-29\n";

TEST_F(GovernanceTest, MapsAndStandardizesIntoTheStdZone) {
  ASSERT_TRUE(Ingest(kPeople, "people").ok());
  auto suggested = standards_->SuggestMapping({Zone::kRaw, "people"});
  ASSERT_TRUE(suggested.ok()) << suggested.status().ToString();
  std::map<std::string, std::string> by_column;
  for (const auto& m : *suggested) by_column[m.column] = m.element_id;
  EXPECT_EQ(by_column["sfzh"], "id_number");
  EXPECT_EQ(by_column["xb"], "sex");

  ASSERT_TRUE(standards_
                  ->SaveMapping({Zone::kRaw, "people"}, {{"xm", "name", 0, "", false},
                                                         {"sfzh", "id_number", 0, "", false},
                                                         {"xb", "sex", 0, "", false},
                                                         {"csrq", "birth_date", 0, "", false}})
                  .ok());
  auto result = standards_->Standardize({Zone::kRaw, "people"}, {Zone::kStd, "people"});
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  EXPECT_EQ(result->rows, 4);
  EXPECT_EQ(result->mapping, "stored");
  EXPECT_EQ(result->failed_values, 2);  // 未知值 and 2023-02-29
  auto cursor =
      engine_->Query("SELECT id_number, sex, birth_date FROM std.people ORDER BY rowid", {});
  ASSERT_TRUE(cursor.ok()) << cursor.status().ToString();
  std::vector<Value> row;
  ASSERT_TRUE(*(*cursor)->Next(row));
  EXPECT_EQ(std::get<std::string>(row[1]), "1");
  EXPECT_EQ(std::get<std::string>(row[2]), "1949-12-31");
  ASSERT_TRUE(*(*cursor)->Next(row));
  ASSERT_TRUE(*(*cursor)->Next(row));
  EXPECT_EQ(std::get<std::string>(row[0]), "11010519491231002X");
  ASSERT_TRUE(*(*cursor)->Next(row));
  EXPECT_TRUE(IsNull(row[1]));
  auto std_meta = catalog_->Get({Zone::kStd, "people"});
  ASSERT_TRUE(std_meta.ok());
  EXPECT_EQ(std_meta->title, "户籍人口（规范）");
  EXPECT_EQ(catalog_->Rejects({Zone::kStd, "people"}, 10, 0)->total, 2);
}

TEST_F(GovernanceTest, RunsAPlanStoresIssuesAndGatesIngests) {
  ASSERT_TRUE(Ingest(kPeople, "people").ok());
  auto plan = quality_->Apply(R"(
dataset: raw.people
key: sfzh
rules:
  - {id: id_ok, column: sfzh, type: id_card}
  - {id: name_present, column: xm, type: not_null, gate: true}
)");
  ASSERT_TRUE(plan.ok()) << plan.status().ToString();
  auto run = quality_->Run({Zone::kRaw, "people"}, "manual", "");
  ASSERT_TRUE(run.ok()) << run.status().ToString();
  std::map<std::string, int64_t> failed;
  for (const auto& r : (*run)["rules"]) failed[r["id"]] = r["failed"];
  EXPECT_EQ(failed["id_ok"], 3);  // lower-case x, wrong check character (twice)
  EXPECT_EQ(failed["name_present"], 1);
  auto issues = quality_->Issues({Zone::kRaw, "people"}, "", "name_present", 10, 0);
  ASSERT_TRUE(issues.ok());
  ASSERT_EQ(issues->total, 1);
  EXPECT_EQ(issues->items[0].key, "110105194912310023");

  EXPECT_FALSE(
      quality_->Apply("dataset: raw.people\nrules: [{column: nope, type: not_null}]").ok());

  auto gated = Ingest("xm,sfzh,xb,csrq\n,1,男,2000-01-01\n", "people");
  ASSERT_TRUE(gated.ok()) << gated.status().ToString();
  EXPECT_EQ(gated->state, "quarantined");
  EXPECT_EQ(catalog_->Get({Zone::kRaw, "people"})->row_count, 4);
  auto clean = Ingest("xm,sfzh,xb,csrq\n赵六,1,男,2000-01-01\n", "people");
  ASSERT_TRUE(clean.ok());
  EXPECT_EQ(clean->state, "succeeded");
  EXPECT_TRUE(clean->quality.contains("run"));
  EXPECT_EQ(catalog_->Get({Zone::kRaw, "people"})->row_count, 5);
}

// Enough failing rows for several blocks per rule, evaluated on several threads (so
// issues arrive out of order), listed in pages that cross blocks and rules.
TEST_F(GovernanceTest, IssuesOfALargeRunPageByRuleThenRow) {
  constexpr int kRows = 5000;
  std::string csv = "code,name,mobile\n";
  for (int i = 0; i < kRows; ++i) {
    csv += "c" + std::to_string(i) + "," + (i % 3 == 0 ? "" : "name") + "," +
           (i % 2 == 0 ? "12345" : "13800138000") + "\n";
  }
  ASSERT_TRUE(Ingest(csv, "many").ok());
  ASSERT_TRUE(quality_
                  ->Apply(R"(
dataset: raw.many
key: code
rules:
  - {id: name_present, column: name, type: not_null}
  - {id: mobile_ok, column: mobile, type: mobile}
)")
                  .ok());
  const DatasetName many{Zone::kRaw, "many"};
  std::string first_run;
  for (int run = 0; run <= QualityService::kRunsWithIssues; ++run) {
    auto result = quality_->Run(many, "manual", "");
    ASSERT_TRUE(result.ok()) << result.status().ToString();
    if (run == 0) first_run = (*result)["run_id"];
  }
  std::vector<storage::QualityIssueRecord> all;
  int64_t total = -1;
  for (int64_t offset = 0; offset == 0 || offset < total; offset += 700) {
    auto page = quality_->Issues(many, "", "", 700, offset);
    ASSERT_TRUE(page.ok()) << page.status().ToString();
    total = page->total;
    all.insert(all.end(), page->items.begin(), page->items.end());
  }
  const int64_t mobile_failed = kRows / 2, name_failed = (kRows + 2) / 3;
  ASSERT_EQ(total, mobile_failed + name_failed);
  ASSERT_EQ(static_cast<int64_t>(all.size()), total);
  for (int64_t i = 0; i < total; ++i) {
    const auto& issue = all[static_cast<size_t>(i)];
    const bool mobile = i < mobile_failed;  // "mobile_ok" sorts before "name_present"
    const int64_t nth = mobile ? i : i - mobile_failed;
    ASSERT_EQ(issue.rule_id, mobile ? "mobile_ok" : "name_present") << i;
    ASSERT_EQ(issue.key, "c" + std::to_string(mobile ? 2 * nth : 3 * nth)) << i;
    ASSERT_EQ(issue.value, mobile ? "12345" : "NULL") << i;
    if (nth > 0) {
      ASSERT_LT(all[static_cast<size_t>(i - 1)].row_id, issue.row_id) << i;
    }
  }
  auto of_rule = quality_->Issues(many, "", "name_present", 10, name_failed - 3);
  ASSERT_TRUE(of_rule.ok());
  EXPECT_EQ(of_rule->total, name_failed);
  ASSERT_EQ(of_rule->items.size(), 3u);
  EXPECT_EQ(of_rule->items[2].key, all.back().key);
  auto latest = quality_->GetRun(many, "");
  ASSERT_TRUE(latest.ok());
  EXPECT_NE(latest->result_json.find("\"samples\":[{"), std::string::npos);
  // Only the newest kRunsWithIssues runs keep their issues.
  auto pruned = quality_->Issues(many, first_run, "", 10, 0);
  ASSERT_TRUE(pruned.ok()) << pruned.status().ToString();
  EXPECT_EQ(pruned->total, 0);
}

TEST_F(GovernanceTest, SchedulerRunsPlansWhenTheirCronIsDue) {
  ASSERT_TRUE(Ingest(kPeople, "people").ok());
  ASSERT_TRUE(quality_
                  ->Apply("dataset: raw.people\nschedule: \"30 2 * * *\"\n"
                          "rules: [{column: xm, type: not_null}]")
                  .ok());
  EXPECT_FALSE(quality_->Apply("dataset: raw.people\nschedule: \"99 * * * *\"\nrules: []").ok());
  QualityScheduler scheduler(*gov_, *quality_);
  std::tm at{};
  at.tm_hour = 2;
  at.tm_min = 29;
  at.tm_mday = 1;
  EXPECT_EQ(scheduler.RunDue(at), 0);
  at.tm_min = 30;
  EXPECT_EQ(scheduler.RunDue(at), 1);
  auto runs = quality_->Runs({Zone::kRaw, "people"}, 10);
  ASSERT_TRUE(runs.ok());
  ASSERT_EQ(runs->size(), 1u);
  EXPECT_EQ((*runs)[0].trigger, "schedule");
  scheduler.Start();
  scheduler.Stop();
}

}  // namespace
}  // namespace citydata::governance
