#include "core/clock.h"
#include "core/types.h"

#include <gtest/gtest.h>

namespace citydata {
namespace {

TEST(Clock, NormalizeIsoUtcAcceptsOnlyRealUtcTimes) {
  EXPECT_EQ(NormalizeIsoUtc("2027-01-01"), "2027-01-01T00:00:00Z");
  EXPECT_EQ(NormalizeIsoUtc("2027-01-01T08:30:59Z"), "2027-01-01T08:30:59Z");
  for (const char* bad : {"", "garbage", "2027-1-1", "2027-02-30", "2027-01-01T24:00:00Z",
                          "2027-01-01 08:30:00", "2027-01-01T08:30:00+08:00", "２０２７-01-01"}) {
    EXPECT_EQ(NormalizeIsoUtc(bad), std::nullopt) << bad;
  }
}

TEST(DatasetName, ParsesZoneAndName) {
  auto n = ParseDatasetName("raw.household_registry");
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(n->zone, Zone::kRaw);
  EXPECT_EQ(n->name, "household_registry");
  EXPECT_EQ(n->ToString(), "raw.household_registry");
}

TEST(DatasetName, RejectsBadNames) {
  EXPECT_FALSE(ParseDatasetName("gold.x").ok());
  EXPECT_FALSE(ParseDatasetName("raw.X").ok());
  EXPECT_FALSE(ParseDatasetName("raw.1x").ok());
  EXPECT_FALSE(ParseDatasetName("x").ok());
  EXPECT_FALSE(ParseDatasetName("raw.sqlite_x").ok());
  EXPECT_TRUE(ParseDatasetName("x", Zone::kStd).ok());
}

TEST(ColumnNames, KeepsChineseHeadersAndTrims) {
  EXPECT_EQ(NormalizeColumnName("  身份证号 ", 1), "身份证号");
  EXPECT_EQ(NormalizeColumnName("\xE3\x80\x80姓名\xE3\x80\x80", 1), "姓名");
  EXPECT_EQ(NormalizeColumnName("a\"b", 1), "ab");
  EXPECT_EQ(NormalizeColumnName("", 3), "col_3");
  EXPECT_EQ(NormalizeColumnName("ROWID", 1), "ROWID_col");
  EXPECT_EQ(NormalizeColumnName("_row_id", 1), "_row_id_col");
}

TEST(ColumnNames, DeduplicatesCaseInsensitively) {
  std::vector<std::string> names = {"id", "ID", "id"};
  DeduplicateColumnNames(names);
  EXPECT_EQ(names, (std::vector<std::string>{"id", "ID_2", "id_3"}));
}

}  // namespace
}  // namespace citydata
