#include "standards/field_mapping.h"

#include <gtest/gtest.h>

#include <string>

#include "standards/national_ids.h"

namespace citydata::standards {
namespace {

// `n` valid 18-digit ID numbers born in Dongcheng, Beijing, in 1990.
std::vector<std::string> IdNumbers(int n) {
  std::vector<std::string> ids;
  for (int i = 0; i < n; ++i) {
    std::string body = "11010119900101" + std::to_string(100 + i);
    ids.push_back(body + *IdCheckCharacter(body));
  }
  return ids;
}

std::vector<std::string> Repeat(std::initializer_list<std::string> values, int times) {
  std::vector<std::string> out;
  for (int i = 0; i < times; ++i) out.insert(out.end(), values.begin(), values.end());
  return out;
}

std::vector<MappingSuggestion> Suggest(std::vector<ColumnEvidence> columns) {
  return SuggestMappings(columns, BuiltinDataElements(), BuiltinCodeTables());
}

// The element suggested for a column with `name` and `values`, or "" for none.
std::string ElementFor(std::string name, std::vector<std::string> values = {}) {
  std::vector<MappingSuggestion> s = Suggest({{std::move(name), std::move(values), 0}});
  return s.empty() ? "" : s[0].element_id;
}

TEST(SuggestMappings, RecognisesColumnNames) {
  struct Golden {
    std::string column, element;
  };
  const Golden kGolden[] = {
      {"sfzh", "id_number"},
      {"身份证号", "id_number"},
      {"id_card", "id_number"},
      {"ID-Number", "id_number"},
      {"gmsfhm", "id_number"},
      {"xm", "name"},
      {"姓名", "name"},
      {"name", "name"},
      {"xb", "sex"},
      {"性别", "sex"},
      {"SEX", "sex"},
      {"gender", "sex"},
      {"mz", "ethnicity"},
      {"民族", "ethnicity"},
      {"csrq", "birth_date"},
      {"出生日期", "birth_date"},
      {"birth_date", "birth_date"},
      {"sjhm", "mobile"},
      {"手机号码", "mobile"},
      {"mobile", "mobile"},
      {"lxdh", "mobile"},
      {"zz", "address"},
      {"住址", "address"},
      {"address", "address"},
      {"tyshxydm", "uscc"},
      {"统一社会信用代码", "uscc"},
      {"uscc", "uscc"},
      {"credit_code", "uscc"},
      {"户籍住址", "address"},
      {"申请人身份证号码", "id_number"},
      {"　姓名　", "name"},
      {"hphm", "plate"},
      {"yzbm", "postcode"},
  };
  for (const Golden& g : kGolden) EXPECT_EQ(ElementFor(g.column), g.element) << g.column;
}

TEST(SuggestMappings, ShortInitialsMatchOnlyExactly) {
  EXPECT_EQ(ElementFor("xmbh"), "");  // 项目编号, not 姓名
  EXPECT_EQ(ElementFor("remark"), "");
  EXPECT_EQ(ElementFor(""), "");
}

TEST(SuggestMappings, ValuesOutweighAMisleadingName) {
  std::vector<MappingSuggestion> s = Suggest({{"phone", IdNumbers(50), 50}});
  ASSERT_EQ(s.size(), 1u);
  EXPECT_EQ(s[0].element_id, "id_number");
  EXPECT_GE(s[0].confidence, 0.9);
  EXPECT_NE(s[0].evidence.find("values: 100% pass id_card"), std::string::npos) << s[0].evidence;
}

TEST(SuggestMappings, NameAndValuesTogetherAreNearlyCertain) {
  std::vector<MappingSuggestion> s = Suggest({{"sfzh", IdNumbers(20), 20}});
  ASSERT_EQ(s.size(), 1u);
  EXPECT_EQ(s[0].element_id, "id_number");
  EXPECT_GT(s[0].confidence, 0.99);
  EXPECT_EQ(s[0].evidence, "name: sfzh is a synonym of 公民身份号码; values: 100% pass id_card");
}

TEST(SuggestMappings, ValuesAloneIdentifyAColumn) {
  EXPECT_EQ(ElementFor("col_3", IdNumbers(30)), "id_number");
  EXPECT_EQ(ElementFor("c1", Repeat({"13812345678", "15900001111", "+8618612345678"}, 5)),
            "mobile");
  EXPECT_EQ(ElementFor("c2", Repeat({"a@b.cn", "zhang.san@example.com"}, 5)), "email");
  EXPECT_EQ(ElementFor("c3", Repeat({"91350100M000100Y43", "91110000600037341L"}, 5)), "uscc");
  EXPECT_EQ(ElementFor("c4", Repeat({"男", "女", "女"}, 10)), "sex");
  EXPECT_EQ(ElementFor("c5", Repeat({"汉族", "回族", "汉"}, 10)), "ethnicity");
  EXPECT_EQ(ElementFor("c6", Repeat({"京A12345", "粤B8K9X2"}, 5)), "plate");
}

TEST(SuggestMappings, ContactNumbersSplitByValues) {
  EXPECT_EQ(ElementFor("联系电话", Repeat({"13812345678", "13912345678"}, 5)), "mobile");
  EXPECT_EQ(ElementFor("联系电话", Repeat({"010-88888888", "0571-87654321"}, 5)), "landline");
}

TEST(SuggestMappings, BareDigitCodesNeedAName) {
  EXPECT_EQ(ElementFor("status", Repeat({"1", "2"}, 10)), "");
  EXPECT_EQ(ElementFor("xb", Repeat({"1", "2"}, 10)), "sex");
}

TEST(SuggestMappings, AmbiguousValuesLowerTheConfidence) {
  std::vector<MappingSuggestion> s = Suggest({{"c", Repeat({"2023-01-05", "2022/3/4"}, 5), 0}});
  ASSERT_EQ(s.size(), 1u);
  EXPECT_LT(s[0].confidence, 0.8);
  std::vector<MappingSuggestion> named = Suggest({{"登记日期", Repeat({"2023-01-05"}, 5), 0}});
  ASSERT_EQ(named.size(), 1u);
  EXPECT_EQ(named[0].element_id, "registration_date");
}

TEST(SuggestMappings, ContradictingValuesWeakenTheName) {
  std::vector<MappingSuggestion> s = Suggest({{"sfzh", Repeat({"abc", "def"}, 5), 0}});
  ASSERT_EQ(s.size(), 1u);
  EXPECT_EQ(s[0].element_id, "id_number");
  EXPECT_LT(s[0].confidence, 0.4);
  EXPECT_NE(s[0].evidence.find("values: 0% pass id_card"), std::string::npos);
}

TEST(SuggestMappings, KeepsColumnOrderAndOmitsUnknownColumns) {
  std::vector<MappingSuggestion> s =
      Suggest({{"xm", {}, 0}, {"备注", {"无"}, 1}, {"xb", {"男"}, 1}});
  ASSERT_EQ(s.size(), 2u);
  EXPECT_EQ(s[0].column, "xm");
  EXPECT_EQ(s[1].column, "xb");
}

}  // namespace
}  // namespace citydata::standards
