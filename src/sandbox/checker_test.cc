#include "sandbox/checker.h"

#include <gtest/gtest.h>

namespace citydata::sandbox {
namespace {

// std.people as a grant shows it: xm (name) and sfzh (ID number) are sensitive.
TableInfo People() {
  return {DatasetName{Zone::kStd, "people"},
          {{"xm", true}, {"sfzh", true}, {"district", false}, {"age", false}, {"salary", false}}};
}

Result<CheckedQuery> CheckSql(const std::string& sql) {
  ASSIGN_OR_RETURN(ParsedQuery parsed, ParsedQuery::Parse(sql));
  return Check(parsed, People());
}

// The error of a refused query; fails the test when the query is accepted.
Status Refusal(const std::string& sql) {
  auto checked = CheckSql(sql);
  EXPECT_FALSE(checked.ok()) << sql;
  return checked.status();
}

void ExpectRefused(const std::string& sql, ErrorCode code, const std::string& words) {
  Status s = Refusal(sql);
  EXPECT_EQ(s.code(), code) << sql << ": " << s.message();
  EXPECT_NE(s.message().find(words), std::string::npos) << sql << ": " << s.message();
}

TEST(CheckerTest, AcceptsAggregatesOfGroups) {
  std::string sql =
      "SELECT district, count(*), count(DISTINCT sfzh), sum(salary), avg(age), total(salary) "
      "FROM std.people WHERE age >= 18 AND lower(district) LIKE '%城%' "
      "GROUP BY district HAVING count(*) > 3 ORDER BY district LIMIT 20";
  auto checked = CheckSql(sql);
  ASSERT_TRUE(checked.ok()) << checked.status().message();
  EXPECT_EQ(checked->dataset.ToString(), "std.people");
  EXPECT_EQ(checked->first_target, 7u);
  ASSERT_EQ(checked->outputs.size(), 6u);
  EXPECT_FALSE(checked->outputs[0].aggregate);
  EXPECT_EQ(checked->outputs[1].aggregate, AggregateKind::kCount);
  EXPECT_EQ(checked->outputs[2].aggregate, AggregateKind::kCountDistinct);
  EXPECT_EQ(checked->outputs[2].argument, "sfzh");
  EXPECT_EQ(checked->outputs[3].aggregate, AggregateKind::kSum);
  EXPECT_EQ(sql.substr(checked->outputs[3].call_begin,
                       checked->outputs[3].call_end - checked->outputs[3].call_begin),
            "sum(salary)");
  EXPECT_EQ(checked->outputs[4].aggregate, AggregateKind::kAvg);
  EXPECT_EQ(checked->outputs[5].aggregate, AggregateKind::kTotal);
  EXPECT_TRUE(checked->has_having);
  EXPECT_FALSE(checked->orders_by_aggregate);
}

TEST(CheckerTest, AcceptsQualifiedNamesAliasesAndExpressionGroups) {
  auto checked = CheckSql(
      "SELECT substr(p.district, 1, 2) AS area, count(*) AS n FROM std.people AS p "
      "GROUP BY substr(district, 1, 2) ORDER BY n DESC");
  ASSERT_TRUE(checked.ok()) << checked.status().message();
  EXPECT_TRUE(checked->orders_by_aggregate);
  auto global = CheckSql("SELECT count(*) FROM \"std\".\"people\" WHERE xm = '张三'");
  ASSERT_TRUE(global.ok()) << global.status().message();
}

TEST(CheckerTest, RefusesRawRows) {
  ExpectRefused("SELECT * FROM std.people", ErrorCode::kInvalidArgument, "SELECT *");
  ExpectRefused("SELECT age, count(*) FROM std.people", ErrorCode::kInvalidArgument,
                "output column 1");
  ExpectRefused("SELECT district, age FROM std.people GROUP BY district",
                ErrorCode::kInvalidArgument, "output column 2");
  ExpectRefused("SELECT count(*), 1 FROM std.people", ErrorCode::kInvalidArgument,
                "output column 2");
}

TEST(CheckerTest, RefusesRevealingAggregates) {
  ExpectRefused("SELECT max(salary) FROM std.people", ErrorCode::kInvalidArgument,
                "reveals single values");
  ExpectRefused("SELECT district, min(age) FROM std.people GROUP BY district",
                ErrorCode::kInvalidArgument, "min()");
  ExpectRefused("SELECT group_concat(xm) FROM std.people", ErrorCode::kInvalidArgument,
                "group_concat");
  ExpectRefused("SELECT count(*) FROM std.people GROUP BY district HAVING max(salary) > 9",
                ErrorCode::kInvalidArgument, "max()");
}

TEST(CheckerTest, RefusesExpressionsInsideAggregates) {
  ExpectRefused("SELECT sum(CASE WHEN sfzh = 'x' THEN salary END) FROM std.people",
                ErrorCode::kInvalidArgument, "one plain column");
  ExpectRefused("SELECT sum(salary) FILTER (WHERE sfzh = 'x') FROM std.people",
                ErrorCode::kInvalidArgument, "FILTER");
  ExpectRefused("SELECT sum(salary * 2) FROM std.people", ErrorCode::kInvalidArgument,
                "one plain column");
  ExpectRefused("SELECT sum(DISTINCT salary) FROM std.people", ErrorCode::kInvalidArgument,
                "DISTINCT");
  ExpectRefused("SELECT count(*) OVER () FROM std.people", ErrorCode::kInvalidArgument, "OVER");
}

TEST(CheckerTest, RefusesSensitiveGroupsAndUnknownColumns) {
  ExpectRefused("SELECT sfzh, count(*) FROM std.people GROUP BY sfzh",
                ErrorCode::kPermissionDenied, "sfzh");
  ExpectRefused("SELECT count(*) FROM std.people GROUP BY substr(sfzh, 7, 4)",
                ErrorCode::kPermissionDenied, "sensitive");
  ExpectRefused("SELECT count(phone) FROM std.people", ErrorCode::kPermissionDenied,
                "not a column");
  ExpectRefused("SELECT count(*) FROM std.people WHERE phone = '1'", ErrorCode::kPermissionDenied,
                "phone");
}

TEST(CheckerTest, RefusesOtherStatementShapes) {
  ExpectRefused("SELECT count(*) FROM std.people UNION SELECT count(*) FROM std.people",
                ErrorCode::kInvalidArgument, "UNION");
  ExpectRefused("WITH t AS (SELECT 1) SELECT count(*) FROM std.people",
                ErrorCode::kInvalidArgument, "WITH");
  ExpectRefused("SELECT count(*) FROM std.people a, std.people b", ErrorCode::kInvalidArgument,
                "exactly one dataset");
  ExpectRefused("SELECT count(*) FROM std.people JOIN raw.x ON true",
                ErrorCode::kInvalidArgument, "exactly one dataset");
  ExpectRefused("SELECT count(*) FROM people", ErrorCode::kInvalidArgument, "zone");
  ExpectRefused("SELECT count(*) FROM std.people; SELECT 1", ErrorCode::kInvalidArgument,
                "exactly one SELECT");
  ExpectRefused("DELETE FROM std.people", ErrorCode::kInvalidArgument, "exactly one SELECT");
  ExpectRefused("SELECT count(*) INTO t FROM std.people", ErrorCode::kInvalidArgument, "INTO");
  ExpectRefused("SELECT DISTINCT count(*) FROM std.people", ErrorCode::kInvalidArgument,
                "DISTINCT");
  ExpectRefused("SELECT count(*) FROM std.people FOR UPDATE", ErrorCode::kInvalidArgument,
                "FOR UPDATE");
  ExpectRefused("SELECT count(*) FROM std.people WHERE age IN (SELECT age FROM std.people)",
                ErrorCode::kInvalidArgument, "subquery");
  ExpectRefused("SELECT count(*) FROM std.people GROUP BY 1", ErrorCode::kInvalidArgument,
                "position");
  ExpectRefused("SELECT count(*) FROM std.people GROUP BY ROLLUP (district)",
                ErrorCode::kInvalidArgument, "ROLLUP");
  ExpectRefused("SELECT count(*) FROM std.people LIMIT 'x'", ErrorCode::kInvalidArgument,
                "LIMIT");
  ExpectRefused("SELECT count(*) FROM std.people WHERE", ErrorCode::kInvalidArgument,
                "syntax error");
}

TEST(CheckerTest, RefusesBareColumnsInGroupClauses) {
  ExpectRefused("SELECT district, count(*) FROM std.people GROUP BY district HAVING age > 3",
                ErrorCode::kInvalidArgument, "'age' in HAVING");
  ExpectRefused("SELECT district, count(*) FROM std.people GROUP BY district ORDER BY salary",
                ErrorCode::kInvalidArgument, "'salary' in ORDER BY");
  ExpectRefused("SELECT district, count(*) FROM std.people GROUP BY district ORDER BY 3",
                ErrorCode::kInvalidArgument, "out of range");
}

TEST(CheckerTest, RefusesFunctionsThatCanFailOnOneValue) {
  ExpectRefused("SELECT count(*) FROM std.people WHERE abs(salary) > 1",
                ErrorCode::kInvalidArgument, "abs()");
  ExpectRefused("SELECT count(*) FROM std.people WHERE replace(xm, 'a', 'bb') = ''",
                ErrorCode::kInvalidArgument, "replace()");
  ExpectRefused("SELECT count(*) FROM std.people WHERE xm LIKE 'a' ESCAPE district",
                ErrorCode::kInvalidArgument, "like_escape");
  ExpectRefused("SELECT count(*) FROM std.people WHERE age ^ 2 > 1", ErrorCode::kInvalidArgument,
                "operator '^'");
}

// Lexical forms PostgreSQL and SQLite read differently would let the checked tree
// differ from the statement that runs. PostgreSQL nests comments, so this statement is
// `SELECT count(*) FROM std.people` to it and also outputs xm to SQLite.
TEST(CheckerTest, RefusesDialectAmbiguousText) {
  ExpectRefused("SELECT count(*) /* /* */ , xm /* */ FROM std.people",
                ErrorCode::kInvalidArgument, "comment");
  ExpectRefused("SELECT count(*) FROM std.people -- x", ErrorCode::kInvalidArgument, "comment");
  ExpectRefused("SELECT count(*) FROM std.people WHERE xm = $$a$$", ErrorCode::kInvalidArgument,
                "'$'");
  ExpectRefused("SELECT count(*) FROM std.people WHERE xm = E'\\''", ErrorCode::kInvalidArgument,
                "backslash");
  ExpectRefused("SELECT count(*) FROM std.people WHERE xm = E'a'", ErrorCode::kInvalidArgument,
                "prefixed literal");
  ExpectRefused("SELECT count(*) FROM std.people WHERE age = 0x1F", ErrorCode::kInvalidArgument,
                "hexadecimal");
  ExpectRefused("SELECT count([xm]) FROM std.people", ErrorCode::kInvalidArgument, "'['");
  ExpectRefused("SELECT count(*) FROM std.people WHERE age = ?", ErrorCode::kInvalidArgument,
                "'?'");
  ExpectRefused("SELECT count(*) FROM std.people WHERE xm = 'open", ErrorCode::kInvalidArgument,
                "unterminated");
  ExpectRefused("SELECT count(" + std::string(70, 'a') + ") FROM std.people",
                ErrorCode::kInvalidArgument, "63 bytes");
  // Inside a string literal the same characters are data.
  EXPECT_TRUE(CheckSql("SELECT count(*) FROM std.people WHERE xm <> 'a:b?[c]' AND "
                       "strftime('%H:%M', district) = '10:00'")
                  .ok());
}

}  // namespace
}  // namespace citydata::sandbox
