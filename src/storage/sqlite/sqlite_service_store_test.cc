#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "storage/service_store.h"

namespace citydata::storage {
namespace {

class ServiceStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = std::filesystem::temp_directory_path() /
            ("citydata_service_store_test_" + std::to_string(::getpid()) + ".db");
    std::filesystem::remove(path_);
    auto store = OpenSqliteServiceStore(path_.string());
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    store_ = std::move(*store);
  }
  void TearDown() override {
    store_.reset();
    for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path_.string() + suffix);
  }

  static ServiceRecord Service(const std::string& name) {
    ServiceRecord r;
    r.name = name;
    r.dataset = {Zone::kStd, "people"};
    r.state = "published";
    r.published_by = "usr_1";
    r.published_at = "2026-01-01T00:00:00Z";
    r.document = "{}";
    return r;
  }

  std::filesystem::path path_;
  std::unique_ptr<ServiceStore> store_;
};

TEST_F(ServiceStoreTest, NamesStayTakenAfterUnpublishing) {
  ASSERT_TRUE(store_->Add(Service("people-lookup")).ok());
  EXPECT_EQ(store_->Add(Service("people-lookup")).code(), ErrorCode::kAlreadyExists);
  ServiceRecord gone = Service("people-lookup");
  gone.state = "unpublished";
  gone.unpublished_at = "2026-01-02T00:00:00Z";
  ASSERT_TRUE(store_->Update(gone).ok());
  EXPECT_EQ(store_->Update(Service("nope")).code(), ErrorCode::kNotFound);
  auto found = store_->Find("people-lookup");
  ASSERT_TRUE(found.ok() && found->has_value());
  EXPECT_EQ((*found)->state, "unpublished");
  EXPECT_EQ((*found)->dataset.ToString(), "std.people");
  EXPECT_EQ(store_->List("published")->size(), 0u);
  EXPECT_EQ(store_->List("")->size(), 1u);
  EXPECT_FALSE(store_->Find("nope")->has_value());
}

TEST_F(ServiceStoreTest, StatisticsAddUpPerServiceCallerAndDay) {
  ServiceCallStats d{"s", "app_1", "usr_1", "2026-01-01", 2, 1, 30, 12.5, {1, 1}};
  ASSERT_TRUE(store_->AddStats({d, d}).ok());
  ServiceCallStats other = d;
  other.day = "2026-01-02";
  other.user_id = "usr_2";
  other.histogram = {0, 0, 2};
  ASSERT_TRUE(store_->AddStats({other}).ok());
  auto all = store_->ListStats({});
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->size(), 2u);
  EXPECT_EQ((*all)[0].calls, 4);
  EXPECT_EQ((*all)[0].errors, 2);
  EXPECT_EQ((*all)[0].rows, 60);
  EXPECT_DOUBLE_EQ((*all)[0].latency_ms, 25.0);
  EXPECT_EQ((*all)[0].histogram, (std::vector<int64_t>{2, 2}));
  EXPECT_EQ(store_->ListStats({"s", "usr_2", ""})->size(), 1u);
  EXPECT_EQ(store_->ListStats({"", "", "2026-01-02"})->size(), 1u);
  EXPECT_EQ(store_->ListStats({"t", "", ""})->size(), 0u);
}

}  // namespace
}  // namespace citydata::storage
