#include <gtest/gtest.h>
#include <sqlite3.h>
#include <unistd.h>

#include <filesystem>

#include "storage/audit_store.h"

namespace citydata::storage {
namespace {

AuditRecord MakeRecord(int64_t seq, std::string actor, std::string time) {
  AuditRecord r;
  r.seq = seq;
  r.time = std::move(time);
  r.actor = std::move(actor);
  r.actor_kind = "user";
  r.action = seq % 2 ? "data.read" : "login";
  r.target = seq % 2 ? "raw.people" : "";
  r.columns = {"name", "id, with comma"};
  r.rows = seq * 10;
  r.outcome = seq == 3 ? "denied" : "allowed";
  r.prev_hash = "p" + std::to_string(seq);
  r.hash = "h" + std::to_string(seq);
  return r;
}

class AuditStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = std::filesystem::temp_directory_path() /
            ("citydata_audit_store_test_" + std::to_string(::getpid()) + ".db");
    Remove();
    auto store = OpenSqliteAuditStore(path_.string());
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    store_ = std::move(*store);
  }
  void TearDown() override {
    store_.reset();
    Remove();
  }
  void Remove() {
    for (auto suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path_.string() + suffix);
  }
  void AppendFour() {
    ASSERT_TRUE(store_
                    ->Append({MakeRecord(1, "ann", "2026-01-01T00:00:00.000Z"),
                              MakeRecord(2, "bob", "2026-01-02T00:00:00.000Z")})
                    .ok());
    ASSERT_TRUE(store_
                    ->Append({MakeRecord(3, "ann", "2026-01-03T00:00:00.000Z"),
                              MakeRecord(4, "ann", "2026-01-04T00:00:00.000Z")})
                    .ok());
  }
  std::filesystem::path path_;
  std::unique_ptr<AuditStore> store_;
};

TEST_F(AuditStoreTest, AppendsOnlyAtTheEnd) {
  EXPECT_FALSE(store_->Head()->has_value());
  AppendFour();
  EXPECT_EQ(*store_->Count(), 4);
  auto head = store_->Head();
  ASSERT_TRUE(head.ok() && head->has_value());
  EXPECT_EQ((*head)->seq, 4);
  EXPECT_EQ((*head)->columns, (std::vector<std::string>{"name", "id, with comma"}));
  EXPECT_EQ(store_->Append({MakeRecord(4, "x", "t")}).code(), ErrorCode::kConflict);
  EXPECT_EQ(store_->Append({MakeRecord(6, "x", "t")}).code(), ErrorCode::kConflict);
  EXPECT_EQ(*store_->Count(), 4);
}

TEST_F(AuditStoreTest, ScansInSeqOrderFromASeq) {
  AppendFour();
  std::vector<int64_t> seqs;
  ASSERT_TRUE(store_
                  ->Scan(2,
                         [&](const AuditRecord& r) {
                           seqs.push_back(r.seq);
                           return Status::Ok();
                         })
                  .ok());
  EXPECT_EQ(seqs, (std::vector<int64_t>{2, 3, 4}));
  Status stop = store_->Scan(1, [](const AuditRecord&) { return Internal("stop"); });
  EXPECT_EQ(stop.message(), "stop");
}

TEST_F(AuditStoreTest, ListsByFilterNewestFirst) {
  AppendFour();
  AuditFilter by_actor;
  by_actor.actor = "ann";
  by_actor.limit = 2;
  auto page = store_->List(by_actor);
  ASSERT_TRUE(page.ok()) << page.status().ToString();
  EXPECT_EQ(page->total, 3);
  ASSERT_EQ(page->items.size(), 2u);
  EXPECT_EQ(page->items[0].seq, 4);
  AuditFilter combined;
  combined.target = "raw.people";
  combined.outcome = "denied";
  EXPECT_EQ(store_->List(combined)->total, 1);
  AuditFilter window;
  window.since = "2026-01-02";
  window.until = "2026-01-04";
  window.action = "data.read";
  page = store_->List(window);
  ASSERT_EQ(page->items.size(), 1u);
  EXPECT_EQ(page->items[0].seq, 3);
}

TEST_F(AuditStoreTest, RefusesSqlUpdatesAndPassesBadColumnsThrough) {
  AppendFour();
  sqlite3* raw = nullptr;
  ASSERT_EQ(sqlite3_open(path_.c_str(), &raw), SQLITE_OK);
  EXPECT_NE(sqlite3_exec(raw, "DELETE FROM audit_log WHERE seq = 2", nullptr, nullptr, nullptr),
            SQLITE_OK);
  EXPECT_NE(sqlite3_exec(raw, "UPDATE audit_log SET actor = 'x'", nullptr, nullptr, nullptr),
            SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(raw,
                         "DROP TRIGGER audit_log_no_update; "
                         "UPDATE audit_log SET cols = 'not json' WHERE seq = 1",
                         nullptr, nullptr, nullptr),
            SQLITE_OK);
  sqlite3_close(raw);
  EXPECT_EQ(*store_->Count(), 4);
  AuditFilter all;
  all.until = "2026-01-02";
  auto page = store_->List(all);
  ASSERT_EQ(page->items.size(), 1u);
  EXPECT_EQ(page->items[0].columns, std::vector<std::string>{"not json"});
}

}  // namespace
}  // namespace citydata::storage
