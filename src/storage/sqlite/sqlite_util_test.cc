#include "storage/sqlite/sqlite_util.h"

#include <gtest/gtest.h>

namespace citydata::storage::sqlite {
namespace {

Connection MemoryConnection() {
  auto db = Open(":memory:", SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
  EXPECT_TRUE(db.ok());
  Connection c(std::move(*db));
  EXPECT_TRUE(Exec(c.get(), "CREATE TABLE t (v INTEGER); INSERT INTO t VALUES (1), (2), (3)").ok());
  return c;
}

TEST(Connection, ReusesAStatementOnceItIsLetGo) {
  Connection c = MemoryConnection();
  sqlite3_stmt* first = nullptr;
  {
    auto s = c.Prepare("SELECT v FROM t WHERE v >= ? ORDER BY v");
    ASSERT_TRUE(s.ok());
    first = s->get();
    sqlite3_bind_int64(first, 1, 2);
    ASSERT_EQ(sqlite3_step(first), SQLITE_ROW);
    EXPECT_EQ(sqlite3_column_int64(first, 0), 2);
  }
  auto again = c.Prepare("SELECT v FROM t WHERE v >= ? ORDER BY v");
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->get(), first);
  // Reset, and the old binding cleared: NULL matches nothing.
  EXPECT_EQ(sqlite3_step(again->get()), SQLITE_DONE);
}

TEST(Connection, AStatementInUseIsNotLentTwice) {
  Connection c = MemoryConnection();
  auto outer = c.Prepare("SELECT v FROM t ORDER BY v");
  ASSERT_TRUE(outer.ok());
  ASSERT_EQ(sqlite3_step(outer->get()), SQLITE_ROW);
  {
    auto inner = c.Prepare("SELECT v FROM t ORDER BY v");
    ASSERT_TRUE(inner.ok());
    EXPECT_NE(inner->get(), outer->get());
    ASSERT_EQ(sqlite3_step(inner->get()), SQLITE_ROW);
    EXPECT_EQ(sqlite3_column_int64(inner->get(), 0), 1);
  }
  // The outer statement kept its place.
  ASSERT_EQ(sqlite3_step(outer->get()), SQLITE_ROW);
  EXPECT_EQ(sqlite3_column_int64(outer->get(), 0), 2);
}

TEST(Connection, ManyDistinctTextsStayCorrectPastTheCacheSize) {
  Connection c = MemoryConnection();
  for (int round = 0; round < 2; ++round) {
    for (int i = 0; i < 200; ++i) {
      auto s = c.Prepare("SELECT v + " + std::to_string(i) + " FROM t ORDER BY v");
      ASSERT_TRUE(s.ok());
      ASSERT_EQ(sqlite3_step(s->get()), SQLITE_ROW);
      EXPECT_EQ(sqlite3_column_int64(s->get(), 0), 1 + i);
    }
  }
}

TEST(Connection, ABadStatementIsAnError) {
  Connection c = MemoryConnection();
  auto s = c.Prepare("SELECT nope FROM t");
  EXPECT_EQ(s.status().code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(s.status().message().find("nope"), std::string::npos);
}

}  // namespace
}  // namespace citydata::storage::sqlite
