#include <gtest/gtest.h>

#include <filesystem>

#include "storage/governance_store.h"

namespace citydata::storage {
namespace {

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
  ASSERT_TRUE(store_->PutColumnMappings(ds_, {{"sfzh", "id_number", 0.9, "name", false},
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
    ASSERT_TRUE(store_->PutQualityRun({id, ds_, "manual", "", "2026-01-0" + std::to_string(i + 1),
                                       "", 90, "{}", "<html></html>"})
                    .ok());
    ASSERT_TRUE(store_->AddQualityIssues({{id, "r1", 7, "k", "bad"}, {id, "r2", 8, "", "x"}}).ok());
  }
  auto runs = store_->ListQualityRuns(ds_, 10);
  ASSERT_TRUE(runs.ok());
  EXPECT_EQ((*runs)[0].id, "run2");
  auto issues = store_->ListQualityIssues("run2", "r1", 10, 0);
  ASSERT_TRUE(issues.ok());
  EXPECT_EQ(issues->second, 1);
  EXPECT_EQ(issues->first[0].row_id, 7);
  ASSERT_TRUE(store_->PruneQualityIssues(ds_, 1).ok());
  EXPECT_EQ(store_->ListQualityIssues("run0", "", 10, 0)->second, 0);
  EXPECT_EQ(store_->ListQualityIssues("run2", "", 10, 0)->second, 2);
}

}  // namespace
}  // namespace citydata::storage
