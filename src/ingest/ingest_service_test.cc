#include "ingest/ingest_service.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "storage/sqlite/sqlite_engine.h"

namespace citydata::ingest {
namespace {

namespace fs = std::filesystem;

class IngestServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("citydata_ingest_test_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_ / "zones");
    meta_ = std::move(*storage::OpenSqliteMetaStore((dir_ / "meta.db").string()));
    engine_ = std::move(*storage::SqliteEngine::Open((dir_ / "zones").string()));
    catalog_ = std::make_unique<catalog::CatalogService>(*meta_, *engine_);
    service_ = std::make_unique<IngestService>(*meta_, *engine_, *catalog_, metrics_);
    ASSERT_TRUE(catalog_->AddDepartment("gaj", "市公安局").ok());
  }
  void TearDown() override {
    service_.reset();
    catalog_.reset();
    engine_.reset();
    meta_.reset();
    fs::remove_all(dir_);
  }

  std::string Write(const std::string& name, const std::string& content) {
    auto path = dir_ / name;
    std::ofstream(path, std::ios::binary) << content;
    return path.string();
  }

  Result<IngestResult> Ingest(const std::string& file, const std::string& dataset,
                              storage::WriteMode mode = storage::WriteMode::kAppend,
                              const std::string& batch = "") {
    IngestRequest req;
    req.file_path = file;
    req.source_name = fs::path(file).filename().string();
    req.dataset = {Zone::kRaw, dataset};
    req.dept_code = "gaj";
    req.mode = mode;
    req.batch_id = batch;
    return service_->Ingest(req);
  }

  fs::path dir_;
  Metrics metrics_;
  std::unique_ptr<storage::MetaStore> meta_;
  std::unique_ptr<storage::SqliteEngine> engine_;
  std::unique_ptr<catalog::CatalogService> catalog_;
  std::unique_ptr<IngestService> service_;
};

TEST_F(IngestServiceTest, LoadsRejectsAndProfiles) {
  auto r = Ingest(Write("p.csv", "id,sfzh,name\n1,11010519491231002X,张三\n2,bad\n3,0102,李四\n"),
                  "people");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->rows_read, 3);
  EXPECT_EQ(r->rows_loaded, 2);
  EXPECT_EQ(r->rows_rejected, 1);
  EXPECT_TRUE(r->reconciled);
  EXPECT_EQ(r->schema[0].type, ColumnType::kInteger);
  EXPECT_EQ(r->schema[1].type, ColumnType::kText);
  auto meta = catalog_->Get({Zone::kRaw, "people"});
  ASSERT_TRUE(meta.ok());
  EXPECT_EQ(meta->row_count, 2);
  EXPECT_EQ(meta->version, 1);
  EXPECT_EQ(meta->title, "p");
  EXPECT_NE(meta->columns[2].profile_json.find("张三"), std::string::npos);
  auto rejects = catalog_->Rejects({Zone::kRaw, "people"}, 10, 0);
  ASSERT_TRUE(rejects.ok());
  ASSERT_EQ(rejects->total, 1);
  EXPECT_EQ(rejects->items[0].line, 3);
}

// Types come from the first rows; a later value that does not fit them makes the
// ingest start over with inference over the whole file, with the same outcome as if it
// had read everything first, and no reject counted twice.
TEST_F(IngestServiceTest, ALateValueWidensTheInferredTypeOverTheWholeFile) {
  std::string csv = "n,amount,label\n";
  csv += "x,1\n";  // ragged: rejected once
  for (int i = 0; i < 150000; ++i) csv += std::to_string(i) + "," + std::to_string(i) + ".5,a\n";
  csv += "149999x,7.5,b\n";
  auto r = Ingest(Write("late.csv", csv), "late");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->rows_read, 150002);
  EXPECT_EQ(r->rows_loaded, 150001);
  EXPECT_EQ(r->rows_rejected, 1);
  EXPECT_TRUE(r->reconciled);
  EXPECT_EQ(r->schema[0].type, ColumnType::kText);
  EXPECT_EQ(r->schema[1].type, ColumnType::kDecimal);
  auto rejects = catalog_->Rejects({Zone::kRaw, "late"}, 10, 0);
  ASSERT_TRUE(rejects.ok());
  EXPECT_EQ(rejects->total, 1);
  // Values that fit the prefix's types keep them, in one pass.
  std::string typed = "n\n";
  for (int i = 0; i < 150000; ++i) typed += std::to_string(i) + "\n";
  auto t = Ingest(Write("typed.csv", typed), "typed");
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->schema[0].type, ColumnType::kInteger);
  EXPECT_EQ(t->rows_loaded, 150000);
}

TEST_F(IngestServiceTest, AppendExtendsTheProfileAndConvertsToStoredTypes) {
  ASSERT_TRUE(Ingest(Write("a.csv", "n,code\n1,x\n2,y\n"), "nums").ok());
  auto second = Ingest(Write("b.csv", "code,n\nz,3\nw,abc\n"), "nums");
  ASSERT_TRUE(second.ok()) << second.status().ToString();
  EXPECT_EQ(second->rows_loaded, 1);
  EXPECT_EQ(second->rows_rejected, 1);
  EXPECT_EQ(second->row_count_after, 3);
  EXPECT_TRUE(second->reconciled);
  auto meta = catalog_->Get({Zone::kRaw, "nums"});
  ASSERT_TRUE(meta.ok());
  EXPECT_NE(meta->columns[0].profile_json.find("\"distinct_count\":3"), std::string::npos)
      << meta->columns[0].profile_json;
}

TEST_F(IngestServiceTest, UnknownColumnsOnAppendFailTheJob) {
  ASSERT_TRUE(Ingest(Write("a.csv", "n\n1\n"), "strict").ok());
  auto r = Ingest(Write("b.csv", "n,extra\n1,2\n"), "strict");
  EXPECT_EQ(r.status().code(), ErrorCode::kFailedPrecondition);
  auto jobs = catalog_->Jobs({Zone::kRaw, "strict"}, 10);
  ASSERT_TRUE(jobs.ok());
  ASSERT_EQ(jobs->size(), 2u);
  EXPECT_EQ((*jobs)[0].state, storage::JobState::kFailed);
  EXPECT_EQ(catalog_->Get({Zone::kRaw, "strict"})->row_count, 1);
}

TEST_F(IngestServiceTest, BatchIdIsIdempotent) {
  std::string file = Write("a.csv", "n\n1\n2\n");
  ASSERT_TRUE(Ingest(file, "batched", storage::WriteMode::kAppend, "b-1").ok());
  auto again = Ingest(file, "batched", storage::WriteMode::kAppend, "b-1");
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->state, "skipped");
  EXPECT_EQ(catalog_->Get({Zone::kRaw, "batched"})->row_count, 2);
}

TEST_F(IngestServiceTest, RecoveryTakesTheEngineCountsForInterruptedJobs) {
  ASSERT_TRUE(Ingest(Write("a.csv", "n\n1\n"), "recover").ok());
  storage::JobRecord stuck;
  stuck.id = "job_stuck";
  stuck.dataset = {Zone::kRaw, "recover"};
  stuck.started_at = "2026-01-01T00:00:00Z";
  ASSERT_TRUE(meta_->PutJob(stuck).ok());
  auto writer = engine_->BeginWrite(stuck.dataset, {{"n", ColumnType::kInteger}},
                                    storage::WriteMode::kAppend, "");
  ASSERT_TRUE(writer.ok());
  ASSERT_TRUE((*writer)->Append({int64_t{5}}).ok());
  ASSERT_TRUE((*writer)->Commit().ok());
  writer->reset();
  ASSERT_TRUE(service_->RecoverInterruptedJobs().ok());
  EXPECT_EQ(catalog_->Get(stuck.dataset)->row_count, 2);
  EXPECT_EQ(catalog_->Job("job_stuck")->state, storage::JobState::kInterrupted);
}

// Gates every dataset: a batch passes when it has at most `max_rows` rows.
class RowLimitGate : public IngestQualityHook {
 public:
  RowLimitGate(storage::Engine& engine, int64_t max_rows) : engine_(engine), max_rows_(max_rows) {}
  Result<bool> HasGate(const DatasetName&) override { return true; }
  Result<QualityVerdict> CheckBatch(const DatasetName&, const DatasetName& staged,
                                    const std::string&) override {
    ASSIGN_OR_RETURN(auto stats, engine_.Stats(staged));
    return QualityVerdict{stats.row_count <= max_rows_, {{"rows", stats.row_count}}};
  }
  Result<QualityVerdict> AfterPublish(const DatasetName&, const std::string&) override {
    ++published_;
    return QualityVerdict{true, {{"score", 100}}};
  }
  int published_ = 0;

 private:
  storage::Engine& engine_;
  int64_t max_rows_;
};

TEST_F(IngestServiceTest, AFailedGateQuarantinesTheBatchUntilReleased) {
  RowLimitGate gate(*engine_, 2);
  service_ = std::make_unique<IngestService>(*meta_, *engine_, *catalog_, metrics_, &gate);
  auto ok = Ingest(Write("a.csv", "n\n1\n2\n"), "gated");
  ASSERT_TRUE(ok.ok()) << ok.status().ToString();
  EXPECT_EQ(ok->state, "succeeded");
  EXPECT_EQ(gate.published_, 1);
  auto held = Ingest(Write("b.csv", "n\n3\n4\n5\n"), "gated", storage::WriteMode::kAppend, "b2");
  ASSERT_TRUE(held.ok()) << held.status().ToString();
  EXPECT_EQ(held->state, "quarantined");
  EXPECT_EQ(held->quality["gate"]["rows"], 3);
  EXPECT_EQ(catalog_->Get({Zone::kRaw, "gated"})->row_count, 2);
  EXPECT_EQ(catalog_->Job(held->job_id)->state, storage::JobState::kQuarantined);
  EXPECT_FALSE(engine_->Query("SELECT * FROM raw._q_x", {}).ok());

  EXPECT_TRUE(held->reconciled);
  EXPECT_EQ(held->row_count_after, 2);
  auto released = service_->Release(held->job_id);
  ASSERT_TRUE(released.ok()) << released.status().ToString();
  EXPECT_EQ(released->state, storage::JobState::kSucceeded);
  auto details = nlohmann::json::parse(released->details_json);
  EXPECT_EQ(details["row_count_after"], 5);
  EXPECT_EQ(details["reconciled"], true);
  auto meta = catalog_->Get({Zone::kRaw, "gated"});
  EXPECT_EQ(meta->row_count, 5);
  EXPECT_NE(meta->columns[0].profile_json.find("\"max\":\"5\""), std::string::npos);
  EXPECT_TRUE(*engine_->HasBatch({Zone::kRaw, "gated"}, "b2"));
  EXPECT_EQ(service_->Release(held->job_id).status().code(), ErrorCode::kFailedPrecondition);

  auto again = Ingest(Write("c.csv", "n\n6\n7\n8\n"), "gated");
  ASSERT_TRUE(again.ok());
  auto discarded = service_->Discard(again->job_id);
  ASSERT_TRUE(discarded.ok());
  EXPECT_EQ(discarded->state, storage::JobState::kDiscarded);
  EXPECT_EQ(catalog_->Get({Zone::kRaw, "gated"})->row_count, 5);
}

}  // namespace
}  // namespace citydata::ingest
