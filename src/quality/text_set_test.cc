#include "quality/text_set.h"

#include <gtest/gtest.h>

#include <cstring>
#include <set>

namespace citydata::quality {
namespace {

TEST(FlatTextSetTest, FindsExactlyWhatWasInserted) {
  // Sizes around the eight bytes kept in a slot, shared prefixes, an empty string.
  std::set<std::string> in{"",
                           "a",
                           "1",
                           "2",
                           "330102",
                           "active",
                           "abcdefgh",
                           "abcdefghi",
                           "abcdefghij",
                           "abcdefgh\0x",
                           std::string("ab\0", 3)};
  for (int i = 0; i < 500; ++i) in.insert("prefix__" + std::to_string(i));
  FlatTextSet set(in);
  EXPECT_EQ(set.size(), in.size());
  for (const auto& v : in) EXPECT_TRUE(set.contains(v)) << v;
  for (std::string_view out : {"b", "12", "abcdefg", "abcdefgz", "abcdefghz", "abcdefghik",
                               "prefix__", "prefix__500", "prefix__1x", "Active"}) {
    EXPECT_FALSE(set.contains(out)) << out;
  }
  EXPECT_FALSE(set.contains(std::string_view("ab", 2)));
  EXPECT_FALSE(set.contains(std::string("ab\0\0", 4)));
  EXPECT_FALSE(FlatTextSet().contains(""));
}

TEST(TextHeadTest, IsTheFirstEightBytesZeroPadded) {
  const std::string bytes = "\x01\xff\x80" + std::string("a\0b", 3) + "cdefghijklmnop";
  for (size_t n = 0; n <= bytes.size(); ++n) {
    std::string_view s(bytes.data(), n);
    uint64_t expected = 0;
    std::memcpy(&expected, s.data(), std::min<size_t>(n, 8));
    EXPECT_EQ(TextHead(s), expected) << n;
  }
  EXPECT_EQ(TextHead({}), 0u);
}

}  // namespace
}  // namespace citydata::quality
