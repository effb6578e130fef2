#include "security/crypto.h"

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/params.h>
#include <openssl/rand.h>

#include <algorithm>
#include <climits>
#include <memory>

namespace citydata::security {
namespace {

const unsigned char* Bytes(std::string_view s) {
  // An empty string_view may have a null data(); OpenSSL wants a valid pointer.
  return reinterpret_cast<const unsigned char*>(s.empty() ? "" : s.data());
}

unsigned char* MutableBytes(std::string& s) { return reinterpret_cast<unsigned char*>(s.data()); }

// SM3 and SM4 are part of OpenSSL 3's default provider on Debian 12; their absence is a
// broken installation, not a user error. The algorithms are fetched once and kept for
// the life of the process.
const EVP_MD* Sm3() {
  static EVP_MD* md = EVP_MD_fetch(nullptr, "SM3", nullptr);
  assert(md != nullptr);
  return md;
}

const EVP_CIPHER* Sm4CtrCipher() {
  static EVP_CIPHER* cipher = EVP_CIPHER_fetch(nullptr, "SM4-CTR", nullptr);
  assert(cipher != nullptr);
  return cipher;
}

// A per-thread HMAC-SM3 context that remembers its key: re-keying costs two SM3
// compressions, so a run of calls under one key (a masked column) skips it.
class HmacSm3Context {
 public:
  HmacSm3Context() {
    static EVP_MAC* mac = EVP_MAC_fetch(nullptr, "HMAC", nullptr);
    assert(mac != nullptr);
    ctx_.reset(EVP_MAC_CTX_new(mac));
    char digest[] = "SM3";
    OSSL_PARAM params[] = {OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest, 0),
                           OSSL_PARAM_construct_end()};
    [[maybe_unused]] int ok = EVP_MAC_CTX_set_params(ctx_.get(), params);
    assert(ok == 1);
  }

  void Compute(std::string_view key, std::string_view data, unsigned char* out) {
    [[maybe_unused]] int ok = 0;
    if (keyed_ && key == key_) {
      ok = EVP_MAC_init(ctx_.get(), nullptr, 0, nullptr);  // same key: reset only
    } else {
      ok = EVP_MAC_init(ctx_.get(), Bytes(key), key.size(), nullptr);
      key_.assign(key);
      keyed_ = true;
    }
    assert(ok == 1);
    if (!data.empty()) ok = EVP_MAC_update(ctx_.get(), Bytes(data), data.size());
    size_t len = 0;
    ok = ok && EVP_MAC_final(ctx_.get(), out, &len, kSm3Bytes);
    assert(ok == 1 && len == kSm3Bytes);
  }

 private:
  std::unique_ptr<EVP_MAC_CTX, decltype(&EVP_MAC_CTX_free)> ctx_{nullptr, EVP_MAC_CTX_free};
  std::string key_;
  bool keyed_ = false;
};

// Writes SM4-CTR(key, iv, in) to `out`, which holds in.size() bytes.
void Sm4CtrInto(std::string_view key, const unsigned char* iv, std::string_view in,
                unsigned char* out) {
  assert(key.size() == kSm4KeyBytes);
  thread_local std::unique_ptr<EVP_CIPHER_CTX, decltype(&EVP_CIPHER_CTX_free)> ctx(
      EVP_CIPHER_CTX_new(), EVP_CIPHER_CTX_free);
  [[maybe_unused]] int ok = EVP_EncryptInit_ex2(ctx.get(), Sm4CtrCipher(), Bytes(key), iv, nullptr);
  const unsigned char* src = Bytes(in);
  for (size_t done = 0; ok == 1 && done < in.size();) {
    int chunk = static_cast<int>(std::min<size_t>(in.size() - done, INT_MAX / 2));
    int written = 0;
    ok = EVP_EncryptUpdate(ctx.get(), out + done, &written, src + done, chunk);
    done += static_cast<size_t>(written);
  }
  assert(ok == 1);
}

std::string_view EncKey(std::string_view key) { return key.substr(0, kSm4KeyBytes); }
std::string_view MacKey(std::string_view key) { return key.substr(kSm4KeyBytes); }

constexpr char kHexDigits[] = "0123456789abcdef";
constexpr char kBase64Url[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

int Base64UrlValue(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '-') return 62;
  if (c == '_') return 63;
  return -1;
}

}  // namespace

std::string Sm3Hex(std::string_view data) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  [[maybe_unused]] int ok = EVP_Digest(Bytes(data), data.size(), digest, &len, Sm3(), nullptr);
  assert(ok == 1);
  return HexEncode(std::string_view(reinterpret_cast<const char*>(digest), len));
}

void HmacSm3Into(std::string_view key, std::string_view data, unsigned char* out) {
  thread_local HmacSm3Context context;
  context.Compute(key, data, out);
}

std::string HmacSm3(std::string_view key, std::string_view data) {
  std::string tag(kSm3Bytes, '\0');
  HmacSm3Into(key, data, MutableBytes(tag));
  return tag;
}

std::string HmacSm3Hex(std::string_view key, std::string_view data) {
  return HexEncode(HmacSm3(key, data));
}

std::string HmacSha256Hex(std::string_view key, std::string_view data) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha256(), Bytes(key), static_cast<int>(key.size()), Bytes(data), data.size(), out,
       &len);
  return HexEncode(std::string_view(reinterpret_cast<const char*>(out), len));
}

std::string Sm4Ctr(std::string_view key, std::string_view iv, std::string_view data) {
  assert(iv.size() == kSm4KeyBytes);
  std::string out(data.size(), '\0');
  Sm4CtrInto(key, Bytes(iv), data, MutableBytes(out));
  return out;
}

std::string Sm4Seal(std::string_view key, std::string_view plaintext) {
  assert(key.size() == kSealKeyBytes);
  std::string out(kSealOverhead + plaintext.size(), '\0');
  unsigned char* iv = MutableBytes(out);
  [[maybe_unused]] int ok = RAND_bytes(iv, kSm4KeyBytes);
  assert(ok == 1);
  Sm4CtrInto(EncKey(key), iv, plaintext, iv + kSm4KeyBytes);
  size_t body = kSm4KeyBytes + plaintext.size();
  HmacSm3Into(MacKey(key), std::string_view(out.data(), body), iv + body);
  return out;
}

Result<std::string> Sm4Open(std::string_view key, std::string_view sealed) {
  assert(key.size() == kSealKeyBytes);
  if (sealed.size() < kSealOverhead) {
    return InvalidArgument("sealed value is too short to hold an IV and a tag");
  }
  size_t body = sealed.size() - kSm3Bytes;
  unsigned char tag[kSm3Bytes];
  HmacSm3Into(MacKey(key), sealed.substr(0, body), tag);
  if (CRYPTO_memcmp(tag, Bytes(sealed.substr(body)), kSm3Bytes) != 0) {
    return InvalidArgument(
        "sealed value failed its integrity check: it was altered or sealed under another key");
  }
  std::string plaintext(body - kSm4KeyBytes, '\0');
  Sm4CtrInto(EncKey(key), Bytes(sealed), sealed.substr(kSm4KeyBytes, plaintext.size()),
             MutableBytes(plaintext));
  return plaintext;
}

std::string Sm4SivSeal(std::string_view key, std::string_view plaintext) {
  assert(key.size() == kSealKeyBytes);
  unsigned char mac[kSm3Bytes];
  HmacSm3Into(MacKey(key), plaintext, mac);
  std::string out(kSivOverhead + plaintext.size(), '\0');
  std::copy(mac, mac + kSivOverhead, out.begin());
  Sm4CtrInto(EncKey(key), mac, plaintext, MutableBytes(out) + kSivOverhead);
  return out;
}

Result<std::string> Sm4SivOpen(std::string_view key, std::string_view sealed) {
  assert(key.size() == kSealKeyBytes);
  if (sealed.size() < kSivOverhead) {
    return InvalidArgument("sealed value is too short to hold a synthetic IV");
  }
  std::string plaintext(sealed.size() - kSivOverhead, '\0');
  Sm4CtrInto(EncKey(key), Bytes(sealed), sealed.substr(kSivOverhead), MutableBytes(plaintext));
  unsigned char mac[kSm3Bytes];
  HmacSm3Into(MacKey(key), plaintext, mac);
  if (CRYPTO_memcmp(mac, Bytes(sealed), kSivOverhead) != 0) {
    return InvalidArgument(
        "sealed value failed its integrity check: it was altered or sealed under another key");
  }
  return plaintext;
}

std::string RandomBytes(size_t bytes) {
  std::string buf(bytes, '\0');
  [[maybe_unused]] int ok = RAND_bytes(MutableBytes(buf), static_cast<int>(buf.size()));
  assert(ok == 1);
  return buf;
}

std::string RandomHex(size_t bytes) { return HexEncode(RandomBytes(bytes)); }

bool ConstantTimeEquals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

std::string HexEncode(std::string_view bytes) {
  std::string out(bytes.size() * 2, '0');
  for (size_t i = 0; i < bytes.size(); ++i) {
    auto b = static_cast<unsigned char>(bytes[i]);
    out[2 * i] = kHexDigits[b >> 4];
    out[2 * i + 1] = kHexDigits[b & 0xf];
  }
  return out;
}

Result<std::string> HexDecode(std::string_view hex) {
  if (hex.size() % 2 != 0) return InvalidArgument("hex text has an odd number of digits");
  std::string out(hex.size() / 2, '\0');
  for (size_t i = 0; i < out.size(); ++i) {
    int hi = HexValue(hex[2 * i]);
    int lo = HexValue(hex[2 * i + 1]);
    if (hi < 0 || lo < 0) return InvalidArgument("hex text has a character other than 0-9a-f");
    out[i] = static_cast<char>(hi << 4 | lo);
  }
  return out;
}

std::string Base64UrlEncode(std::string_view bytes) {
  std::string out;
  out.reserve((bytes.size() * 4 + 2) / 3);
  uint32_t acc = 0;
  int bits = 0;
  for (char c : bytes) {
    acc = acc << 8 | static_cast<unsigned char>(c);
    for (bits += 8; bits >= 6; bits -= 6) out += kBase64Url[(acc >> (bits - 6)) & 63];
  }
  if (bits > 0) out += kBase64Url[(acc << (6 - bits)) & 63];
  return out;
}

Result<std::string> Base64UrlDecode(std::string_view text) {
  if (text.size() % 4 == 1) return InvalidArgument("base64url text has an impossible length");
  std::string out;
  out.reserve(text.size() * 3 / 4);
  uint32_t acc = 0;
  int bits = 0;
  for (char c : text) {
    int v = Base64UrlValue(c);
    if (v < 0) return InvalidArgument("base64url text has a character other than A-Za-z0-9-_");
    acc = acc << 6 | static_cast<uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((acc >> bits) & 0xff);
    }
  }
  return out;
}

}  // namespace citydata::security
