#include "standards/data_elements.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "standards/code_tables.h"
#include "standards/value_formats.h"

namespace citydata::standards {
namespace {

TEST(BuiltinDataElements, AreValidAndCoverTheIssue) {
  std::span<const DataElement> elements = BuiltinDataElements();
  EXPECT_TRUE(ValidateDataElements(elements).ok());
  for (std::string_view id :
       {"id_number", "name", "sex", "ethnicity", "birth_date", "mobile", "landline", "email",
        "address", "uscc", "org_name", "legal_representative", "relationship", "division_code",
        "plate", "passport", "registration_date", "bank_card", "postcode"}) {
    EXPECT_NE(FindDataElement(elements, id), nullptr) << id;
  }
  EXPECT_EQ(FindDataElement(elements, "id_number")->name, "公民身份号码");
  EXPECT_EQ(FindDataElement(elements, "sex")->code_table, kSexTableId);
  EXPECT_EQ(FindDataElement(elements, "ethnicity")->code_table, kEthnicityTableId);
  EXPECT_EQ(FindDataElement(elements, "relationship")->code_table, kRelationshipTableId);
  EXPECT_EQ(FindDataElement(elements, "division_code")->code_table, kDivisionTableId);
}

TEST(BuiltinDataElements, ReferToKnownTablesAndFormats) {
  for (const DataElement& e : BuiltinDataElements()) {
    if (!e.code_table.empty()) {
      EXPECT_NE(FindBuiltinCodeTable(e.code_table), nullptr) << e.id;
    }
    bool free_text_format = e.format.empty() || e.format == "YYYY-MM-DD";
    if (!free_text_format) {
      EXPECT_NE(FindFormatValidator(e.format), nullptr) << e.id;
    }
  }
}

TEST(DataElementsCsv, RoundTrips) {
  std::string csv = DataElementsToCsv(BuiltinDataElements());
  Result<std::vector<DataElement>> back = ParseDataElementsCsv(csv);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  ASSERT_EQ(back->size(), BuiltinDataElements().size());
  for (size_t i = 0; i < back->size(); ++i) EXPECT_EQ((*back)[i], BuiltinDataElements()[i]);
}

TEST(DataElementsCsv, ParsesUserElements) {
  Result<std::vector<DataElement>> parsed = ParseDataElementsCsv(
      "id,name,definition,data_type,length,precision,format,code_table,range_min,range_max,unit,"
      "synonyms\n"
      "DE0100,建筑面积,\"房屋外墙, 水平投影面积\",decimal,12,2,,,0,100000,平方米,jzmj|area\n");
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  ASSERT_EQ(parsed->size(), 1u);
  const DataElement& e = (*parsed)[0];
  EXPECT_EQ(e.definition, "房屋外墙, 水平投影面积");
  EXPECT_EQ(e.precision, 2);
  EXPECT_EQ(e.range_max, "100000");
  EXPECT_EQ(e.unit, "平方米");
  EXPECT_EQ(e.synonyms, (std::vector<std::string>{"jzmj", "area"}));
}

TEST(DataElementsCsv, RejectsBadInput) {
  const std::string header =
      "id,name,definition,data_type,length,precision,format,code_table,range_min,range_max,unit,"
      "synonyms\n";
  for (const std::string& csv :
       {std::string("a,b\n"), header + "x,名,,text,1,0,,,,,\n", header + "x,名,,text,abc,0,,,,,,\n",
        header + "x,名,,blob,1,0,,,,,,\n", header + ",名,,text,1,0,,,,,,\n",
        header + "x,名,,text,1,0,,,,,,\nx,名,,text,1,0,,,,,,\n"}) {
    EXPECT_FALSE(ParseDataElementsCsv(csv).ok()) << csv;
  }
  Result<std::vector<DataElement>> bad_length =
      ParseDataElementsCsv(header + "x,名,,text,-1,0,,,,,,\n");
  ASSERT_FALSE(bad_length.ok());
  EXPECT_NE(bad_length.status().message().find("record 2"), std::string::npos);
}

TEST(DataElementsJson, RoundTripsAndValidates) {
  Result<std::vector<DataElement>> back =
      DataElementsFromJson(DataElementsToJson(BuiltinDataElements()));
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(back->size(), BuiltinDataElements().size());
  EXPECT_EQ((*back)[0], BuiltinDataElements()[0]);

  Result<std::vector<DataElement>> minimal =
      DataElementsFromJson(nlohmann::json::parse(R"([{"id":"x","name":"名","data_type":"text"}])"));
  ASSERT_TRUE(minimal.ok());
  EXPECT_EQ((*minimal)[0].length, 0);
  for (const char* bad : {R"({})", R"([1])", R"([{"id":"x","name":"名"}])",
                          R"([{"id":"x","name":"名","data_type":"text","length":-1}])",
                          R"([{"id":"x","name":"名","data_type":"text","synonyms":"a"}])",
                          R"([{"id":5,"name":"名","data_type":"text"}])"}) {
    EXPECT_FALSE(DataElementsFromJson(nlohmann::json::parse(bad)).ok()) << bad;
  }
}

TEST(ValueFormats, KnowsTheirNames) {
  for (std::string_view name : FormatNames()) EXPECT_NE(FindFormatValidator(name), nullptr);
  EXPECT_EQ(FindFormatValidator("18位字符"), nullptr);
  EXPECT_TRUE(FindFormatValidator("id_card")("11010519491231002x"));
  EXPECT_TRUE(FindFormatValidator("id_card")("110105491231002"));
  EXPECT_FALSE(FindFormatValidator("id_card")("110105194912310021"));
  EXPECT_TRUE(FindFormatValidator("bank_card")("6222021234567890128"));
  EXPECT_TRUE(FindFormatValidator("division_code")("110105"));
  EXPECT_FALSE(FindFormatValidator("division_code")("990105"));
  EXPECT_TRUE(FindFormatValidator("date")("2023年1月5日"));
}

}  // namespace
}  // namespace citydata::standards
