#include "standards/cn_formats.h"

#include <gtest/gtest.h>

#include <string_view>

namespace citydata::standards {
namespace {

using Validator = bool (*)(std::string_view);

struct Vectors {
  const char* name;
  Validator validator;
  std::initializer_list<std::string_view> valid;
  std::initializer_list<std::string_view> invalid;
};

const Vectors kVectors[] = {
    {"IsMobile",
     IsMobile,
     {"13812345678", "19912345678", "8613812345678", "+8613812345678", "16600000000"},
     {"", "12812345678", "1381234567", "138123456789", "+86 13812345678", "138-1234-5678",
      "+8513812345678", "0086138123456", "+86", "1381234567a", "２3812345678", "86138123456789",
      "+861381234567"}},
    {"IsLandline",
     IsLandline,
     {"010-88888888", "01088888888", "(010)88888888", "(010)-88888888", "021-6888888",
      "0571-87654321", "057187654321", "(0755)26888888", "88888888", "6888888", "010-88888888-123",
      "010-88888888转8001", "88888888-1", "400-810-8888", "4008108888", "800-810-8888",
      "400-8108888", "4008-108-888"},
     {"",
      "13812345678",
      "010-08888888",
      "010-18888888",
      "010-888888",
      "010-888888888",
      "011-88888888",
      "0010-88888888",
      "(010 88888888",
      "010)88888888",
      "010--88888888",
      "010-88888888-",
      "010-88888888-1234567",
      "010-88888888转",
      "010 88888888",
      "0571-8765432a",
      "400-810-888",
      "400--810-8888",
      "400-810-8888-",
      "500-810-8888",
      "（010）88888888",
      "0"}},
    {"IsEmail",
     IsEmail,
     {"a@b.cn", "zhang.san@example.com", "user+tag@mail.gov.cn", "A_B-c@sub-domain.example.org",
      "x@xn--fiqs8s.com"},
     {"",          "@example.com", "a@",       "a@b",     "a@b.c",   "a@b.c1",
      "a@@b.cn",   "a@b@c.cn",     "a b@c.cn", ".a@b.cn", "a.@b.cn", "a..b@c.cn",
      "a@-b.cn",   "a@b-.cn",      "a@b..cn",  "a@.b.cn", "a@b.cn.", "张三@example.com",
      "a@例子.cn", "a@b_c.cn"}},
    {"IsPlate",
     IsPlate,
     {"京A12345", "粤B8K9X2", "沪AF0123", "川A1234挂", "京A1234警", "粤Z1234港", "粤Z1234澳",
      "湘A1234学", "京AD12345", "粤BF0A123", "京A12345D", "琼E12345F"},
     {"", "京", "京A", "京A1234", "京A123456", "京I12345", "京O12345", "京a12345", "京A1234O",
      "京A1234I", "港A12345", "A12345", "京AA12345", "京A1234D5", "京A1234使", "京A12345挂",
      "京A123挂", "京AD1234O", "京A1234AD"}},
    {"IsPassport",
     IsPassport,
     {"E12345678", "EA1234567", "EH7654321", "G12345678", "P1234567", "P12345678", "S1234567",
      "D12345678"},
     {"", "E", "E1234567", "E123456789", "EI1234567", "EO1234567", "Ea1234567", "G1234567",
      "GA1234567", "P123456", "P123456789", "X12345678", "e12345678", "E1234567A"}},
    {"IsHkMacauPermit",
     IsHkMacauPermit,
     {"H12345678", "H1234567890", "M12345678", "M0123456789", "C12345678", "CA1234567",
      "CZ7654321"},
     {"", "H", "H1234567", "H123456789", "H12345678901", "C1234567", "C123456789", "CA123456",
      "CAB123456", "Ca1234567", "K12345678", "h12345678"}},
};

TEST(CnFormats, AcceptsValidVectors) {
  for (const Vectors& v : kVectors) {
    for (std::string_view s : v.valid) EXPECT_TRUE(v.validator(s)) << v.name << "(\"" << s << "\")";
  }
}

TEST(CnFormats, RejectsInvalidVectors) {
  for (const Vectors& v : kVectors) {
    for (std::string_view s : v.invalid) {
      EXPECT_FALSE(v.validator(s)) << v.name << "(\"" << s << "\")";
    }
  }
}

TEST(CnFormats, LandlineAreaCodesFollowTheRealNumberingPlan) {
  EXPECT_FALSE(IsLandline("020-12345678"));  // local numbers never start with 1
  EXPECT_TRUE(IsLandline("029-82345678"));
  EXPECT_FALSE(IsLandline("030-82345678"));  // 03x is always followed by a fourth digit
  EXPECT_TRUE(IsLandline("0311-82345678"));
  EXPECT_FALSE(IsLandline("0211-82345678"));  // 02x codes have three digits only
}

TEST(CnFormats, MobileNumbersAreNotLandlines) {
  EXPECT_TRUE(IsMobile("13912345678"));
  EXPECT_FALSE(IsLandline("13912345678"));
  EXPECT_FALSE(IsLandline("+8613912345678"));
}

}  // namespace
}  // namespace citydata::standards
