#include "standards/code_tables.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <set>

#include "standards/national_ids.h"

namespace citydata::standards {
namespace {

const CodeTable& Builtin(std::string_view id) {
  const CodeTable* table = FindBuiltinCodeTable(id);
  EXPECT_NE(table, nullptr) << id;
  return *table;
}

TEST(BuiltinCodeTables, AreValidAndComplete) {
  for (const CodeTable& table : BuiltinCodeTables()) {
    EXPECT_TRUE(ValidateCodeTable(table).ok()) << table.id;
  }
  EXPECT_EQ(Builtin(kSexTableId).entries.size(), 4u);
  EXPECT_EQ(Builtin(kEthnicityTableId).entries.size(), 56u);
  EXPECT_EQ(Builtin(kDivisionTableId).entries.size(), Provinces().size());
  EXPECT_EQ(Builtin(kRelationshipTableId).entries.size(), 84u);
}

TEST(BuiltinCodeTables, HoldTheStandardCodes) {
  struct Golden {
    std::string_view table, code, name;
  };
  constexpr Golden kGolden[] = {
      {kSexTableId, "0", "未知的性别"},
      {kSexTableId, "1", "男性"},
      {kSexTableId, "2", "女性"},
      {kSexTableId, "9", "未说明的性别"},
      {kEthnicityTableId, "01", "汉族"},
      {kEthnicityTableId, "05", "维吾尔族"},
      {kEthnicityTableId, "29", "柯尔克孜族"},
      {kEthnicityTableId, "56", "基诺族"},
      {kRelationshipTableId, "01", "本人"},
      {kRelationshipTableId, "02", "户主"},
      {kRelationshipTableId, "10", "配偶"},
      {kRelationshipTableId, "12", "妻"},
      {kRelationshipTableId, "20", "子"},
      {kRelationshipTableId, "30", "女"},
      {kRelationshipTableId, "51", "父亲"},
      {kRelationshipTableId, "99", "非亲属"},
      {kDivisionTableId, "110000", "北京市"},
      {kDivisionTableId, "820000", "澳门特别行政区"},
  };
  for (const Golden& g : kGolden) {
    const CodeEntry* entry = FindByCode(Builtin(g.table), g.code);
    ASSERT_NE(entry, nullptr) << g.table << " " << g.code;
    EXPECT_EQ(entry->name, g.name);
  }
  EXPECT_EQ(FindByCode(Builtin(kSexTableId), "3"), nullptr);
}

TEST(CodeMatcher, MapsCodesNamesAndSynonyms) {
  struct Golden {
    std::string_view table, raw, code;
  };
  constexpr Golden kGolden[] = {
      {kSexTableId, "男", "1"},
      {kSexTableId, "M", "1"},
      {kSexTableId, "m", "1"},
      {kSexTableId, "男性", "1"},
      {kSexTableId, "1", "1"},
      {kSexTableId, "Male", "1"},
      {kSexTableId, "女", "2"},
      {kSexTableId, "F", "2"},
      {kSexTableId, "2", "2"},
      {kSexTableId, "未知", "0"},
      {kEthnicityTableId, "汉族", "01"},
      {kEthnicityTableId, "汉", "01"},
      {kEthnicityTableId, "土家", "15"},
      {kEthnicityTableId, "土族", "30"},
      {kEthnicityTableId, "土", "30"},
      {kEthnicityTableId, "1", "01"},
      {kEthnicityTableId, "08", "08"},
      {kRelationshipTableId, "户主", "02"},
      {kDivisionTableId, "广西", "450000"},
      {kDivisionTableId, "内蒙古", "150000"},
      {kDivisionTableId, "北京", "110000"},
      {kDivisionTableId, "新疆维吾尔自治区", "650000"},
  };
  for (const Golden& g : kGolden) {
    CodeMatcher matcher(Builtin(g.table));
    const std::string* code = matcher.Match(g.raw);
    ASSERT_NE(code, nullptr) << g.table << " " << g.raw;
    EXPECT_EQ(*code, g.code) << g.table << " " << g.raw;
  }
}

TEST(CodeMatcher, NeverGuesses) {
  CodeMatcher sex(Builtin(kSexTableId));
  for (std::string_view raw : {"", "男 ", "X", "3", "01", "男人"}) {
    EXPECT_EQ(sex.Match(raw), nullptr) << raw;
  }
  CodeTable clash{"t", "clash", {{"1", "甲", {"A"}}, {"2", "乙", {"a"}}}};
  CodeMatcher matcher(clash);
  EXPECT_EQ(matcher.Match("A"), nullptr);
  EXPECT_EQ(matcher.Match("a"), nullptr);
  ASSERT_NE(matcher.Match("甲"), nullptr);
  EXPECT_EQ(*matcher.Match("甲"), "1");
}

TEST(CodeTableCsv, ParsesWithAndWithoutHeader) {
  Result<CodeTable> table = ParseCodeTableCsv(
      "\xEF\xBB\xBF"
      "code,name,synonyms\r\n110101,东城区,东城|Dongcheng\r\n\"110102\",\"西城区\"\n",
      "GB/T 2260", "行政区划");
  ASSERT_TRUE(table.ok()) << table.status().ToString();
  ASSERT_EQ(table->entries.size(), 2u);
  EXPECT_EQ(table->entries[0], (CodeEntry{"110101", "东城区", {"东城", "Dongcheng"}}));
  EXPECT_EQ(table->entries[1], (CodeEntry{"110102", "西城区", {}}));
  EXPECT_EQ(table->id, "GB/T 2260");

  Result<CodeTable> bare = ParseCodeTableCsv("1,甲\n2,乙\n", "t", "n");
  ASSERT_TRUE(bare.ok());
  EXPECT_EQ(bare->entries.size(), 2u);
}

TEST(CodeTableCsv, RejectsBadRecords) {
  for (std::string_view csv : {"1\n", "1,甲,x,y\n", ",甲\n", "1,\n", "1,甲\n1,乙\n", "\"1,甲\n"}) {
    EXPECT_FALSE(ParseCodeTableCsv(csv, "t", "n").ok()) << csv;
  }
  Result<CodeTable> duplicate = ParseCodeTableCsv("1,甲\n1,乙\n", "t", "n");
  EXPECT_NE(duplicate.status().message().find("record 2"), std::string::npos);
}

TEST(CodeTableCsv, RoundTrips) {
  for (const CodeTable& table : BuiltinCodeTables()) {
    Result<CodeTable> back = ParseCodeTableCsv(CodeTableToCsv(table), table.id, table.name);
    ASSERT_TRUE(back.ok()) << table.id;
    EXPECT_EQ(*back, table);
  }
  CodeTable quoted{"t", "n", {{"1", "a,\"b\"", {"x y"}}}};
  Result<CodeTable> back = ParseCodeTableCsv(CodeTableToCsv(quoted), "t", "n");
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(*back, quoted);
}

TEST(CodeTableJson, RoundTripsAndValidates) {
  for (const CodeTable& table : BuiltinCodeTables()) {
    Result<CodeTable> back = CodeTableFromJson(CodeTableToJson(table));
    ASSERT_TRUE(back.ok()) << table.id;
    EXPECT_EQ(*back, table);
  }
  Result<CodeTable> no_synonyms = CodeTableFromJson(
      nlohmann::json::parse(R"({"id":"t","name":"n","entries":[{"code":"1","name":"甲"}]})"));
  ASSERT_TRUE(no_synonyms.ok());
  EXPECT_TRUE(no_synonyms->entries[0].synonyms.empty());
  for (const char* bad :
       {R"([])", R"({"id":"t","name":"n"})", R"({"id":1,"name":"n","entries":[]})",
        R"({"id":"t","name":"n","entries":[{"code":"1"}]})",
        R"({"id":"t","name":"n","entries":[{"code":"1","name":"a","synonyms":"x"}]})",
        R"({"id":"t","name":"n","entries":[{"code":"1","name":"a"},{"code":"1","name":"b"}]})"}) {
    EXPECT_FALSE(CodeTableFromJson(nlohmann::json::parse(bad)).ok()) << bad;
  }
}

}  // namespace
}  // namespace citydata::standards
