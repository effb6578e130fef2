#include "security/crypto.h"

#include <gtest/gtest.h>

#include <utility>

namespace citydata::security {
namespace {

std::string Unhex(std::string_view hex) {
  auto bytes = HexDecode(hex);
  EXPECT_TRUE(bytes.ok()) << hex;
  return bytes.ok() ? *bytes : std::string();
}

TEST(Sm3, MatchesTheStandardVector) {
  EXPECT_EQ(Sm3Hex("abc"), "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0");
}

// GM/T 0042-2015 Appendix D.3, example 1 (also in OpenSSL's evpmac_sm.txt); `openssl dgst
// -sm3 -mac HMAC -macopt hexkey:0102...20` on Debian 12 gives the same tag.
TEST(HmacSha256, MatchesRfc4231TestCase2) {
  EXPECT_EQ(HmacSha256Hex("Jefe", "what do ya want for nothing?"),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

TEST(HmacSm3, MatchesGmT0042Vector) {
  std::string key = Unhex("0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f20");
  std::string half = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
  const char* expected = "ca05e144ed05d1857840d1f318a4a8669e559fc8391f414485bfdf7bb408963a";
  EXPECT_EQ(HmacSm3Hex(key, half + half), expected);
  // Again under the cached key, after a different key, and with an empty message.
  EXPECT_EQ(HmacSm3Hex(key, half + half), expected);
  EXPECT_NE(HmacSm3Hex("other", half + half), expected);
  EXPECT_EQ(HmacSm3Hex(key, half + half), expected);
  EXPECT_EQ(HmacSm3(key, "").size(), kSm3Bytes);
  EXPECT_EQ(HmacSm3("", "abc").size(), kSm3Bytes);
}

// GB/T 32907-2016 Appendix A example 1: key = plaintext = 0123456789abcdeffedcba9876543210.
// One CTR block over zeros with IV = the plaintext is exactly the block encryption.
TEST(Sm4, MatchesGbT32907Vector) {
  std::string block = Unhex("0123456789abcdeffedcba9876543210");
  EXPECT_EQ(HexEncode(Sm4Ctr(block, block, std::string(16, '\0'))),
            "681edf34d206965e86b3e94f536e4246");
}

TEST(Sm4Seal, RoundTripsRandomizedAndRejectsTampering) {
  std::string key = RandomBytes(kSealKeyBytes);
  std::string message = "身份证 11010519491231002X";
  std::string a = Sm4Seal(key, message);
  EXPECT_EQ(a.size(), message.size() + kSealOverhead);
  EXPECT_NE(a, Sm4Seal(key, message));
  ASSERT_TRUE(Sm4Open(key, a).ok());
  EXPECT_EQ(*Sm4Open(key, a), message);
  EXPECT_EQ(*Sm4Open(key, Sm4Seal(key, "")), "");
  for (size_t i : {size_t{0}, size_t{20}, a.size() - 1}) {
    std::string bad = a;
    bad[i] ^= 1;
    EXPECT_EQ(Sm4Open(key, bad).status().code(), ErrorCode::kInvalidArgument) << i;
  }
  EXPECT_FALSE(Sm4Open(RandomBytes(kSealKeyBytes), a).ok());
  EXPECT_FALSE(Sm4Open(key, a.substr(0, kSealOverhead - 1)).ok());
}

TEST(Sm4SivSeal, IsDeterministicAndAuthenticated) {
  std::string key = RandomBytes(kSealKeyBytes);
  std::string a = Sm4SivSeal(key, "13812341234");
  EXPECT_EQ(a, Sm4SivSeal(key, "13812341234"));
  EXPECT_NE(a, Sm4SivSeal(key, "13812341235"));
  EXPECT_NE(a, Sm4SivSeal(RandomBytes(kSealKeyBytes), "13812341234"));
  EXPECT_EQ(a.size(), 11 + kSivOverhead);
  EXPECT_EQ(*Sm4SivOpen(key, a), "13812341234");
  EXPECT_EQ(*Sm4SivOpen(key, Sm4SivSeal(key, "")), "");
  std::string bad = a;
  bad.back() ^= 0x40;
  EXPECT_EQ(Sm4SivOpen(key, bad).status().code(), ErrorCode::kInvalidArgument);
  EXPECT_FALSE(Sm4SivOpen(key, "short").ok());
}

TEST(Encoding, HexAndBase64UrlRoundTrip) {
  EXPECT_EQ(HexEncode("\x01\xab"), "01ab");
  EXPECT_EQ(Unhex("01AB"), "\x01\xab");
  EXPECT_FALSE(HexDecode("abc").ok());
  EXPECT_FALSE(HexDecode("zz").ok());
  // RFC 4648 §10 vectors, without padding.
  const std::pair<std::string, std::string> vectors[] = {
      {"", ""},           {"f", "Zg"},          {"fo", "Zm8"},          {"foo", "Zm9v"},
      {"foob", "Zm9vYg"}, {"fooba", "Zm9vYmE"}, {"foobar", "Zm9vYmFy"}, {"\xfb\xff", "-_8"}};
  for (const auto& [raw, text] : vectors) {
    EXPECT_EQ(Base64UrlEncode(raw), text);
    ASSERT_TRUE(Base64UrlDecode(text).ok()) << text;
    EXPECT_EQ(*Base64UrlDecode(text), raw);
  }
  EXPECT_FALSE(Base64UrlDecode("Zm9v=").ok());
  EXPECT_FALSE(Base64UrlDecode("Zm+v").ok());
  EXPECT_FALSE(Base64UrlDecode("Z").ok());
  std::string random = RandomBytes(100);
  EXPECT_EQ(*Base64UrlDecode(Base64UrlEncode(random)), random);
}

}  // namespace
}  // namespace citydata::security
