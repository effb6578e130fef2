#include "storage/sqlite/sqlite_segments.h"

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>

#include "storage/sqlite/sqlite_engine.h"

namespace citydata::storage {
namespace {

namespace fs = std::filesystem;

// A scanned row: its id and its cells as values (text copied).
struct ScannedRow {
  int64_t id;
  std::vector<Value> cells;
  bool operator==(const ScannedRow&) const = default;
};

Value ToValue(const CellView& c) {
  switch (c.kind) {
    case CellView::Kind::kNull:
      return std::monostate{};
    case CellView::Kind::kInteger:
      return c.integer;
    case CellView::Kind::kReal:
      return c.real;
    case CellView::Kind::kText:
      return std::string(c.text);
  }
  return std::monostate{};
}

class SegmentTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("citydata_segment_test_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    Reopen();
  }
  void TearDown() override {
    engine_.reset();
    fs::remove_all(dir_);
  }
  void Reopen() {
    engine_.reset();
    auto engine = SqliteEngine::Open(dir_.string());
    ASSERT_TRUE(engine.ok()) << engine.status().ToString();
    engine_ = std::move(*engine);
  }

  void Load(const DatasetName& d, WriteMode mode, const std::vector<std::vector<Value>>& rows) {
    auto w = engine_->BeginWrite(d, schema_, mode, "");
    ASSERT_TRUE(w.ok()) << w.status().ToString();
    for (const auto& r : rows) ASSERT_TRUE((*w)->Append(r).ok());
    ASSERT_TRUE((*w)->Commit().ok());
  }

  // Every row of `d` through ScanPartBlocks, in `parts` parts, and through ScanPart (the
  // table, row by row): the two must agree.
  std::vector<ScannedRow> ScanBoth(const DatasetName& d, int parts = 3) {
    std::vector<ScannedRow> blocks, rows;
    for (int p = 0; p < parts; ++p) {
      Status s = engine_->ScanPartBlocks(d, {}, p, parts, [&](const ScanBlock& b) {
        for (size_t r = 0; r < b.rows(); ++r) {
          ScannedRow row{b.row_id(r), {}};
          for (size_t c = 0; c < b.columns(); ++c) row.cells.push_back(ToValue(b.cell(r, c)));
          blocks.push_back(std::move(row));
        }
        return Status::Ok();
      });
      EXPECT_TRUE(s.ok()) << s.ToString();
      auto cursor = engine_->ScanPart(d, {}, p, parts);
      EXPECT_TRUE(cursor.ok());
      std::vector<Value> values;
      while (*(*cursor)->Next(values)) {
        ScannedRow row{std::get<int64_t>(values[0]), {values.begin() + 1, values.end()}};
        rows.push_back(std::move(row));
      }
    }
    EXPECT_EQ(blocks.size(), rows.size());
    EXPECT_TRUE(blocks == rows);
    return blocks;
  }

  size_t SegmentFiles() {
    size_t n = 0;
    for (const auto& e : fs::directory_iterator(dir_ / "segments")) n += e.is_regular_file();
    return n;
  }

  std::vector<std::vector<Value>> MixedRows(int n, int64_t base = 0) {
    std::vector<std::vector<Value>> rows;
    for (int i = 0; i < n; ++i) {
      std::vector<Value> row{
          int64_t{base + i},
          i % 7 == 0 ? Value(std::monostate{}) : Value("名字" + std::to_string(i)),
          i % 5 == 0 ? Value(std::monostate{}) : Value(i * 0.5 + 0.25),
          Value(i % 2 == 0),
          Value(std::string("2024-01-0") + char('1' + i % 9)),
          i % 3 == 0 ? Value(std::string()) : Value(std::string("a\0b", 3))};
      rows.push_back(std::move(row));
    }
    return rows;
  }

  fs::path dir_;
  std::unique_ptr<SqliteEngine> engine_;
  Schema schema_ = {{"id", ColumnType::kInteger},     {"name", ColumnType::kText},
                    {"amount", ColumnType::kDecimal}, {"flag", ColumnType::kBoolean},
                    {"day", ColumnType::kDate},       {"note", ColumnType::kText}};
  DatasetName ds_{Zone::kRaw, "people"};
};

TEST_F(SegmentTest, BlocksFromSegmentsEqualTheTableRows) {
  Load(ds_, WriteMode::kAppend, MixedRows(5000));
  EXPECT_EQ(SegmentFiles(), 1u);
  auto rows = ScanBoth(ds_);
  ASSERT_EQ(rows.size(), 5000u);
  EXPECT_EQ(rows[1].cells[1], Value(std::string("名字1")));
  EXPECT_EQ(rows[1].cells[3], Value(int64_t{0}));  // a boolean as SQLite stores it
  EXPECT_EQ(rows[1].cells[5], Value(std::string("a\0b", 3)));
  // A few columns, in another order.
  std::vector<std::string> some{"note", "id"};
  int64_t seen = 0;
  ASSERT_TRUE(engine_
                  ->ScanPartBlocks(ds_, some, 0, 1,
                                   [&](const ScanBlock& b) {
                                     for (size_t r = 0; r < b.rows(); ++r) {
                                       EXPECT_EQ(b.cell(r, 1).integer, seen);
                                       ++seen;
                                     }
                                     return Status::Ok();
                                   })
                  .ok());
  EXPECT_EQ(seen, 5000);
}

TEST_F(SegmentTest, AppendsAddSegmentsAndSurviveARestart) {
  Load(ds_, WriteMode::kAppend, MixedRows(100));
  Load(ds_, WriteMode::kAppend, MixedRows(50, 100));
  Load(ds_, WriteMode::kAppend, {});
  EXPECT_EQ(SegmentFiles(), 2u);
  Reopen();
  EXPECT_EQ(SegmentFiles(), 2u);
  EXPECT_EQ(ScanBoth(ds_).size(), 150u);
}

TEST_F(SegmentTest, LargeWritesAreCutIntoSegments) {
  Schema one = {{"n", ColumnType::kInteger}};
  auto w = engine_->BeginWrite(ds_, one, WriteMode::kAppend, "");
  ASSERT_TRUE(w.ok());
  const int64_t n = sqlite::SegmentWriter::kRowsPerSegment + 10;
  for (int64_t i = 0; i < n; ++i) ASSERT_TRUE((*w)->Append({Value(i)}).ok());
  ASSERT_TRUE((*w)->Commit().ok());
  EXPECT_EQ(SegmentFiles(), 2u);
  int64_t next = 0;
  for (int p = 0; p < 2; ++p) {
    ASSERT_TRUE(engine_
                    ->ScanPartBlocks(ds_, {}, p, 2,
                                     [&](const ScanBlock& b) {
                                       for (size_t r = 0; r < b.rows(); ++r) {
                                         if (b.cell(r, 0).integer != next ||
                                             b.row_id(r) != next + 1)
                                           return Internal("out of order");
                                         ++next;
                                       }
                                       return Status::Ok();
                                     })
                    .ok());
  }
  EXPECT_EQ(next, n);
}

TEST_F(SegmentTest, ValuesSqliteWouldConvertAreNotMirrored) {
  // '12' becomes the integer 12 in an INTEGER column, 3.0 the integer 3 in a BOOLEAN one.
  for (auto bad : {std::vector<Value>{std::string("12"), std::string("x"), 1.5, true,
                                      std::string("2024-01-01"), std::string("n")},
                   std::vector<Value>{int64_t{1}, std::string("x"), 1.5, 3.0,
                                      std::string("2024-01-01"), std::string("n")},
                   std::vector<Value>{int64_t{1}, std::string("x"), 1.5, true, std::string(" 1e5 "),
                                      std::string("n")},
                   std::vector<Value>{int64_t{1}, int64_t{7}, 1.5, true, std::string("2024-01-01"),
                                      std::string("n")}}) {
    Load(ds_, WriteMode::kReplace, {MixedRows(3)[1], bad});
    EXPECT_EQ(SegmentFiles(), 0u);
    ScanBoth(ds_);
  }
  // The dataset's rows are not all mirrored, so later appends are not either.
  Load(ds_, WriteMode::kAppend, MixedRows(10));
  EXPECT_EQ(SegmentFiles(), 0u);
  EXPECT_EQ(ScanBoth(ds_).size(), 12u);
}

TEST_F(SegmentTest, NegativeZeroReadsAsSqliteStoresIt) {
  auto row = MixedRows(1)[0];
  row[2] = -0.0;  // a REAL column keeps an integral value as an integer: -0.0 comes back 0.0
  Load(ds_, WriteMode::kAppend, {row});
  EXPECT_EQ(SegmentFiles(), 1u);
  auto rows = ScanBoth(ds_);
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_FALSE(std::signbit(std::get<double>(rows[0].cells[2])));
}

TEST_F(SegmentTest, AColumnHidingTheRowIdIsNotMirrored) {
  schema_[0].name = "OID";
  Load(ds_, WriteMode::kAppend, MixedRows(10));
  EXPECT_EQ(SegmentFiles(), 0u);
}

TEST_F(SegmentTest, AnUnmirroredAppendUnregistersTheDataset) {
  Load(ds_, WriteMode::kAppend, MixedRows(10));
  EXPECT_EQ(SegmentFiles(), 1u);
  auto bad = MixedRows(1)[0];
  bad[0] = std::string("42");
  Load(ds_, WriteMode::kAppend, {bad});
  EXPECT_EQ(SegmentFiles(), 0u);
  auto rows = ScanBoth(ds_);
  ASSERT_EQ(rows.size(), 11u);
  EXPECT_EQ(rows.back().cells[0], Value(int64_t{42}));
}

TEST_F(SegmentTest, ReplaceDropAndRollbackLeaveNoStaleFiles) {
  Load(ds_, WriteMode::kAppend, MixedRows(10));
  Load(ds_, WriteMode::kReplace, MixedRows(20));
  EXPECT_EQ(SegmentFiles(), 1u);
  EXPECT_EQ(ScanBoth(ds_).size(), 20u);
  {
    auto w = engine_->BeginWrite(ds_, schema_, WriteMode::kReplace, "");
    ASSERT_TRUE(w.ok());
    for (const auto& r : MixedRows(30)) ASSERT_TRUE((*w)->Append(r).ok());
  }  // not committed
  EXPECT_EQ(SegmentFiles(), 1u);
  EXPECT_EQ(ScanBoth(ds_).size(), 20u);
  ASSERT_TRUE(engine_->DropDataset(ds_).ok());
  EXPECT_EQ(SegmentFiles(), 0u);
}

TEST_F(SegmentTest, MovedRowsKeepTheirSegments) {
  DatasetName staged{Zone::kRaw, "_q_people_1"};
  Load(ds_, WriteMode::kAppend, MixedRows(10));
  Load(staged, WriteMode::kAppend, MixedRows(7, 100));
  ASSERT_TRUE(engine_->MoveRows(staged, ds_, WriteMode::kAppend, "b1").ok());
  EXPECT_EQ(SegmentFiles(), 2u);
  auto rows = ScanBoth(ds_);
  ASSERT_EQ(rows.size(), 17u);
  EXPECT_EQ(rows[10].cells[0], Value(int64_t{100}));
  Load(staged, WriteMode::kAppend, MixedRows(5, 200));
  ASSERT_TRUE(engine_->MoveRows(staged, ds_, WriteMode::kReplace, "b2").ok());
  EXPECT_EQ(SegmentFiles(), 1u);
  EXPECT_EQ(ScanBoth(ds_).size(), 5u);
}

TEST_F(SegmentTest, MovingIntoAnUnmirroredDatasetUnregisters) {
  auto bad = MixedRows(1)[0];
  bad[0] = std::string("42");
  Load(ds_, WriteMode::kAppend, {bad});
  DatasetName staged{Zone::kRaw, "_q_people_1"};
  Load(staged, WriteMode::kAppend, MixedRows(7));
  EXPECT_EQ(SegmentFiles(), 1u);
  ASSERT_TRUE(engine_->MoveRows(staged, ds_, WriteMode::kAppend, "").ok());
  EXPECT_EQ(SegmentFiles(), 0u);
  EXPECT_EQ(ScanBoth(ds_).size(), 8u);
}

TEST_F(SegmentTest, DamagedOrMissingFilesAreReadFromTheTable) {
  Load(ds_, WriteMode::kAppend, MixedRows(3000));
  Load(ds_, WriteMode::kAppend, MixedRows(3000, 3000));
  std::vector<fs::path> files;
  for (const auto& e : fs::directory_iterator(dir_ / "segments")) files.push_back(e.path());
  ASSERT_EQ(files.size(), 2u);
  std::sort(files.begin(), files.end());
  // One file cut short, the other's text offsets overwritten past its end.
  fs::resize_file(files[0], fs::file_size(files[0]) - 100);
  {
    std::fstream f(files[1], std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(static_cast<std::streamoff>(fs::file_size(files[1]) / 2));
    std::string junk(4096, '\xff');
    f.write(junk.data(), static_cast<std::streamsize>(junk.size()));
  }
  EXPECT_EQ(ScanBoth(ds_, 2).size(), 6000u);
  fs::remove(files[0]);
  fs::remove(files[1]);
  EXPECT_EQ(ScanBoth(ds_, 2).size(), 6000u);
}

TEST_F(SegmentTest, OpenRemovesUnregisteredFiles) {
  Load(ds_, WriteMode::kAppend, MixedRows(10));
  std::ofstream(dir_ / "segments" / "raw-orphan.seg") << "left by a crash";
  EXPECT_EQ(SegmentFiles(), 2u);
  Reopen();
  EXPECT_EQ(SegmentFiles(), 1u);
  EXPECT_EQ(ScanBoth(ds_).size(), 10u);
}

TEST(SegmentFileTest, RejectsWhatIsNotASegment) {
  auto path = fs::temp_directory_path() / ("citydata_not_a_segment_" + std::to_string(::getpid()));
  std::ofstream(path) << std::string(200, 'x');
  EXPECT_FALSE(sqlite::SegmentFile::Map(path.string(), 1).ok());
  EXPECT_FALSE(sqlite::SegmentFile::Map(path.string() + ".missing", 1).ok());
  fs::remove(path);
}

}  // namespace
}  // namespace citydata::storage
