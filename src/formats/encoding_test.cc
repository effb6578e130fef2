#include "formats/encoding.h"

#include <gtest/gtest.h>

namespace citydata::formats {
namespace {

TEST(Utf8, AcceptsWellFormedText) {
  EXPECT_EQ(FindInvalidUtf8(""), kNoInvalidByte);
  EXPECT_EQ(FindInvalidUtf8("plain ascii text, long enough for the fast path"), kNoInvalidByte);
  EXPECT_EQ(FindInvalidUtf8("身份证号,姓名,é,😀"), kNoInvalidByte);
  EXPECT_EQ(FindInvalidUtf8("\xF4\x8F\xBF\xBF"), kNoInvalidByte);  // U+10FFFF
}

TEST(Utf8, FindsTheFirstBadByte) {
  EXPECT_EQ(FindInvalidUtf8("abc\xC3\x28"), 3u);
  EXPECT_EQ(FindInvalidUtf8("12345678\x80"), 8u);
  EXPECT_EQ(FindInvalidUtf8("\xC0\xAF"), 0u);          // overlong '/'
  EXPECT_EQ(FindInvalidUtf8("\xE0\x80\xAF"), 0u);      // overlong
  EXPECT_EQ(FindInvalidUtf8("a\xED\xA0\x80"), 1u);     // surrogate
  EXPECT_EQ(FindInvalidUtf8("\xF4\x90\x80\x80"), 0u);  // above U+10FFFF
  EXPECT_EQ(FindInvalidUtf8("中\xE4\xB8"), 3u);        // cut short
  EXPECT_EQ(FindInvalidUtf8("\xD6\xD0\xCE\xC4"), 0u);  // GBK "中文"
}

TEST(Utf8, PrefixMayEndInsideACharacter) {
  EXPECT_TRUE(IsUtf8Prefix("中\xE4\xB8"));
  EXPECT_FALSE(IsUtf8Prefix("中\xE4\x28"));
  EXPECT_EQ(DetectEncoding("name,城市\n\xE4"), Encoding::kUtf8);
  EXPECT_EQ(DetectEncoding("name,\xB3\xC7\xCA\xD0\n"), Encoding::kGb18030);
  EXPECT_EQ(DetectEncoding(""), Encoding::kUtf8);
}

TEST(Utf8, DetectionToleratesAFewCorruptBytesInClearlyUtf8Text) {
  EXPECT_EQ(DetectEncoding("北京市朝阳区,上海市浦东新区\n\xC3\x28"), Encoding::kUtf8);
  EXPECT_EQ(DetectEncoding("北京\n\xC3\x28"), Encoding::kGb18030);
}

TEST(Utf8, DescribesBytes) {
  EXPECT_EQ(DescribeBytes("a\xC3\x28", 1, 2), "bytes 0xC3 0x28");
  EXPECT_EQ(DescribeBytes("a\xC3", 1), "bytes 0xC3");
}

TEST(Gb18030, DecodesToUtf8) {
  auto decoder = Gb18030Decoder::Create();
  ASSERT_TRUE(decoder.ok());
  std::string out;
  size_t bad = 0;
  ASSERT_TRUE((*decoder)->Decode("\xD6\xD0\xCE\xC4,ok", out, bad));
  EXPECT_EQ(out, "中文,ok");
  out.clear();
  ASSERT_TRUE((*decoder)->Decode("\x81\x30\x81\x30", out, bad));  // four-byte form: U+0080
  EXPECT_EQ(out, "\xC2\x80");
}

TEST(Gb18030, ReportsInvalidAndCutSequences) {
  auto decoder = Gb18030Decoder::Create();
  ASSERT_TRUE(decoder.ok());
  std::string out;
  size_t bad = 0;
  EXPECT_FALSE((*decoder)->Decode("ab\xFF\x20", out, bad));
  EXPECT_EQ(bad, 2u);
  out.clear();
  EXPECT_FALSE((*decoder)->Decode("ab\xD6", out, bad));
  EXPECT_EQ(bad, 2u);
}

TEST(Gb18030, StreamingLeavesCutSequences) {
  auto decoder = Gb18030Decoder::Create();
  ASSERT_TRUE(decoder.ok());
  std::string out;
  size_t consumed = 0;
  ASSERT_TRUE((*decoder)->DecodeSome("a\xD6\xD0\xCE", out, consumed));
  EXPECT_EQ(consumed, 3u);
  EXPECT_EQ(out, "a中");
}

TEST(LossyUtf8, ReplacesBadBytesAndCutsAtCharacters) {
  std::string out;
  AppendLossyUtf8(
      "a\xFF"
      "b",
      nullptr, 100, out);
  EXPECT_EQ(out,
            "a\xEF\xBF\xBD"
            "b");
  out.clear();
  AppendLossyUtf8("中文", nullptr, 4, out);
  EXPECT_EQ(out, "中");
  out.clear();
  auto decoder = Gb18030Decoder::Create();
  ASSERT_TRUE(decoder.ok());
  AppendLossyUtf8("\xD6\xD0\xFF\xD6", decoder->get(), 100, out);
  EXPECT_EQ(out, "中\xEF\xBF\xBD\xEF\xBF\xBD");
}

}  // namespace
}  // namespace citydata::formats
