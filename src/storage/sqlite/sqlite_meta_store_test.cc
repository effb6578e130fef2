#include <gtest/gtest.h>

#include <filesystem>

#include "storage/meta_store.h"

namespace citydata::storage {
namespace {

class MetaStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = std::filesystem::temp_directory_path() /
            ("citydata_meta_test_" + std::to_string(::getpid()) + ".db");
    std::filesystem::remove(path_);
    auto store = OpenSqliteMetaStore(path_.string());
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    store_ = std::move(*store);
  }
  void TearDown() override {
    store_.reset();
    for (auto suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path_.string() + suffix);
  }
  std::filesystem::path path_;
  std::unique_ptr<MetaStore> store_;
};

TEST_F(MetaStoreTest, DepartmentsAreUniqueByCode) {
  ASSERT_TRUE(store_->AddDepartment({"gaj", "市公安局", ""}).ok());
  EXPECT_EQ(store_->AddDepartment({"gaj", "x", ""}).code(), ErrorCode::kAlreadyExists);
  auto list = store_->ListDepartments();
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->size(), 1u);
  EXPECT_EQ((*list)[0].name, "市公安局");
}

TEST_F(MetaStoreTest, SearchFindsChineseSubstringsAndColumns) {
  DatasetMeta m;
  m.name = {Zone::kRaw, "household_registry"};
  m.title = "户籍人口信息";
  m.dept_code = "gaj";
  m.columns = {{"身份证号", ColumnType::kText, "{}", "sk"}};
  ASSERT_TRUE(store_->PutDataset(m).ok());
  m.name.name = "air";
  m.title = "空气质量";
  m.columns = {{"pm25", ColumnType::kDecimal, "", ""}};
  ASSERT_TRUE(store_->PutDataset(m).ok());

  DatasetFilter f;
  f.search = "户籍";
  auto r = store_->ListDatasets(f);
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->second, 1);
  EXPECT_EQ(r->first[0].name.name, "household_registry");
  f.search = "身份证";
  EXPECT_EQ(store_->ListDatasets(f)->second, 1);
  f.search = "";
  f.zone = Zone::kStd;
  EXPECT_EQ(store_->ListDatasets(f)->second, 0);

  auto got = store_->GetDataset({Zone::kRaw, "household_registry"});
  ASSERT_TRUE(got.ok() && got->has_value());
  EXPECT_EQ((*got)->columns[0].sketch, "sk");
}

TEST_F(MetaStoreTest, SchemaReadLeavesProfilesOut) {
  DatasetMeta m;
  m.name = {Zone::kRaw, "people"};
  m.dept_code = "gaj";
  m.columns = {{"sfzh", ColumnType::kText, "{\"nulls\":0}", "sk"},
               {"age", ColumnType::kInteger, "{}", "sk2"}};
  ASSERT_TRUE(store_->PutDataset(m).ok());
  auto schema = store_->GetDatasetSchema(m.name);
  ASSERT_TRUE(schema.ok() && schema->has_value());
  EXPECT_EQ((*schema)->dept_code, "gaj");
  ASSERT_EQ((*schema)->columns.size(), 2u);
  EXPECT_EQ((*schema)->columns[1].name, "age");
  EXPECT_EQ((*schema)->columns[1].type, ColumnType::kInteger);
  EXPECT_EQ((*schema)->columns[0].profile_json, "");
  EXPECT_EQ((*schema)->columns[0].sketch, "");
  EXPECT_EQ((*store_->GetDataset(m.name))->columns[0].profile_json, "{\"nulls\":0}");
  auto missing = store_->GetDatasetSchema({Zone::kRaw, "nobody"});
  ASSERT_TRUE(missing.ok());
  EXPECT_FALSE(missing->has_value());
}

TEST_F(MetaStoreTest, RunningJobsAreInterruptedAfterRestart) {
  JobRecord j;
  j.id = "job_1";
  j.dataset = {Zone::kRaw, "x"};
  j.started_at = "2026-01-01T00:00:00Z";
  ASSERT_TRUE(store_->PutJob(j).ok());
  ASSERT_TRUE(store_->AddRejects({{"job_1", 3, "bad", "a,b"}}).ok());
  auto interrupted = store_->InterruptRunningJobs();
  ASSERT_TRUE(interrupted.ok());
  EXPECT_EQ(interrupted->size(), 1u);
  EXPECT_EQ((*store_->GetJob("job_1"))->state, JobState::kInterrupted);
  auto rejects = store_->ListRejects({Zone::kRaw, "x"}, 10, 0);
  ASSERT_TRUE(rejects.ok());
  EXPECT_EQ(rejects->second, 1);
  EXPECT_EQ(rejects->first[0].line, 3);
}

}  // namespace
}  // namespace citydata::storage
