#include "storage/sqlite/sqlite_scope.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>

#include "storage/sqlite/sqlite_engine.h"

namespace citydata::storage {
namespace {

std::string Text(const Value& v) {
  if (const auto* s = std::get_if<std::string>(&v)) return *s;
  if (const auto* i = std::get_if<int64_t>(&v)) return std::to_string(*i);
  return IsNull(v) ? "NULL" : "?";
}

DatasetView View(const std::string& name, std::vector<ColumnView> columns) {
  DatasetView view;
  view.dataset.zone = Zone::kRaw;
  view.dataset.name = name;
  view.columns = std::move(columns);
  return view;
}

// A scope showing only `view`.
ReadScope ScopeOf(DatasetView view) {
  return {[view](const DatasetName& d) -> Result<std::optional<DatasetView>> {
    if (d == view.dataset) return std::optional<DatasetView>(view);
    return std::optional<DatasetView>();
  }};
}

// A transform that keeps the first character and stars the rest, like a display mask.
Result<ValueTransform> TestCompiler(std::string_view spec) {
  if (spec != "star") return InvalidArgument("unknown transform '" + std::string(spec) + "'");
  return ValueTransform([](std::optional<std::string_view> v) -> std::optional<std::string> {
    if (!v || v->empty()) return std::nullopt;
    return std::string(v->substr(0, 1)) + std::string(v->size() - 1, '*');
  });
}

class ScopeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("citydata_scope_test_" + std::to_string(::getpid()));
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    engine_ = std::move(SqliteEngine::Open(dir_.string()).value());
    engine_->SetTransformCompiler(TestCompiler);
    Schema people = {{"id_number", ColumnType::kText},
                     {"name", ColumnType::kText},
                     {"district", ColumnType::kText}};
    auto w = engine_->BeginWrite({Zone::kRaw, "people"}, people, WriteMode::kAppend, "").value();
    ASSERT_TRUE(w->Append({Value(std::string(kSecret)), Value(std::string("张三")),
                           Value(std::string("东城区"))})
                    .ok());
    ASSERT_TRUE(w->Append({Value(std::string("110101199001011237")), Value(std::string("李四")),
                           Value(std::string("西城区"))})
                    .ok());
    ASSERT_TRUE(w->Commit().ok());
    Schema other = {{"secret", ColumnType::kText}};
    auto o = engine_->BeginWrite({Zone::kStd, "other"}, other, WriteMode::kAppend, "").value();
    ASSERT_TRUE(o->Append({Value(std::string("classified"))}).ok());
    ASSERT_TRUE(o->Commit().ok());
    scope_ = ScopeOf(View("people", {{"id_number", "star"}, {"district", ""}}));
  }
  void TearDown() override {
    engine_.reset();
    std::filesystem::remove_all(dir_);
  }

  // Every value of every row, as text; or the error.
  Result<std::vector<std::string>> Run(const std::string& sql, const ReadScope* scope) {
    ASSIGN_OR_RETURN(auto cursor, engine_->Query(sql, {}, scope));
    std::vector<std::string> out;
    std::vector<Value> row;
    while (true) {
      ASSIGN_OR_RETURN(bool more, cursor->Next(row));
      if (!more) break;
      for (const auto& v : row) out.push_back(Text(v));
    }
    return out;
  }

  static constexpr const char* kSecret = "11010519491231002X";
  std::filesystem::path dir_;
  std::unique_ptr<SqliteEngine> engine_;
  ReadScope scope_;
};

TEST_F(ScopeTest, QueriesSeeOnlyTransformedValues) {
  auto rows = Run("SELECT id_number, district FROM raw.people ORDER BY district", &scope_);
  ASSERT_TRUE(rows.ok()) << rows.status().ToString();
  EXPECT_EQ(*rows, (std::vector<std::string>{"1*****************", "东城区", "1*****************",
                                             "西城区"}));
  for (const char* probe :
       {"SELECT count(*) FROM raw.people WHERE id_number = '11010519491231002X'",
        "SELECT count(*) FROM raw.people WHERE substr(id_number, 2, 1) = '1'",
        "SELECT count(*) FROM raw.people WHERE CAST(id_number AS TEXT) LIKE '110%'",
        "SELECT count(*) FROM raw.people p JOIN raw.people q ON p.id_number || 'x' = "
        "'11010519491231002Xx'"}) {
    auto n = Run(probe, &scope_);
    ASSERT_TRUE(n.ok()) << probe << ": " << n.status().ToString();
    EXPECT_EQ(*n, std::vector<std::string>{"0"}) << probe;
  }
  auto grouped = Run("SELECT id_number, count(*) FROM raw.people GROUP BY 1", &scope_);
  ASSERT_TRUE(grouped.ok());
  EXPECT_EQ(*grouped, (std::vector<std::string>{"1*****************", "2"}));
}

TEST_F(ScopeTest, EverySpellingOfAReferenceIsRewritten) {
  for (const char* sql : {"SELECT id_number FROM \"raw\".\"people\" LIMIT 1",
                          "SELECT id_number FROM raw . people LIMIT 1",
                          "SELECT id_number FROM [RAW].[People] LIMIT 1",
                          "SELECT raw.people.id_number FROM raw/* c */.people LIMIT 1",
                          "WITH t AS (SELECT * FROM raw.people) SELECT id_number FROM t LIMIT 1"}) {
    auto rows = Run(sql, &scope_);
    ASSERT_TRUE(rows.ok()) << sql << ": " << rows.status().ToString();
    EXPECT_EQ(*rows, std::vector<std::string>{"1*****************"}) << sql;
  }
  auto literal = Run("SELECT 'raw.people' FROM raw.people LIMIT 1", &scope_);
  ASSERT_TRUE(literal.ok());
  EXPECT_EQ(*literal, std::vector<std::string>{"raw.people"});
}

TEST_F(ScopeTest, WhatTheScopeDoesNotShowCannotBeRead) {
  EXPECT_EQ(Run("SELECT name FROM raw.people", &scope_).status().code(),
            ErrorCode::kInvalidArgument);  // no such column in the view
  EXPECT_EQ(Run("SELECT * FROM std.other", &scope_).status().code(), ErrorCode::kPermissionDenied);
  EXPECT_EQ(Run("SELECT id_number FROM people", &scope_).status().code(),
            ErrorCode::kPermissionDenied);  // unqualified: the table itself, refused
  EXPECT_EQ(Run("SELECT sql FROM sqlite_temp_master", &scope_).status().code(),
            ErrorCode::kPermissionDenied);
  // Not even the row count of a table outside the scope.
  EXPECT_EQ(Run("SELECT count(*) FROM other", &scope_).status().code(),
            ErrorCode::kPermissionDenied);
  // Joins whose column reads SQLite never shows the authorizer.
  for (const char* sql :
       {"SELECT * FROM (SELECT NULL AS id_number, NULL AS name, NULL AS district WHERE 0) x "
        "NATURAL FULL JOIN people",
        "SELECT id_number FROM (SELECT NULL AS id_number WHERE 0) x FULL JOIN people USING "
        "(id_number)",
        "SELECT x.id_number FROM people JOIN (SELECT '11010519491231002X' AS id_number) x "
        "USING (id_number)",
        "SELECT * FROM raw.people natural JOIN raw.people"}) {
    EXPECT_EQ(Run(sql, &scope_).status().code(), ErrorCode::kPermissionDenied) << sql;
  }
  // A byte-order mark where a token starts is a blank to SQLite, and so to the rewrite.
  for (const char* sql :
       {"SELECT * FROM (SELECT NULL AS id_number WHERE 0) x \xEF\xBB\xBFNATURAL FULL JOIN "
        "people",
        "WITH \xEF\xBB\xBF_cd_view_1 AS (SELECT name FROM people) SELECT * FROM "
        "\xEF\xBB\xBF_cd_view_1, raw.people",
        "SELECT count(*) FROM 'raw'.people, raw.people", "SELECT count(*) FROM raw . 'people'"}) {
    EXPECT_EQ(Run(sql, &scope_).status().code(), ErrorCode::kPermissionDenied) << sql;
  }
  EXPECT_EQ(*Run("SELECT id_number FROM \xEF\xBB\xBFraw.people LIMIT 1", &scope_),
            std::vector<std::string>{"1*****************"});
  // fts3_tokenizer hands out (and takes) native pointers.
  auto pointer = Run("SELECT hex(fts3_tokenizer('simple')) FROM raw.people", &scope_);
  EXPECT_NE(pointer.status().message().find("not authorized"), std::string::npos)
      << pointer.status().ToString();
  // Errors name the dataset, never the engine's view.
  auto missing = Run("SELECT raw.people.name FROM raw.people", &scope_);
  EXPECT_EQ(missing.status().message().find("_cd_"), std::string::npos)
      << missing.status().ToString();
  EXPECT_NE(missing.status().message().find("raw.people"), std::string::npos)
      << missing.status().ToString();
  // A quoted name is not the keyword.
  EXPECT_TRUE(Run("SELECT district AS \"using\" FROM raw.people", &scope_).ok());
  // A Tcl-style parameter is one token, as SQLite reads it: its quote starts no string
  // that could hide a name from the rewrite.
  EXPECT_EQ(Run("SELECT :a(') AS p, (WITH \"_cd_view_1\" AS (SELECT name FROM people) "
                "SELECT group_concat(name) FROM \"_cd_view_1\") AS leak, :b(') AS q FROM "
                "raw.people",
                &scope_)
                .status()
                .code(),
            ErrorCode::kPermissionDenied);
  // A CTE named like the scope's view is not trusted as that view.
  for (const char* sql :
       {"WITH \"_cd_view_1\" AS (SELECT name AS x FROM people) SELECT x FROM \"_cd_view_1\" "
        "WHERE EXISTS (SELECT 1 FROM raw.people)",
        "WITH _CD_VIEW_1 AS (SELECT secret AS x FROM std.other) SELECT x FROM _cd_view_1, "
        "raw.people",
        "WITH '_cd_view_1' AS (SELECT name AS x FROM people) SELECT x FROM '_cd_view_1', "
        "raw.people",
        "SELECT _cd_transform('star', name) FROM raw.people"}) {
    EXPECT_EQ(Run(sql, &scope_).status().code(), ErrorCode::kPermissionDenied) << sql;
  }
  // The connection goes back to the pool with the default authorizer.
  auto unscoped = Run("SELECT id_number FROM raw.people ORDER BY district LIMIT 1", nullptr);
  ASSERT_TRUE(unscoped.ok()) << unscoped.status().ToString();
  EXPECT_EQ(*unscoped, std::vector<std::string>{kSecret});
}

TEST_F(ScopeTest, AChangedScopeIsSeenOnAConnectionThatServedTheOldOne) {
  // One query at a time reuses one pooled connection, which keeps the views it built.
  const std::string sql = "SELECT id_number FROM raw.people ORDER BY district LIMIT 1";
  for (int round = 0; round < 2; ++round) {
    EXPECT_EQ(*Run(sql, &scope_), std::vector<std::string>{"1*****************"});
    ReadScope wider = ScopeOf(View("people", {{"id_number", ""}, {"district", ""}}));
    EXPECT_EQ(*Run(sql, &wider), std::vector<std::string>{kSecret});
    ReadScope narrower = ScopeOf(View("people", {{"district", ""}}));
    EXPECT_EQ(Run(sql, &narrower).status().code(), ErrorCode::kInvalidArgument);
  }
}

TEST(RewriteForScope, LeavesOtherTextAlone) {
  ReadScope scope = ScopeOf(View("a", {{"x", ""}}));
  auto q = sqlite::RewriteForScope("SELECT 1.5, t.x FROM raw.a t -- raw.b\n", scope, {});
  ASSERT_TRUE(q.ok()) << q.status().ToString();
  ASSERT_EQ(q->views.size(), 1u);
  EXPECT_EQ(q->sql, "SELECT 1.5, t.x FROM temp.\"" + q->views[0].name + "\" t -- raw.b\n");
  EXPECT_EQ(sqlite::RewriteForScope("SELECT * FROM raw.b", scope, {}).status().code(),
            ErrorCode::kPermissionDenied);
  // A view the connection has is reused by definition; another definition gets a new name.
  sqlite::TempViews existing{{q->views[0].body, q->views[0].name}};
  auto again = sqlite::RewriteForScope("SELECT x FROM raw.a JOIN raw.a", scope, existing);
  ASSERT_TRUE(again.ok());
  EXPECT_TRUE(again->views.empty());
  EXPECT_EQ(again->sql, "SELECT x FROM temp.\"" + q->views[0].name + "\" JOIN temp.\"" +
                            q->views[0].name + "\"");
  ReadScope wider = ScopeOf(View("a", {{"x", ""}, {"y", ""}}));
  auto other = sqlite::RewriteForScope("SELECT x FROM raw.a", wider, existing);
  ASSERT_TRUE(other.ok());
  ASSERT_EQ(other->views.size(), 1u);
  EXPECT_NE(other->views[0].name, q->views[0].name);
}

// Materialized copies (sqlite_copies.h): once a copy is ready, scoped queries read it
// without calling the transform, and see exactly what they saw before.
class CopyTest : public ScopeTest {
 protected:
  void SetUp() override {
    ScopeTest::SetUp();
    engine_->SetTransformCompiler(Counting("star"));
  }

  // TestCompiler's transform for `spec`, counting its calls in calls_.
  TransformCompiler Counting(std::string mark) {
    return [this, mark](std::string_view spec) -> Result<ValueTransform> {
      ASSIGN_OR_RETURN(ValueTransform star, TestCompiler(spec));
      return ValueTransform([this, mark, star](std::optional<std::string_view> v) {
        ++calls_;
        auto out = star(v);
        if (out && mark != "star") *out += mark;
        return out;
      });
    };
  }

  // Runs `sql` twice (queueing a copy) and waits for the copy.
  void Warm(const std::string& sql, const ReadScope* scope = nullptr) {
    for (int i = 0; i < 2; ++i) ASSERT_TRUE(Run(sql, scope ? scope : &scope_).ok());
    engine_->WaitForCopiesForTesting();
  }

  std::atomic<int> calls_ = 0;
};

TEST_F(CopyTest, AReadyCopyIsReadInsteadOfTransformingAgain) {
  const std::string sql = "SELECT id_number, district FROM raw.people ORDER BY district";
  auto before = Run(sql, &scope_);
  ASSERT_TRUE(before.ok()) << before.status().ToString();
  EXPECT_GT(calls_.load(), 0);
  // One read is not worth a copy; the second queues one.
  engine_->WaitForCopiesForTesting();
  calls_ = 0;
  ASSERT_TRUE(Run(sql, &scope_).ok());
  EXPECT_GT(calls_.load(), 0);
  engine_->WaitForCopiesForTesting();
  calls_ = 0;
  auto after = Run(sql, &scope_);
  ASSERT_TRUE(after.ok()) << after.status().ToString();
  EXPECT_EQ(*after, *before);
  EXPECT_EQ(calls_.load(), 0);
  EXPECT_EQ(*Run("SELECT count(*) FROM raw.people", &scope_), std::vector<std::string>{"2"});
  // Reads are reported against the dataset, not the copy.
  auto cursor = engine_->Query("SELECT count(*) FROM raw.people", {}, &scope_).value();
  std::vector<Value> row;
  ASSERT_TRUE(cursor->Next(row).value());
  ASSERT_EQ(cursor->reads().size(), 1u);
  EXPECT_EQ(cursor->reads()[0].dataset.ToString(), "raw.people");
  // The copy holds transformed values only: probing for the stored value finds nothing.
  for (const char* probe :
       {"SELECT count(*) FROM raw.people WHERE id_number = '11010519491231002X'",
        "SELECT count(*) FROM raw.people WHERE substr(id_number, 2, 1) = '1'",
        "SELECT count(*) FROM raw.people p JOIN raw.people q ON p.id_number = q.id_number"}) {
    auto n = Run(probe, &scope_);
    ASSERT_TRUE(n.ok()) << probe << ": " << n.status().ToString();
    EXPECT_EQ(
        *n,
        std::vector<std::string>{std::string(probe).find("JOIN") != std::string::npos ? "4" : "0"})
        << probe;
  }
  EXPECT_EQ(calls_.load(), 0);
}

TEST_F(CopyTest, RandomizedTransformsAreNeverCopied) {
  DatasetView view = View("people", {{"id_number", "star", false}, {"district", ""}});
  ReadScope randomized = ScopeOf(view);
  Warm("SELECT id_number FROM raw.people", &randomized);
  calls_ = 0;
  ASSERT_TRUE(Run("SELECT id_number FROM raw.people", &randomized).ok());
  EXPECT_EQ(calls_.load(), 2);
}

TEST_F(CopyTest, CopiesAreNotReadableByName) {
  Warm("SELECT id_number FROM raw.people");
  for (const char* sql : {"SELECT * FROM masked._copy_1", "SELECT count(*) FROM masked._copy_1",
                          "SELECT name FROM masked.sqlite_master"}) {
    EXPECT_EQ(Run(sql, &scope_).status().code(), ErrorCode::kPermissionDenied) << sql;
    EXPECT_EQ(Run(sql, nullptr).status().code(), ErrorCode::kPermissionDenied) << sql;
  }
}

TEST_F(CopyTest, NewRowsAreSeenAtOnceAndCopiedAgain) {
  const std::string sql = "SELECT count(id_number), count(DISTINCT district) FROM raw.people";
  Warm(sql);
  auto w = engine_
               ->BeginWrite({Zone::kRaw, "people"},
                            {{"id_number", ColumnType::kText},
                             {"name", ColumnType::kText},
                             {"district", ColumnType::kText}},
                            WriteMode::kAppend, "")
               .value();
  ASSERT_TRUE(w->Append({Value(std::string("110101200001011234")), Value(std::string("王五")),
                         Value(std::string("朝阳区"))})
                  .ok());
  ASSERT_TRUE(w->Commit().ok());
  calls_ = 0;
  EXPECT_EQ(*Run(sql, &scope_), (std::vector<std::string>{"3", "3"}));
  EXPECT_EQ(calls_.load(), 3);  // the old copy is not read
  Warm(sql);
  calls_ = 0;
  EXPECT_EQ(*Run(sql, &scope_), (std::vector<std::string>{"3", "3"}));
  EXPECT_EQ(calls_.load(), 0);
}

TEST_F(CopyTest, ANewCompilerIsUsedAtOnce) {
  const std::string sql = "SELECT id_number FROM raw.people ORDER BY district LIMIT 1";
  Warm(sql);
  engine_->SetTransformCompiler(Counting("#2"));
  EXPECT_EQ(*Run(sql, &scope_), std::vector<std::string>{"1*****************#2"});
  Warm(sql);
  calls_ = 0;
  EXPECT_EQ(*Run(sql, &scope_), std::vector<std::string>{"1*****************#2"});
  EXPECT_EQ(calls_.load(), 0);
}

TEST_F(CopyTest, ADroppedDatasetIsNotReadFromItsCopy) {
  Warm("SELECT id_number FROM raw.people");
  ASSERT_TRUE(engine_->DropDataset({Zone::kRaw, "people"}).ok());
  EXPECT_FALSE(Run("SELECT id_number FROM raw.people", &scope_).ok());
}

TEST_F(CopyTest, ACursorKeepsItsCopyWhileTheDataChanges) {
  const std::string sql = "SELECT id_number FROM raw.people";
  Warm(sql);
  auto cursor = engine_->Query(sql, {}, &scope_).value();
  std::vector<Value> row;
  ASSERT_TRUE(cursor->Next(row).value());
  ASSERT_TRUE(engine_->DropDataset({Zone::kRaw, "people"}).ok());
  engine_->WaitForCopiesForTesting();
  EXPECT_TRUE(cursor->Next(row).value());
  EXPECT_EQ(Text(row[0]), "1*****************");
  EXPECT_FALSE(cursor->Next(row).value());
}

}  // namespace
}  // namespace citydata::storage
