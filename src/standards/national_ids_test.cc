#include "standards/national_ids.h"

#include <gtest/gtest.h>

#include <array>
#include <cstdio>
#include <set>
#include <string>
#include <vector>

namespace citydata::standards {
namespace {

namespace chr = std::chrono;

constexpr chr::year_month_day kToday{chr::year{2026}, chr::November, chr::day{22}};

IdNumberError IdError(std::string_view id) { return ValidateIdNumber(id, kToday).error; }

TEST(IdCheckCharacter, ComputesTheStandardExample) {
  Result<char> check = IdCheckCharacter("11010519491231002");
  ASSERT_TRUE(check.ok());
  EXPECT_EQ(*check, 'X');
}

TEST(IdCheckCharacter, RejectsBodiesThatAreNot17Digits) {
  EXPECT_FALSE(IdCheckCharacter("1101051949123100").ok());
  EXPECT_FALSE(IdCheckCharacter("1101051949123100A").ok());
}

TEST(ValidateIdNumber, AcceptsValidNumbers) {
  EXPECT_TRUE(ValidateIdNumber("11010519491231002X", kToday).ok());
  EXPECT_EQ(ValidateIdNumber("11010519491231002X", kToday).expected_check, 'X');
  EXPECT_TRUE(ValidateIdNumber("110105194912310038", kToday).ok());
}

TEST(ValidateIdNumber, ReportsWrongCheckCharacter) {
  IdNumberCheck check = ValidateIdNumber("110105194912310021", kToday);
  EXPECT_EQ(check.error, IdNumberError::kCheckCharacter);
  EXPECT_EQ(check.expected_check, 'X');
  EXPECT_EQ(IdNumberErrorName(check.error), "check_character");
}

TEST(ValidateIdNumber, ReportsLengthAndCharset) {
  EXPECT_EQ(IdError("11010519491231002"), IdNumberError::kLength);
  EXPECT_EQ(IdError(""), IdNumberError::kLength);
  EXPECT_EQ(IdError("11010519491231002x"), IdNumberError::kCharset);
  EXPECT_EQ(IdError("1101051949123100X2"), IdNumberError::kCharset);
  EXPECT_EQ(IdError("１1010519491231002X"), IdNumberError::kLength);
}

TEST(ValidateIdNumber, ReportsUnknownProvince) {
  const std::string body = "910105194912310";
  const std::string id = body + "02" + IdCheckCharacter(body + "02").value();
  EXPECT_EQ(IdError(id), IdNumberError::kAddressCode);
  EXPECT_EQ(IdError("00010519491231002X"), IdNumberError::kAddressCode);
}

TEST(ValidateIdNumber, AcceptsTaiwanResidentAndHongKongPrefixes) {
  for (std::string prefix : {"830000", "810000", "820000", "710000", "650102"}) {
    const std::string body = prefix + "19900101123";
    EXPECT_TRUE(ValidateIdNumber(body + IdCheckCharacter(body).value(), kToday).ok()) << prefix;
  }
}

std::string WithBirthDate(std::string_view yyyymmdd) {
  const std::string body = "330106" + std::string(yyyymmdd) + "123";
  return body + IdCheckCharacter(body).value();
}

TEST(ValidateIdNumber, RejectsImpossibleBirthDates) {
  EXPECT_EQ(IdError(WithBirthDate("19901301")), IdNumberError::kBirthDate);
  EXPECT_EQ(IdError(WithBirthDate("19900001")), IdNumberError::kBirthDate);
  EXPECT_EQ(IdError(WithBirthDate("19900431")), IdNumberError::kBirthDate);
  EXPECT_EQ(IdError(WithBirthDate("19900100")), IdNumberError::kBirthDate);
  EXPECT_EQ(IdError(WithBirthDate("17991231")), IdNumberError::kBirthDate);
}

TEST(ValidateIdNumber, KnowsLeapYears) {
  EXPECT_EQ(IdError(WithBirthDate("20230229")), IdNumberError::kBirthDate);
  EXPECT_EQ(IdError(WithBirthDate("19000229")), IdNumberError::kBirthDate);
  EXPECT_TRUE(ValidateIdNumber(WithBirthDate("20000229"), kToday).ok());
  EXPECT_TRUE(ValidateIdNumber(WithBirthDate("20240229"), kToday).ok());
}

TEST(ValidateIdNumber, RejectsBirthDatesAfterToday) {
  EXPECT_TRUE(ValidateIdNumber(WithBirthDate("20261122"), kToday).ok());
  EXPECT_EQ(IdError(WithBirthDate("20261123")), IdNumberError::kBirthDate);
  EXPECT_EQ(IdError(WithBirthDate("20990101")), IdNumberError::kBirthDate);
}

TEST(IdBirthDate, ParsesBothForms) {
  Result<chr::year_month_day> date = IdBirthDate("11010519491231002X");
  ASSERT_TRUE(date.ok());
  EXPECT_EQ(FormatIsoDate(*date), "1949-12-31");
  date = IdBirthDate("110105491231002");
  ASSERT_TRUE(date.ok());
  EXPECT_EQ(FormatIsoDate(*date), "1949-12-31");
}

TEST(IdBirthDate, RejectsMalformedNumbers) {
  EXPECT_FALSE(IdBirthDate("1101051949123100").ok());
  EXPECT_FALSE(IdBirthDate(WithBirthDate("20230229")).ok());
}

TEST(IdBirthDateIso, WritesWhatIdBirthDateReturns) {
  // Every date field value 00..99 / year 0000..9999 corner, both lengths, and the
  // structural defects IdBirthDate rejects.
  std::vector<std::string> ids = {"",
                                  "X",
                                  "11010519491231002",
                                  "11010519491231002x",
                                  "1101051949123100X2",
                                  "11010519491231002X",
                                  "110105000002290021",
                                  "110105999912310021",
                                  "110105000101010021",
                                  "110105491231002",
                                  "11010549123100X",
                                  "１１0105491231002",
                                  "\xff"
                                  "10105491231002"};
  for (int month = 0; month < 100; month += 1) {
    for (int day : {0, 1, 28, 29, 30, 31, 32, 99}) {
      char body[32];
      std::snprintf(body, sizeof body, "1101052000%02d%02d0021", month, day);
      ids.push_back(body);
      std::snprintf(body, sizeof body, "11010500%02d%02d002", month, day);
      ids.push_back(body);
    }
  }
  for (const std::string& id : ids) {
    std::array<char, 10> iso;
    Result<chr::year_month_day> date = IdBirthDate(id);
    ASSERT_EQ(IdBirthDateIso(id, iso), date.ok()) << id;
    if (date.ok()) {
      EXPECT_EQ(std::string(iso.data(), 10), FormatIsoDate(*date)) << id;
    }
  }
}

TEST(IdSex, ReadsTheSequenceDigit) {
  EXPECT_EQ(IdSex("11010519491231002X").value(), Sex::kFemale);
  EXPECT_EQ(IdSex("110105194912310038").value(), Sex::kMale);
  EXPECT_EQ(IdSex("110105491231003").value(), Sex::kMale);
  EXPECT_EQ(static_cast<int>(Sex::kFemale), 2);
  EXPECT_FALSE(IdSex("1101051949").ok());
}

TEST(IdNumber15To18, InsertsCenturyAndCheckCharacter) {
  Result<std::string> id = IdNumber15To18("110105491231002");
  ASSERT_TRUE(id.ok());
  EXPECT_EQ(*id, "11010519491231002X");
  EXPECT_FALSE(IdNumber15To18("11010549123100").ok());
  EXPECT_FALSE(IdNumber15To18("11010549123100X").ok());
}

TEST(CreditCode, AcceptsTheStandardExamples) {
  for (std::string_view code : {"91350100M000100Y43", "91110000600037341L"}) {
    CreditCodeCheck check = ValidateCreditCode(code);
    EXPECT_TRUE(check.ok()) << code;
    EXPECT_TRUE(check.organization_code_ok) << code;
    EXPECT_EQ(CreditCodeCheckCharacter(code.substr(0, 17)).value(), code[17]);
  }
}

TEST(CreditCode, ReportsEachFailure) {
  EXPECT_EQ(ValidateCreditCode("91350100M000100Y4").error, CreditCodeError::kLength);
  EXPECT_EQ(ValidateCreditCode("91350100M000100I43").error, CreditCodeError::kCharset);
  EXPECT_EQ(ValidateCreditCode("91350100m000100Y43").error, CreditCodeError::kCharset);
  CreditCodeCheck wrong = ValidateCreditCode("91350100M000100Y44");
  EXPECT_EQ(wrong.error, CreditCodeError::kCheckCharacter);
  EXPECT_TRUE(wrong.organization_code_ok);
  EXPECT_EQ(CreditCodeErrorName(wrong.error), "check_character");
}

TEST(CreditCode, ReportsTheOrganizationCodeSeparately) {
  const std::string body = "91350100M000100Y5";  // organisation check should be 4
  const std::string code = body + CreditCodeCheckCharacter(body).value();
  CreditCodeCheck check = ValidateCreditCode(code);
  EXPECT_TRUE(check.ok());
  EXPECT_FALSE(check.organization_code_ok);
}

TEST(OrganizationCode, ComputesCheckCharacters) {
  EXPECT_EQ(OrganizationCodeCheckCharacter("M000100Y").value(), '4');
  EXPECT_EQ(OrganizationCodeCheckCharacter("60003734").value(), '1');
  EXPECT_TRUE(IsValidOrganizationCode("M000100Y4"));
  EXPECT_FALSE(IsValidOrganizationCode("M000100Y5"));
  EXPECT_FALSE(IsValidOrganizationCode("M000100Y"));
  EXPECT_FALSE(OrganizationCodeCheckCharacter("m000100Y").ok());
}

TEST(OrganizationCode, MapsTenToXAndElevenToZero) {
  std::set<char> seen;
  for (int i = 0; i < 200; ++i) {
    std::string body = std::to_string(10000000 + i);
    seen.insert(OrganizationCodeCheckCharacter(body).value());
  }
  EXPECT_TRUE(seen.count('X'));
  EXPECT_TRUE(seen.count('0'));
}

TEST(Luhn, ChecksCardNumbers) {
  EXPECT_TRUE(PassesLuhn("4111111111111111"));
  EXPECT_TRUE(PassesLuhn("79927398713"));
  EXPECT_FALSE(PassesLuhn("79927398710"));
  EXPECT_FALSE(PassesLuhn(""));
  EXPECT_FALSE(PassesLuhn("4111 1111 1111 1111"));
}

TEST(Provinces, ListsTheThirtyFourDivisions) {
  std::span<const Province> provinces = Provinces();
  ASSERT_EQ(provinces.size(), 34u);
  EXPECT_EQ(provinces.front().code, "110000");
  EXPECT_EQ(provinces.front().name, "北京市");
  std::set<std::string_view> codes;
  for (const Province& p : provinces) codes.insert(p.code);
  EXPECT_EQ(codes.size(), 34u);
  EXPECT_TRUE(codes.count("310000"));
  EXPECT_TRUE(codes.count("820000"));
}

TEST(Provinces, KnowsIdPrefixes) {
  EXPECT_TRUE(IsIdProvincePrefix("33"));
  EXPECT_TRUE(IsIdProvincePrefix("830000"));
  EXPECT_FALSE(IsIdProvincePrefix("91"));
  EXPECT_FALSE(IsIdProvincePrefix("16"));
  EXPECT_FALSE(IsIdProvincePrefix("3"));
  // Exactly the first two digits of a division's code, or 83, and nothing else.
  std::set<std::string> prefixes = {"83"};
  for (const Province& p : Provinces()) prefixes.insert(std::string(p.code.substr(0, 2)));
  for (int a = 0; a < 256; ++a) {
    for (int b = 0; b < 256; ++b) {
      const std::string two = {static_cast<char>(a), static_cast<char>(b)};
      EXPECT_EQ(IsIdProvincePrefix(two), prefixes.count(two) == 1) << a << " " << b;
      EXPECT_EQ(IsIdProvincePrefix(two + "0000"), prefixes.count(two) == 1) << a << " " << b;
    }
  }
  EXPECT_FALSE(IsIdProvincePrefix(""));
}

TEST(FormatIsoDate, PadsFields) {
  EXPECT_EQ(FormatIsoDate(chr::year_month_day{chr::year{987}, chr::January, chr::day{5}}),
            "0987-01-05");
}

}  // namespace
}  // namespace citydata::standards
