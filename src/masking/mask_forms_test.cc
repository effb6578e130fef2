#include "masking/mask_forms.h"

#include <gtest/gtest.h>

#include <initializer_list>

namespace citydata::masking {
namespace {

struct Form {
  const char* category;
  const char* value;
  const char* masked;
};

void ExpectForms(std::initializer_list<Form> forms) {
  for (const Form& form : forms) {
    EXPECT_EQ(MaskForCategory(form.category, form.value), form.masked)
        << form.category << " " << form.value;
  }
}

TEST(MaskForms, ChineseDisplayForms) {
  ExpectForms({
      {"name", "张三", "张*"},
      {"name", "张三丰", "张**"},
      {"name", "欧阳娜娜", "欧***"},
      {"id_card", "11010519491231002X", "110105********002X"},
      {"id_card", "110105491231002", "110105*****1002"},
      {"mobile", "13812341234", "138****1234"},
      {"mobile", "+8613812341234", "+86138****1234"},
      {"bank_card", "6222021234567890123", "622202*********0123"},
      {"email", "dong@example.com", "d****@example.com"},
      {"email", "张伟@例子.中国", "张****@例子.中国"},
      {"passport", "E12345678", "E1*****78"},
      {"hk_macau_permit", "H12345678", "H******78"},
      {"plate", "京A12345", "京A*****"},
      {"plate", "粤BD12345", "粤B******"},
  });
}

TEST(MaskForms, AddressKeepsTheDistrict) {
  // Without a district marker: the first six characters; 小区 is not a district.
  ExpectForms({
      {"address", "北京市朝阳区建国路88号", "北京市朝阳区****"},
      {"address", "浙江省杭州市西湖区文三路1号", "浙江省杭州市西湖区****"},
      {"address", "云南省大理州宾川县金牛镇", "云南省大理州宾川县****"},
      {"address", "内蒙古阿拉善盟额济纳旗达来呼布镇", "内蒙古阿拉善盟额济纳旗****"},
      {"address", "浙江省义乌市稠州北路100号", "浙江省义乌市****"},
      {"address", "幸福小区3栋2单元501", "幸福小区3栋****"},
      {"address", "北京市朝阳区", "北京市朝阳区"},
      {"address", "朝阳路", "朝**"},
  });
}

TEST(MaskForms, LandlineKeepsTheAreaCode) {
  ExpectForms({
      {"landline", "010-12345678", "010-******78"},
      {"landline", "057187654321", "0571******21"},
      {"landline", "(010)12345678", "(010)******78"},
      {"landline", "87654321", "******21"},
  });
}

TEST(MaskForms, IpKeepsTheNetwork) {
  ExpectForms({
      {"ip", "192.168.1.23", "192.168.*.*"},
      {"ip", "2001:db8:85a3::8a2e:370:7334", "2001:db8:*"},
      {"ip", "localhost", "l*******t"},
  });
}

TEST(MaskForms, OtherCategoriesKeepFirstAndLast) {
  ExpectForms({
      {"uscc", "91350100M000100Y43", "9****************3"},
      {"", "秘密信息", "秘**息"},
      {"email", "no-at-sign", "n********n"},
  });
}

TEST(MaskKeep, CountsCharactersNotBytes) {
  EXPECT_EQ(CharCount("张三丰"), 3u);
  EXPECT_EQ(MaskKeep("中华人民共和国", 2, 2), "中华***和国");
  EXPECT_EQ(MaskKeep("13812341234", 3, 4), "138****1234");
  EXPECT_EQ(MaskKeep("abcdef", 0, 0), "******");
}

TEST(MaskKeep, ShortValuesNeverShowWhole) {
  EXPECT_EQ(MaskKeep("", 3, 4), "");
  EXPECT_EQ(MaskKeep("a", 1, 0), "*");
  EXPECT_EQ(MaskKeep("ab", 1, 1), "**");
  EXPECT_EQ(MaskKeep("abcd", 6, 4), "a***");
  EXPECT_EQ(MaskKeep("abcdefg", 3, 4), "a******");
  EXPECT_EQ(MaskForCategory("name", "张"), "*");
  EXPECT_EQ(MaskForCategory("mobile", "138"), "1**");
  EXPECT_EQ(MaskForCategory("email", "@x.cn"), "****@x.cn");
}

TEST(MaskKeep, InvalidUtf8CountsEachBadByte) {
  std::string bad =
      "\xe5\xbc\xa0\xff\xfe"
      "ab\xe4\xb8";  // 张, two bad bytes, ab, cut-off 中
  EXPECT_EQ(CharCount(bad), 7u);
  EXPECT_EQ(MaskKeep(bad, 1, 1), "\xe5\xbc\xa0*****\xb8");
  for (std::string_view category : {"name", "id_card", "mobile", "email", "address", "landline",
                                    "ip", "plate", "bank_card", "other"}) {
    for (std::string_view value :
         {std::string_view(bad), std::string_view("\xff"), std::string_view("\xe4\xb8"),
          std::string_view(""), std::string_view("@"), std::string_view("(")}) {
      (void)MaskForCategory(category, value);  // must not crash or hang
    }
  }
}

}  // namespace
}  // namespace citydata::masking
