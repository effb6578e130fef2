#include "standards/standardize.h"

#include <gtest/gtest.h>

namespace citydata::standards {
namespace {

struct Golden {
  std::string_view raw;
  std::string_view want;  // "" with ok=false means "must fail"
  bool ok;
};

void ExpectGolden(StdOutcome (*fn)(std::string_view), std::initializer_list<Golden> golden) {
  for (const Golden& g : golden) {
    StdOutcome out = fn(g.raw);
    EXPECT_EQ(out.ok, g.ok) << "\"" << g.raw << "\" → " << out.value << out.reason;
    if (g.ok) {
      EXPECT_EQ(out.value, g.want) << g.raw;
    } else {
      EXPECT_TRUE(out.reason.starts_with("cannot be standardized: ")) << out.reason;
    }
  }
}

TEST(NormalizeDate, Golden) {
  ExpectGolden(NormalizeDate, {
                                  {"2023/1/5", "2023-01-05", true},
                                  {"2023年1月5日", "2023-01-05", true},
                                  {"20230105", "2023-01-05", true},
                                  {"2023-1-5", "2023-01-05", true},
                                  {"2023.01.05", "2023-01-05", true},
                                  {"2023-01-05", "2023-01-05", true},
                                  {"2023-01-05 00:00:00", "2023-01-05", true},
                                  {"2023-01-05T08:30", "2023-01-05", true},
                                  {"2023/12/31 23:59:59.123", "2023-12-31", true},
                                  {"2024-02-29", "2024-02-29", true},
                                  {"2023-02-29", "", false},
                                  {"20230229", "", false},
                                  {"2023年2月30日", "", false},
                                  {"2023-13-01", "", false},
                                  {"2023-00-10", "", false},
                                  {"2023-1/5", "", false},
                                  {"23/1/5", "", false},
                                  {"44931", "", false},
                                  {"2023-01-05 24:00", "", false},
                                  {"2023-01-05 1:2", "", false},
                                  {"2023-01-05x", "", false},
                                  {"2023年1月5", "", false},
                                  {"0999-01-01", "", false},
                                  {"2023-001-05", "", false},
                                  {"", "", false},
                              });
}

TEST(ToHalfWidth, FoldsFullWidthForms) {
  EXPECT_EQ(ToHalfWidth("ＡＢＣ１２３"), "ABC123");
  EXPECT_EQ(ToHalfWidth("（北京），ａ～"), "(北京),a~");
  EXPECT_EQ(ToHalfWidth("张\u3000三"), "张 三");
  EXPECT_EQ(ToHalfWidth("汉字、。“”"), "汉字、。“”");
  EXPECT_EQ(ToHalfWidth("\xEF\xBC"), "\xEF\xBC");
}

TEST(Trim, RemovesAsciiAndIdeographicSpace) {
  EXPECT_EQ(Trim(" \t\u3000张三\u3000 \r\n"), "张三");
  EXPECT_EQ(Trim("张 三"), "张 三");
  EXPECT_EQ(Trim("\u3000\u3000"), "");
  EXPECT_EQ(Trim(""), "");
}

TEST(NormalizeIdNumber, Golden) {
  ExpectGolden(NormalizeIdNumber, {
                                      {"11010519491231002x", "11010519491231002X", true},
                                      {"11010519491231002X", "11010519491231002X", true},
                                      {"110105491231002", "11010519491231002X", true},
                                      {"11010519491231002", "", false},
                                      {"1101051949123100XX", "", false},
                                      {"11010549123100A", "", false},
                                  });
}

TEST(NormalizeMobile, Golden) {
  ExpectGolden(NormalizeMobile, {
                                    {"13812345678", "13812345678", true},
                                    {"+86 138-1234-5678", "13812345678", true},
                                    {"8613812345678", "13812345678", true},
                                    {"0086 13812345678", "13812345678", true},
                                    {"138 1234 5678", "13812345678", true},
                                    {"12812345678", "", false},
                                    {"010-88888888", "", false},
                                    {"1381234567", "", false},
                                });
}

TEST(MapCode, ReportsTheTable) {
  CodeMatcher sex(*FindBuiltinCodeTable(kSexTableId));
  EXPECT_EQ(MapCode(sex, "男").value, "1");
  StdOutcome bad = MapCode(sex, "unknown gender");
  EXPECT_FALSE(bad.ok);
  EXPECT_NE(bad.reason.find("GB/T 2261.1"), std::string::npos);
}

Standardizer For(std::string_view element_id) {
  const DataElement* element = FindDataElement(BuiltinDataElements(), element_id);
  EXPECT_NE(element, nullptr);
  Result<Standardizer> s = Standardizer::Create(*element, BuiltinCodeTables());
  EXPECT_TRUE(s.ok());
  return *std::move(s);
}

TEST(Standardizer, AppliesTheElementChain) {
  struct Case {
    std::string_view element, raw, want;
    bool ok;
  };
  constexpr Case kCases[] = {
      {"sex", " 男 ", "1", true},
      {"sex", "Ｍ", "1", true},
      {"sex", "女性", "2", true},
      {"sex", "F", "2", true},
      {"sex", "2", "2", true},
      {"sex", "妖", "", false},
      {"ethnicity", "维吾尔", "05", true},
      {"ethnicity", "汉族\u3000", "01", true},
      {"relationship", "妻", "12", true},
      {"birth_date", "２０２３年１月５日", "2023-01-05", true},
      {"birth_date", "2023-02-29", "", false},
      {"registration_date", "2023.01.05", "2023-01-05", true},
      {"id_number", " 11010519491231002x ", "11010519491231002X", true},
      {"id_number", "１１０１０５４９１２３１００２", "11010519491231002X", true},
      {"mobile", "+86 138 1234 5678", "13812345678", true},
      {"uscc", "91350100m000100y43", "91350100M000100Y43", true},
      {"plate", "京a12345", "京A12345", true},
      {"name", "\u3000张三 ", "张三", true},
      {"address", "北京市（东城区）１号", "北京市(东城区)1号", true},
      {"sex", "   ", "", true},
  };
  for (const Case& c : kCases) {
    StdOutcome out = For(c.element).Apply(c.raw);
    EXPECT_EQ(out.ok, c.ok) << c.element << " \"" << c.raw << "\" " << out.reason;
    if (c.ok) {
      EXPECT_EQ(out.value, c.want) << c.element << " \"" << c.raw << "\"";
    }
  }
}

TEST(Standardizer, DescribesItsSteps) {
  EXPECT_EQ(For("sex").description(), "trim,half_width,code:GB/T 2261.1");
  EXPECT_EQ(For("birth_date").description(), "trim,half_width,date");
  EXPECT_EQ(For("name").description(), "trim,half_width");
}

TEST(Standardizer, NeedsTheCodeTable) {
  DataElement element;
  element.id = "x";
  element.name = "x";
  element.data_type = "text";
  element.code_table = "missing";
  Result<Standardizer> s = Standardizer::Create(element, BuiltinCodeTables());
  EXPECT_EQ(s.status().code(), ErrorCode::kNotFound);
}

}  // namespace
}  // namespace citydata::standards
