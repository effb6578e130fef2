#include <gtest/gtest.h>
#include <sqlite3.h>

#include <algorithm>
#include <filesystem>
#include <random>
#include <string>
#include <tuple>
#include <vector>

#include "storage/governance_store.h"

namespace citydata::storage {
namespace {

using namespace std::string_literals;

class GovernanceStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = std::filesystem::temp_directory_path() /
            ("citydata_gov_test_" + std::to_string(::getpid()) + ".db");
    std::filesystem::remove(path_);
    auto store = OpenSqliteGovernanceStore(path_.string());
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    store_ = std::move(*store);
  }
  void TearDown() override {
    store_.reset();
    for (auto suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path_.string() + suffix);
  }
  std::filesystem::path path_;
  std::unique_ptr<GovernanceStore> store_;
  DatasetName ds_{Zone::kRaw, "people"};
};

TEST_F(GovernanceStoreTest, StandardsAndMappings) {
  ASSERT_TRUE(store_->PutStandard({"code_table", "local.sex", "{}", ""}).ok());
  ASSERT_TRUE(store_->PutStandard({"code_table", "local.sex", "{\"v\":2}", ""}).ok());
  auto list = store_->ListStandards("code_table");
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->size(), 1u);
  EXPECT_EQ((*list)[0].json, "{\"v\":2}");
  ASSERT_TRUE(store_
                  ->PutColumnMappings(ds_, {{"sfzh", "id_number", 0.9, "name", false},
                                            {"xm", "name", 0.8, "name", true}})
                  .ok());
  auto mappings = store_->GetColumnMappings(ds_);
  ASSERT_TRUE(mappings.ok());
  ASSERT_EQ(mappings->size(), 2u);
  EXPECT_TRUE((*mappings)[1].confirmed);
}

TEST_F(GovernanceStoreTest, RunsIssuesAndPruning) {
  ASSERT_TRUE(store_->PutQualityPlan({ds_, "rules: []", ""}).ok());
  EXPECT_EQ((*store_->GetQualityPlan(ds_))->text, "rules: []");
  for (int i = 0; i < 3; ++i) {
    std::string id = "run" + std::to_string(i);
    QualityIssueSet issues;
    issues.Add("r1", 7, "k", "bad");
    issues.Add("r2", 8, "", "x");
    ASSERT_TRUE(store_
                    ->AddQualityRun({id, ds_, "manual", "", "2026-01-0" + std::to_string(i + 1), "",
                                     90, "{}", "<html></html>"},
                                    issues)
                    .ok());
  }
  auto runs = store_->ListQualityRuns(ds_, 10);
  ASSERT_TRUE(runs.ok());
  EXPECT_EQ((*runs)[0].id, "run2");
  auto issues = store_->ListQualityIssues("run2", "r1", 10, 0);
  ASSERT_TRUE(issues.ok());
  EXPECT_EQ(issues->second, 1);
  EXPECT_EQ(issues->first[0].row_id, 7);
  EXPECT_EQ(issues->first[0].run_id, "run2");
  ASSERT_TRUE(store_->PruneQualityIssues(ds_, 1).ok());
  EXPECT_EQ(store_->ListQualityIssues("run0", "", 10, 0)->second, 0);
  EXPECT_EQ(store_->ListQualityIssues("run1", "", 10, 0)->second, 0);
  EXPECT_EQ(store_->ListQualityIssues("run2", "", 10, 0)->second, 2);
  EXPECT_TRUE(store_->GetQualityRun("run0")->has_value());  // the run itself stays
}

// The listing every page must be a slice of: by rule, then row, ties in arrival order.
std::vector<QualityIssueRecord> Sorted(std::vector<QualityIssueRecord> all) {
  std::stable_sort(all.begin(), all.end(), [](const auto& a, const auto& b) {
    return std::tie(a.rule_id, a.row_id) < std::tie(b.rule_id, b.row_id);
  });
  return all;
}

void ExpectSame(const std::vector<QualityIssueRecord>& got,
                const std::vector<QualityIssueRecord>& want, size_t from, size_t n) {
  ASSERT_EQ(got.size(), n);
  for (size_t i = 0; i < n; ++i) {
    const auto& g = got[i];
    const auto& w = want[from + i];
    ASSERT_EQ(std::tie(g.run_id, g.rule_id, g.row_id, g.key, g.value),
              std::tie(w.run_id, w.rule_id, w.row_id, w.key, w.value))
        << "issue " << from + i;
  }
}

class GovernanceStoreIssuesTest : public GovernanceStoreTest {
 protected:
  // Stores `all` (in this order) as run `id`.
  void AddRun(const std::string& id, const std::vector<QualityIssueRecord>& all,
              std::string started_at = "2026-01-01") {
    QualityIssueSet set;
    for (const auto& i : all) set.Add(i.rule_id, i.row_id, i.key, i.value);
    Status st = store_->AddQualityRun({id, ds_, "manual", "", started_at, "", 90, "{}", ""}, set);
    ASSERT_TRUE(st.ok()) << st.ToString();
  }

  void ExpectPage(const std::string& run, const std::string& rule, int64_t limit, int64_t offset,
                  const std::vector<QualityIssueRecord>& want) {
    auto page = store_->ListQualityIssues(run, rule, limit, offset);
    ASSERT_TRUE(page.ok()) << page.status().ToString();
    EXPECT_EQ(page->second, static_cast<int64_t>(want.size()));
    size_t from = std::min(want.size(), static_cast<size_t>(offset));
    size_t n = std::min(want.size() - from, static_cast<size_t>(limit));
    ExpectSame(page->first, want, from, n);
  }
};

TEST_F(GovernanceStoreIssuesTest, PagesCrossBlocksAndRulesInOrder) {
  const int64_t block = IssueBlockBuilder::kMaxIssues;
  std::vector<QualityIssueRecord> all;
  std::mt19937 rng(7);
  for (int64_t row = 0; row < 3 * block; ++row) {
    all.push_back({"run", "b_rule", row * 3, "key" + std::to_string(row), "v"});
    if (row % 2 == 0) all.push_back({"run", "a_rule", row, "", "value " + std::to_string(row)});
  }
  all.push_back({"run", "c_one", 5, "only", "issue"});
  all.push_back({"run", "a_rule", 4, "", "a second issue for row 4"});
  all.push_back({"run", "b_rule", -1, "", "sql without row ids"});
  all.push_back({"run", "b_rule", -1, "", "kept in arrival order"});
  std::shuffle(all.begin(), all.end() - 4, rng);  // arrival in no order
  AddRun("run", all);
  std::vector<QualityIssueRecord> want = Sorted(all);
  const int64_t total = static_cast<int64_t>(want.size());
  for (int64_t offset : {int64_t{0}, int64_t{1}, block - 1, block, block + 1, int64_t(1.5 * block),
                         3 * block / 2 + block - 3, total - 2, total, total + 10}) {
    for (int64_t limit : {int64_t{1}, int64_t{100}, block + 1, 3 * block, int64_t{100000}}) {
      ExpectPage("run", "", limit, offset, want);
    }
  }
  for (const std::string rule : {"a_rule", "b_rule", "c_one"}) {
    std::vector<QualityIssueRecord> of_rule;
    for (const auto& i : want) {
      if (i.rule_id == rule) of_rule.push_back(i);
    }
    for (int64_t offset : {int64_t{0}, block - 2, block, 2 * block + 7}) {
      ExpectPage("run", rule, 1000, offset, of_rule);
    }
  }
  ExpectPage("run", "no_such_rule", 10, 0, {});
  ExpectPage("other_run", "", 10, 0, {});
}

TEST_F(GovernanceStoreIssuesTest, EmptyRunsAndHugeValues) {
  AddRun("empty", {});
  EXPECT_TRUE(store_->GetQualityRun("empty")->has_value());
  ExpectPage("empty", "", 10, 0, {});
  std::vector<QualityIssueRecord> all;
  for (int i = 0; i < 12; ++i) {
    all.push_back({"huge", "r", i, std::string(100000 + i, 'k'), std::string(i * 150000, 'v')});
  }
  all.push_back({"huge", "r", 12, "", std::string(3000000, 'x')});
  all.push_back({"huge", "r", 13, "\0key"s, "a\0b"s});
  AddRun("huge", all);
  ExpectPage("huge", "", 100, 0, all);
  ExpectPage("huge", "r", 3, 11, all);
}

TEST_F(GovernanceStoreIssuesTest, ManyIssuesRoundTripExactly) {
  std::vector<QualityIssueRecord> all;
  std::mt19937_64 rng(11);
  const char* rules[] = {"id_valid", "mobile_valid", "name_present", "email_format"};
  for (int64_t row = 0; all.size() < 100000; ++row) {
    if (rng() % 3 != 0) continue;
    all.push_back({"big", rules[rng() % 4], row, std::to_string(rng()),
                   rng() % 5 == 0 ? "" : "值" + std::to_string(rng() % 1000)});
  }
  std::shuffle(all.begin(), all.end(), rng);
  AddRun("big", all);
  std::vector<QualityIssueRecord> want = Sorted(all);
  ExpectPage("big", "", 100000, 0, want);
  ExpectPage("big", "", 100, 54321, want);
  ExpectPage("big", "mobile_valid", 5000, 20000, Sorted([&] {
               std::vector<QualityIssueRecord> of_rule;
               for (const auto& i : all) {
                 if (i.rule_id == "mobile_valid") of_rule.push_back(i);
               }
               return of_rule;
             }()));
}

TEST_F(GovernanceStoreIssuesTest, ARunIsStoredWithItsIssuesOrNotAtAll) {
  AddRun("run", {{"run", "r", 1, "k", "v"}});
  QualityIssueSet again;
  again.Add("r", 2, "k2", "v2");
  Status st = store_->AddQualityRun({"run", ds_, "manual", "", "2026", "", 0, "{}", ""}, again);
  EXPECT_EQ(st.code(), ErrorCode::kAlreadyExists);
  ExpectPage("run", "", 10, 0, {{"run", "r", 1, "k", "v"}});
}

// A store written before issues were kept in blocks: one row per issue in quality_issues.
TEST_F(GovernanceStoreIssuesTest, MigratesIssueRowsToBlocks) {
  store_.reset();
  for (auto suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path_.string() + suffix);
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path_.string().c_str(), &db), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db, R"sql(
CREATE TABLE quality_runs (
  id TEXT PRIMARY KEY, zone TEXT NOT NULL, dataset TEXT NOT NULL, trigger TEXT NOT NULL,
  job_id TEXT NOT NULL, started_at TEXT NOT NULL, finished_at TEXT NOT NULL,
  score REAL NOT NULL, result TEXT NOT NULL, report TEXT NOT NULL);
CREATE INDEX quality_runs_by_dataset ON quality_runs (zone, dataset, started_at);
CREATE TABLE quality_issues (
  run_id TEXT NOT NULL, rule_id TEXT NOT NULL, row_id INTEGER NOT NULL, key TEXT NOT NULL,
  value TEXT NOT NULL);
CREATE INDEX quality_issues_by_run ON quality_issues (run_id, rule_id, row_id);
CREATE TABLE standards (kind TEXT NOT NULL, id TEXT NOT NULL, json TEXT NOT NULL,
  updated_at TEXT NOT NULL, PRIMARY KEY (kind, id));
CREATE TABLE column_mappings (zone TEXT NOT NULL, dataset TEXT NOT NULL,
  column_name TEXT NOT NULL, element_id TEXT NOT NULL, confidence REAL NOT NULL,
  evidence TEXT NOT NULL, confirmed INTEGER NOT NULL, PRIMARY KEY (zone, dataset, column_name));
CREATE TABLE quality_plans (zone TEXT NOT NULL, dataset TEXT NOT NULL, text TEXT NOT NULL,
  updated_at TEXT NOT NULL, PRIMARY KEY (zone, dataset));
INSERT INTO quality_runs VALUES ('old1', 'raw', 'people', 'manual', '', '2025', '2025', 80, '{}', '');
INSERT INTO quality_runs VALUES ('old2', 'raw', 'people', 'manual', '', '2026', '2026', 80, '{}', '');
PRAGMA user_version = 1;
)sql",
                         nullptr, nullptr, nullptr),
            SQLITE_OK);
  std::vector<QualityIssueRecord> old1, old2;
  sqlite3_stmt* insert = nullptr;
  ASSERT_EQ(sqlite3_prepare_v2(db, "INSERT INTO quality_issues VALUES (?, ?, ?, ?, ?)", -1, &insert,
                               nullptr),
            SQLITE_OK);
  auto add = [&](std::vector<QualityIssueRecord>* to, QualityIssueRecord r) {
    sqlite3_bind_text(insert, 1, r.run_id.c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(insert, 2, r.rule_id.c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(insert, 3, r.row_id);
    sqlite3_bind_text(insert, 4, r.key.c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(insert, 5, r.value.c_str(), -1, SQLITE_TRANSIENT);
    ASSERT_EQ(sqlite3_step(insert), SQLITE_DONE);
    sqlite3_reset(insert);
    if (to) to->push_back(std::move(r));
  };
  sqlite3_exec(db, "BEGIN", nullptr, nullptr, nullptr);
  for (int64_t i = 2500; i > 0; --i) {
    add(&old1, {"old1", i % 3 == 0 ? "r3" : "r1", i, "k" + std::to_string(i), "v"});
    if (i % 1000 == 0) add(&old2, {"old2", "r", -1, "", "sql " + std::to_string(i)});
    if (i % 700 == 0) add(nullptr, {"gone", "r", i, "", "a run that was never stored"});
  }
  sqlite3_exec(db, "COMMIT", nullptr, nullptr, nullptr);
  sqlite3_finalize(insert);
  sqlite3_close(db);

  auto store = OpenSqliteGovernanceStore(path_.string());
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  store_ = std::move(*store);
  std::vector<QualityIssueRecord> want1 = Sorted(old1);
  ExpectPage("old1", "", 10000, 0, want1);
  ExpectPage("old1", "", 50, 1020, want1);
  ExpectPage("old2", "", 10, 0, old2);  // equal row ids keep their insertion order
  ExpectPage("gone", "", 10, 0, {});
  AddRun("new", {{"new", "r", 1, "", ""}}, "2027");
  ASSERT_TRUE(store_->PruneQualityIssues(ds_, 2).ok());
  ExpectPage("old1", "", 10, 0, {});
  ExpectPage("old2", "", 10, 0, old2);

  store_.reset();  // opening again finds nothing left to convert
  store = OpenSqliteGovernanceStore(path_.string());
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  store_ = std::move(*store);
  ExpectPage("old2", "", 10, 0, old2);
}

}  // namespace
}  // namespace citydata::storage
