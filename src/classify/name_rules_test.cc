#include "classify/name_rules.h"

#include <gtest/gtest.h>

namespace citydata::classify {
namespace {

struct NameCase {
  std::string_view column;
  Category expect;
};

class NameRulesTest : public testing::TestWithParam<NameCase> {};

TEST_P(NameRulesTest, Category) {
  EXPECT_EQ(CategoryName(MatchColumnName(GetParam().column).category),
            CategoryName(GetParam().expect))
      << GetParam().column;
}

using C = Category;

INSTANTIATE_TEST_SUITE_P(
    Vocabularies, NameRulesTest,
    testing::Values(
        // Chinese.
        NameCase{"身份证号", C::kIdCard}, NameCase{"公民身份号码", C::kIdCard},
        NameCase{"法定代表人身份证号", C::kIdCard}, NameCase{"姓名", C::kName},
        NameCase{"联系人姓名", C::kName}, NameCase{"联系人电话", C::kMobile},
        NameCase{"手机号码", C::kMobile}, NameCase{"固定电话", C::kLandline},
        NameCase{"户籍地址", C::kAddress}, NameCase{"身份证地址", C::kAddress},
        NameCase{"邮箱地址", C::kEmail}, NameCase{"IP地址", C::kIp},
        NameCase{"银行卡号", C::kBankCard}, NameCase{"统一社会信用代码", C::kUscc},
        NameCase{"车牌号", C::kPlate}, NameCase{"护照号", C::kPassport},
        NameCase{"港澳通行证号码", C::kHkMacauPermit}, NameCase{"民族", C::kEthnicity},
        NameCase{"宗教信仰", C::kReligion}, NameCase{"既往病史", C::kHealth},
        NameCase{"健康状况", C::kHealth}, NameCase{"出生日期", C::kBirthDate},
        NameCase{"经度", C::kCoordinates}, NameCase{"纬度", C::kCoordinates},
        NameCase{"单位名称", C::kNone}, NameCase{"备注", C::kNone},
        // Pinyin initials.
        NameCase{"sfzh", C::kIdCard}, NameCase{"XM", C::kName}, NameCase{"fzr_xm", C::kName},
        NameCase{"lxdh", C::kMobile}, NameCase{"sjhm", C::kMobile}, NameCase{"dz", C::kAddress},
        NameCase{"zz", C::kAddress}, NameCase{"yhkh", C::kBankCard}, NameCase{"tyshxydm", C::kUscc},
        NameCase{"cph", C::kPlate}, NameCase{"hzh", C::kPassport}, NameCase{"mz", C::kEthnicity},
        NameCase{"csrq", C::kBirthDate}, NameCase{"jd", C::kCoordinates},
        NameCase{"wd", C::kCoordinates}, NameCase{"xmmc", C::kNone}, NameCase{"beizhu", C::kNone},
        // English, with case and separators normalized.
        NameCase{"id_card", C::kIdCard}, NameCase{"IdCard", C::kIdCard},
        NameCase{"ID_NUMBER", C::kIdCard}, NameCase{"id-card-no", C::kIdCard},
        NameCase{"name", C::kName}, NameCase{"real_name", C::kName},
        NameCase{"contactName", C::kName}, NameCase{"phone", C::kMobile},
        NameCase{"contact_tel", C::kMobile}, NameCase{"mobile", C::kMobile},
        NameCase{"home_address", C::kAddress}, NameCase{"email", C::kEmail},
        NameCase{"email_address", C::kEmail}, NameCase{"bank_card", C::kBankCard},
        NameCase{"card_no", C::kBankCard}, NameCase{"credit_code", C::kUscc},
        NameCase{"plate_no", C::kPlate}, NameCase{"passport", C::kPassport},
        NameCase{"client_ip", C::kIp}, NameCase{"clientIp", C::kIp}, NameCase{"IPAddress", C::kIp},
        NameCase{"lat", C::kCoordinates}, NameCase{"lng", C::kCoordinates},
        NameCase{"longitude", C::kCoordinates}, NameCase{"birth_date", C::kBirthDate},
        NameCase{"dob", C::kBirthDate}, NameCase{"ethnicity", C::kEthnicity},
        NameCase{"religion", C::kReligion}, NameCase{"diagnosis", C::kHealth},
        NameCase{"health_status", C::kHealth},
        // Near misses.
        NameCase{"dept_name", C::kNone}, NameCase{"org_name", C::kNone},
        NameCase{"company_name", C::kNone}, NameCase{"file_name", C::kNone},
        NameCase{"username", C::kNone}, NameCase{"zip", C::kNone}, NameCase{"zip_code", C::kNone},
        NameCase{"description", C::kNone}, NameCase{"ship_date", C::kNone},
        NameCase{"mac_address", C::kNone}, NameCase{"amount", C::kNone},
        NameCase{"latency", C::kNone}));

TEST(NameRules, ReportsTheRuleAndStrength) {
  NameMatch match = MatchColumnName("  联系电话 ");
  EXPECT_EQ(match.rule, "联系电话");
  EXPECT_EQ(match.category, Category::kMobile);
  EXPECT_EQ(match.alternate, Category::kLandline);
  EXPECT_GT(match.strength, 0.5);
  EXPECT_EQ(MatchColumnName("ｓｆｚｈ").rule, "sfzh");  // full-width folded
  EXPECT_TRUE(MatchColumnName("amount").rule.empty());
}

}  // namespace
}  // namespace citydata::classify
