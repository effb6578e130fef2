#include "masking/masker.h"

#include <gtest/gtest.h>

#include "security/crypto.h"

namespace citydata::masking {
namespace {

Operator Op(std::string_view spec) {
  auto op = Operator::Parse(spec);
  EXPECT_TRUE(op.ok()) << spec;
  return op.ok() ? *op : Operator{};
}

class MaskerTest : public ::testing::Test {
 protected:
  Masker masker_{{DataKeys::Generate(1)}};
};

TEST_F(MaskerTest, NullStaysNullAndNullifyGivesNull) {
  for (std::string_view spec : {"keep", "mask", "hash", "generalize:year", "tokenize", "encrypt"}) {
    EXPECT_EQ(masker_.Apply(Op(spec), "name", std::nullopt), std::nullopt) << spec;
  }
  EXPECT_EQ(masker_.Apply(Op("nullify"), "name", "张三"), std::nullopt);
  EXPECT_EQ(masker_.Apply(Op("keep"), "name", "张三"), "张三");
}

TEST_F(MaskerTest, MaskUsesTheCategoryFormOrExplicitCounts) {
  EXPECT_EQ(masker_.Apply(Op("mask"), "name", "张三丰"), "张**");
  EXPECT_EQ(masker_.Apply(Op("mask"), "id_card", "11010519491231002X"), "110105********002X");
  EXPECT_EQ(masker_.Apply(Op("mask"), "mobile", "13812341234"), "138****1234");
  EXPECT_EQ(masker_.Apply(Op("mask:1,1"), "mobile", "13812341234"), "1*********4");
  EXPECT_EQ(masker_.Apply(Op("mask"), "name", ""), "");
}

TEST_F(MaskerTest, HashIsKeyedDeterministicAndTruncatable) {
  auto a = masker_.Apply(Op("hash"), "id_card", "11010519491231002X");
  ASSERT_TRUE(a.has_value());
  EXPECT_EQ(a->size(), 64u);
  EXPECT_EQ(a, masker_.Apply(Op("hash"), "mobile", "11010519491231002X"));
  EXPECT_NE(a, masker_.Apply(Op("hash"), "id_card", "110105194912310011"));
  EXPECT_NE(a, Masker({DataKeys::Generate(1)}).Apply(Op("hash"), "id_card", "11010519491231002X"));
  EXPECT_EQ(masker_.Apply(Op("hash:17"), "id_card", "11010519491231002X"), a->substr(0, 17));
  EXPECT_EQ(masker_.Apply(Op("hash"), "", "")->size(), 64u);
}

TEST_F(MaskerTest, HashMatchesHmacSm3UnderTheHashKey) {
  DataKeys keys = DataKeys::Generate(3);
  Masker masker({keys});
  EXPECT_EQ(masker.Apply(Op("hash"), "name", "张三"), security::HmacSm3Hex(keys.hash_key, "张三"));
}

TEST_F(MaskerTest, GeneralizeSuppressesValuesThatDoNotFit) {
  EXPECT_EQ(masker_.Apply(Op("generalize:city"), "", "330106"), "330100");
  EXPECT_EQ(masker_.Apply(Op("generalize:province"), "", "330106"), "330000");
  EXPECT_EQ(masker_.Apply(Op("generalize:year"), "birth_date", "1990-05-17"), "1990");
  EXPECT_EQ(masker_.Apply(Op("generalize:age_band"), "", "35"), "30-39");
  EXPECT_EQ(masker_.Apply(Op("generalize:round2"), "coordinates", "120.15512,30.27431"),
            "120.16,30.27");
  EXPECT_EQ(masker_.Apply(Op("generalize:year"), "birth_date", "不详"), std::nullopt);
}

TEST_F(MaskerTest, TokensAreDeterministicAndReversible) {
  for (std::string_view value : {"11010519491231002X", "张三", "", "\xff\xfe invalid"}) {
    auto token = masker_.Apply(Op("tokenize"), "id_card", value);
    ASSERT_TRUE(token.has_value());
    EXPECT_TRUE(token->starts_with("tk1_")) << *token;
    EXPECT_EQ(token, masker_.Apply(Op("tokenize"), "name", value));
    auto back = masker_.Detokenize(*token);
    ASSERT_TRUE(back.ok()) << back.status().ToString();
    EXPECT_EQ(*back, value);
  }
  EXPECT_NE(masker_.Apply(Op("tokenize"), "", "a"), masker_.Apply(Op("tokenize"), "", "b"));
}

TEST_F(MaskerTest, EncryptionIsRandomizedAndReversible) {
  auto a = masker_.Apply(Op("encrypt"), "address", "北京市朝阳区建国路88号");
  auto b = masker_.Apply(Op("encrypt"), "address", "北京市朝阳区建国路88号");
  ASSERT_TRUE(a.has_value() && b.has_value());
  EXPECT_TRUE(a->starts_with("enc1_"));
  EXPECT_NE(a, b);
  EXPECT_EQ(*masker_.Decrypt(*a), "北京市朝阳区建国路88号");
  EXPECT_EQ(*masker_.Decrypt(*b), "北京市朝阳区建国路88号");
}

TEST_F(MaskerTest, DetokenizeAndDecryptRejectForgeriesClearly) {
  std::string token = *masker_.Apply(Op("tokenize"), "mobile", "13812341234");
  std::string cipher = *masker_.Apply(Op("encrypt"), "mobile", "13812341234");
  std::string altered = token;
  altered.back() = altered.back() == 'A' ? 'B' : 'A';
  EXPECT_EQ(masker_.Detokenize(altered).status().code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(masker_.Detokenize(altered).status().message().find("integrity"), std::string::npos);
  EXPECT_EQ(masker_.Detokenize(cipher).status().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(masker_.Decrypt(token).status().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(masker_.Detokenize("tk9_AAAA").status().code(), ErrorCode::kNotFound);
  for (std::string_view bad : {"", "tk", "tk1", "tk_abc", "tk0_abc", "tk1_***", "tk1_A", "tkx1_abc",
                               "13812341234", "tk-1_abc"}) {
    EXPECT_FALSE(masker_.Detokenize(bad).ok()) << bad;
  }
  Masker other({DataKeys::Generate(1)});
  EXPECT_EQ(other.Detokenize(token).status().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(other.Decrypt(cipher).status().code(), ErrorCode::kInvalidArgument);
}

}  // namespace
}  // namespace citydata::masking
