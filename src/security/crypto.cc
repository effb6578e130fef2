#include "security/crypto.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include <memory>
#include <stdexcept>
#include <vector>

namespace citydata::security {
namespace {

std::string ToHex(const unsigned char* data, size_t n) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out(n * 2, '0');
  for (size_t i = 0; i < n; ++i) {
    out[2 * i] = kHex[data[i] >> 4];
    out[2 * i + 1] = kHex[data[i] & 0xf];
  }
  return out;
}

}  // namespace

std::string Sm3Hex(std::string_view data) {
  std::unique_ptr<EVP_MD, decltype(&EVP_MD_free)> md(EVP_MD_fetch(nullptr, "SM3", nullptr),
                                                     EVP_MD_free);
  // SM3 is part of OpenSSL 3's default provider on Debian 12; its absence is a broken
  // installation, not a user error.
  assert(md != nullptr);
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(data.data(), data.size(), digest, &len, md.get(), nullptr);
  return ToHex(digest, len);
}

std::string RandomHex(size_t bytes) {
  std::vector<unsigned char> buf(bytes);
  int ok = RAND_bytes(buf.data(), static_cast<int>(buf.size()));
  assert(ok == 1);
  (void)ok;
  return ToHex(buf.data(), buf.size());
}

bool ConstantTimeEquals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace citydata::security
