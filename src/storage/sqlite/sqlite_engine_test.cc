#include "storage/sqlite/sqlite_engine.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>

namespace citydata::storage {
namespace {

class SqliteEngineTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("citydata_engine_test_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    auto engine = SqliteEngine::Open(dir_.string());
    ASSERT_TRUE(engine.ok()) << engine.status().ToString();
    engine_ = std::move(*engine);
  }
  void TearDown() override {
    engine_.reset();
    std::filesystem::remove_all(dir_);
  }

  void Load(const DatasetName& d, WriteMode mode, std::vector<std::vector<Value>> rows,
            const std::string& batch = "") {
    auto w = engine_->BeginWrite(d, schema_, mode, batch);
    ASSERT_TRUE(w.ok()) << w.status().ToString();
    for (auto& r : rows) ASSERT_TRUE((*w)->Append(r).ok());
    ASSERT_TRUE((*w)->Commit().ok());
  }

  int64_t Count(const std::string& sql) {
    auto c = engine_->Query(sql, {});
    EXPECT_TRUE(c.ok()) << c.status().ToString();
    std::vector<Value> row;
    EXPECT_TRUE(*(*c)->Next(row));
    return std::get<int64_t>(row[0]);
  }

  std::filesystem::path dir_;
  std::unique_ptr<SqliteEngine> engine_;
  Schema schema_ = {{"id", ColumnType::kInteger}, {"名称", ColumnType::kText}};
  DatasetName ds_{Zone::kRaw, "people"};
};

TEST_F(SqliteEngineTest, AppendCreatesAndQueriesAcrossZones) {
  Load(ds_, WriteMode::kAppend, {{int64_t{1}, std::string("张三")}, {int64_t{2}, std::monostate{}}});
  Load({Zone::kStd, "people"}, WriteMode::kAppend, {{int64_t{1}, std::string("x")}});
  EXPECT_EQ(Count("SELECT count(*) FROM raw.people r JOIN std.people s ON r.id = s.id"), 1);
  auto schema = engine_->GetSchema(ds_);
  ASSERT_TRUE(schema.ok());
  ASSERT_TRUE(schema->has_value());
  EXPECT_EQ((**schema)[1].name, "名称");
  EXPECT_EQ((**schema)[0].type, ColumnType::kInteger);
}

TEST_F(SqliteEngineTest, UncommittedWriteIsInvisible) {
  Load(ds_, WriteMode::kAppend, {{int64_t{1}, std::string("a")}});
  {
    auto w = engine_->BeginWrite(ds_, schema_, WriteMode::kReplace, "");
    ASSERT_TRUE(w.ok());
    ASSERT_TRUE((*w)->Append({int64_t{9}, std::string("z")}).ok());
    EXPECT_EQ(Count("SELECT count(*) FROM raw.people WHERE id = 1"), 1);
  }
  EXPECT_EQ(Count("SELECT count(*) FROM raw.people"), 1);
}

TEST_F(SqliteEngineTest, BatchIdMakesResendANoOp) {
  Load(ds_, WriteMode::kAppend, {{int64_t{1}, std::string("a")}}, "b1");
  auto again = engine_->BeginWrite(ds_, schema_, WriteMode::kAppend, "b1");
  EXPECT_EQ(again.status().code(), ErrorCode::kAlreadyExists);
  EXPECT_TRUE(*engine_->HasBatch(ds_, "b1"));
  EXPECT_EQ(Count("SELECT count(*) FROM raw.people"), 1);
}

TEST_F(SqliteEngineTest, RefusesEverythingButOneReadOnlyQuery) {
  Load(ds_, WriteMode::kAppend, {{int64_t{1}, std::string("a")}});
  for (const char* sql : {"DELETE FROM raw.people", "DROP TABLE raw.people",
                          "ATTACH DATABASE '/tmp/x.db' AS x", "PRAGMA raw.journal_mode",
                          "SELECT 1; SELECT 2", "INSERT INTO raw.people VALUES (2, 'b')",
                          "CREATE TABLE raw.t (a)", "SELECT * FROM raw._citydata_batches",
                          "SELECT * FROM raw.sqlite_master", "", "   ", "SELEC 1",
                          "UPDATE raw.people SET id = 3", "VACUUM", "BEGIN",
                          "WITH x AS (SELECT 1) DELETE FROM raw.people"}) {
    auto c = engine_->Query(sql, {});
    EXPECT_FALSE(c.ok()) << sql;
  }
  EXPECT_TRUE(engine_->Query("SELECT 1; -- trailing comment", {}).ok());
  auto huge = engine_->Query("SELECT length(hex(zeroblob(450000000)))", {});
  std::vector<Value> row;
  EXPECT_TRUE(!huge.ok() || !(*huge)->Next(row).ok()) << "a 450 MB value must be refused";
  EXPECT_TRUE(engine_->Query("WITH x AS (SELECT id FROM raw.people) SELECT * FROM x", {}).ok());
  EXPECT_EQ(Count("SELECT count(*) FROM raw.people"), 1);
}

TEST_F(SqliteEngineTest, InternalTablesAreHiddenFromUserSql) {
  DatasetName staged{Zone::kRaw, "_q_job1"};
  Load(staged, WriteMode::kAppend, {{int64_t{1}, std::string("secret")}});
  EXPECT_EQ(engine_->Query("SELECT * FROM raw._q_job1", {}).status().code(),
            ErrorCode::kPermissionDenied);
  auto scan = engine_->ScanPart(staged, {}, 0, 1);
  ASSERT_TRUE(scan.ok()) << scan.status().ToString();
}

TEST_F(SqliteEngineTest, RowCapTruncatesAndTimeoutStops) {
  QueryLimits limits;
  limits.max_rows = 3;
  auto c = engine_->Query("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n "
                          "WHERE i < 10) SELECT i FROM n", limits);
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  std::vector<Value> row;
  int rows = 0;
  while (*(*c)->Next(row)) ++rows;
  EXPECT_EQ(rows, 3);
  EXPECT_TRUE((*c)->truncated());

  limits.max_rows = 10;
  limits.timeout = std::chrono::milliseconds(50);
  auto slow = engine_->Query("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n) "
                             "SELECT count(*) FROM n", limits);
  ASSERT_TRUE(slow.ok());
  auto next = (*slow)->Next(row);
  EXPECT_EQ(next.status().code(), ErrorCode::kDeadlineExceeded);
}

TEST_F(SqliteEngineTest, ReplaceSwapsSchemaAndRows) {
  Load(ds_, WriteMode::kAppend, {{int64_t{1}, std::string("a")}, {int64_t{2}, std::string("b")}});
  schema_ = {{"code", ColumnType::kText}};
  Load(ds_, WriteMode::kReplace, {{std::string("010010")}});
  EXPECT_EQ(Count("SELECT count(*) FROM raw.people WHERE code = '010010'"), 1);
  auto stats = engine_->Stats(ds_);
  ASSERT_TRUE(stats.ok());
  EXPECT_EQ(stats->row_count, 1);
  EXPECT_TRUE(engine_->CheckIntegrity().ok());
}

TEST_F(SqliteEngineTest, ScanPagesRows) {
  Load(ds_, WriteMode::kAppend, {{int64_t{1}, std::string("a")}, {int64_t{2}, std::string("b")},
                                 {int64_t{3}, std::string("c")}});
  auto c = engine_->Scan(ds_, 1, 1);
  ASSERT_TRUE(c.ok());
  std::vector<Value> row;
  ASSERT_TRUE(*(*c)->Next(row));
  EXPECT_EQ(std::get<int64_t>(row[0]), 2);
  EXPECT_FALSE(*(*c)->Next(row));
}

TEST_F(SqliteEngineTest, MoveRowsPublishesAStagedBatchAtomically) {
  Load(ds_, WriteMode::kAppend, {{int64_t{1}, std::string("a")}});
  DatasetName staged{Zone::kRaw, "people_staged"};
  Load(staged, WriteMode::kAppend, {{int64_t{2}, std::string("b")}, {int64_t{3}, std::string("c")}});
  ASSERT_TRUE(engine_->MoveRows(staged, ds_, WriteMode::kAppend, "b7").ok());
  EXPECT_EQ(Count("SELECT count(*) FROM raw.people"), 3);
  EXPECT_TRUE(*engine_->HasBatch(ds_, "b7"));
  EXPECT_FALSE(engine_->GetSchema(staged)->has_value());
  EXPECT_EQ(engine_->MoveRows(staged, ds_, WriteMode::kAppend, "").code(), ErrorCode::kNotFound);
}

TEST_F(SqliteEngineTest, ScanPartsCoverEveryRowOnce) {
  std::vector<std::vector<Value>> rows;
  for (int64_t i = 0; i < 1000; ++i) rows.push_back({i, std::string("v")});
  Load(ds_, WriteMode::kAppend, rows);
  int64_t seen = 0, sum = 0;
  for (int part = 0; part < 3; ++part) {
    auto c = engine_->ScanPart(ds_, {"id"}, part, 3);
    ASSERT_TRUE(c.ok()) << c.status().ToString();
    EXPECT_EQ((*c)->column_names(), (std::vector<std::string>{"_row_id", "id"}));
    std::vector<Value> row;
    while (*(*c)->Next(row)) {
      ++seen;
      sum += std::get<int64_t>(row[1]);
    }
  }
  EXPECT_EQ(seen, 1000);
  EXPECT_EQ(sum, 999 * 1000 / 2);
  EXPECT_EQ(engine_->ScanPart(ds_, {"nope"}, 0, 1).status().code(), ErrorCode::kNotFound);
}

TEST_F(SqliteEngineTest, ScanPartBlocksMatchScanPartWithoutCopies) {
  std::vector<std::vector<Value>> rows;
  for (int64_t i = 0; i < 500; ++i) {
    rows.push_back({i, i % 7 == 0 ? Value() : Value("name" + std::to_string(i))});
  }
  Load(ds_, WriteMode::kAppend, rows);
  std::vector<std::pair<int64_t, std::string>> seen;
  int64_t nulls = 0, sum = 0;
  for (int part = 0; part < 3; ++part) {
    Status st = engine_->ScanPartBlocks(ds_, {"名称", "id"}, part, 3, [&](const ScanBlock& b) {
      EXPECT_EQ(b.columns(), 2u);
      for (size_t r = 0; r < b.rows(); ++r) {
        const CellView& name = b.cell(r, 0);
        const CellView& id = b.column(1)[r];
        EXPECT_EQ(id.kind, CellView::Kind::kInteger);
        sum += id.integer;
        if (name.kind == CellView::Kind::kNull) {
          ++nulls;
        } else {
          EXPECT_EQ(name.kind, CellView::Kind::kText);
          seen.emplace_back(b.row_id(r), std::string(name.text));
        }
      }
      return Status::Ok();
    });
    ASSERT_TRUE(st.ok()) << st.ToString();
  }
  EXPECT_EQ(nulls, 72);
  EXPECT_EQ(seen.size(), 428u);
  EXPECT_EQ(sum, 499 * 500 / 2);
  EXPECT_EQ(seen.front().second, "name1");
  EXPECT_TRUE(std::is_sorted(seen.begin(), seen.end()));

  int calls = 0;
  Status stop = engine_->ScanPartBlocks(ds_, {"id"}, 0, 1, [&](const ScanBlock&) {
    return ++calls == 3 ? ResourceExhausted("enough") : Status::Ok();
  });
  EXPECT_EQ(stop.code(), ErrorCode::kResourceExhausted);
  EXPECT_EQ(calls, 3);
  auto none = [](const ScanBlock&) { return Status::Ok(); };
  EXPECT_EQ(engine_->ScanPartBlocks(ds_, {"nope"}, 0, 1, none).code(), ErrorCode::kNotFound);
  EXPECT_EQ(engine_->ScanPartBlocks(ds_, {"id"}, 2, 2, none).code(), ErrorCode::kInvalidArgument);
}

TEST_F(SqliteEngineTest, NamedParametersAreBoundNotSpliced) {
  Load(ds_, WriteMode::kAppend, {{int64_t{1}, std::string("张三")}, {int64_t{2}, std::string("x")}});
  QueryParams params{{"name", std::string("x' OR '1'='1")}, {"min", int64_t{1}}, {"unused", 7.5}};
  auto c = engine_->Query("SELECT id FROM raw.people WHERE 名称 = :name OR id > :min", {}, nullptr,
                          params);
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  std::vector<Value> row;
  ASSERT_TRUE(*(*c)->Next(row));  // only id 2: the quote stays inside the value
  EXPECT_EQ(std::get<int64_t>(row[0]), 2);
  EXPECT_FALSE(*(*c)->Next(row));
  EXPECT_EQ(engine_->Query("SELECT :missing", {}, nullptr, params).status().code(),
            ErrorCode::kInvalidArgument);
  EXPECT_EQ(engine_->Query("SELECT ?1", {}, nullptr, params).status().code(),
            ErrorCode::kInvalidArgument);
}

}  // namespace
}  // namespace citydata::storage
