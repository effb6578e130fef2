// National (SM3, SM4) and general cryptographic primitives over OpenSSL 3's default
// provider, plus the byte encodings the platform stores secrets and tokens in.
//
// Keys and sealed values are raw bytes held in std::string. Every function here is
// thread-safe: OpenSSL contexts are fetched once per process and kept per thread, so
// the per-row paths (HMAC-SM3, the SM4 constructions) allocate nothing but their result.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "core/status.h"

namespace citydata::security {

inline constexpr size_t kSm3Bytes = 32;      // SM3 digest and HMAC-SM3 tag
inline constexpr size_t kSm4KeyBytes = 16;   // SM4 key and block size
inline constexpr size_t kSealKeyBytes = 32;  // key of Sm4Seal and Sm4SivSeal, see below
inline constexpr size_t kSealOverhead = 48;  // Sm4Seal: IV + tag
inline constexpr size_t kSivOverhead = 16;   // Sm4SivSeal: synthetic IV

// SM3 digest (GB/T 32905) of `data` as 64 lower-case hex digits.
// SM3("abc") = 66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0.
std::string Sm3Hex(std::string_view data);

// HMAC (RFC 2104) with SM3, as in GM/T 0042-2015: the 32-byte tag of `data` under
// `key` (any length, may be empty). HmacSm3Into writes the tag to `out`, which must
// hold kSm3Bytes bytes, and allocates nothing.
void HmacSm3Into(std::string_view key, std::string_view data, unsigned char* out);
std::string HmacSm3(std::string_view key, std::string_view data);
std::string HmacSm3Hex(std::string_view key, std::string_view data);
// HMAC-SHA256 (RFC 2104) as lower-case hex: the signature Chinese government API
// gateways use for app requests.
std::string HmacSha256Hex(std::string_view key, std::string_view data);

// SM4 (GB/T 32907) in CTR mode with a 128-bit big-endian counter starting at `iv`:
// `data` XOR the key stream, so the same call encrypts and decrypts. Gives no
// integrity; use Sm4Seal or Sm4SivSeal for data.
// REQUIRES: key.size() == kSm4KeyBytes, iv.size() == kSm4KeyBytes.
std::string Sm4Ctr(std::string_view key, std::string_view iv, std::string_view data);

// The two authenticated SM4 constructions below take a kSealKeyBytes key: bytes 0..15
// are the SM4 key, bytes 16..31 the HMAC-SM3 key. (OpenSSL 3.0 has no SM4-GCM, so
// both are SM4-CTR with HMAC-SM3.) REQUIRES: key.size() == kSealKeyBytes.
//
// Sm4Seal: randomized authenticated encryption, encrypt-then-MAC. Output is
//   IV (16 random bytes) || SM4-CTR(IV, plaintext) || HMAC-SM3(IV || ciphertext)
// so equal plaintexts seal differently. Sm4Open checks the tag (in constant time)
// before decrypting and fails with InvalidArgument when `sealed` is too short or was
// altered or sealed under another key.
std::string Sm4Seal(std::string_view key, std::string_view plaintext);
Result<std::string> Sm4Open(std::string_view key, std::string_view sealed);

// Sm4SivSeal: deterministic authenticated encryption in the SIV style (RFC 5297's
// construction with HMAC-SM3 as the PRF): the IV is synthetic,
//   SIV = first 16 bytes of HMAC-SM3(plaintext);  output = SIV || SM4-CTR(SIV, plaintext)
// so the same plaintext under the same key always gives the same output (equal values
// still compare, join and count) while different plaintexts use unrelated IVs. The
// SIV doubles as the tag: Sm4SivOpen decrypts, recomputes it and fails with
// InvalidArgument on a mismatch or a value shorter than kSivOverhead.
std::string Sm4SivSeal(std::string_view key, std::string_view plaintext);
Result<std::string> Sm4SivOpen(std::string_view key, std::string_view sealed);

// `bytes` bytes from the OpenSSL CSPRNG, raw and as lower-case hex.
std::string RandomBytes(size_t bytes);
std::string RandomHex(size_t bytes);

// Compares in time independent of where the inputs differ.
bool ConstantTimeEquals(std::string_view a, std::string_view b);

// Lower-case hex of `bytes`; HexDecode accepts either case and fails with
// InvalidArgument on an odd length or a non-hex character.
std::string HexEncode(std::string_view bytes);
Result<std::string> HexDecode(std::string_view hex);

// Base64 with the URL- and file-safe alphabet (RFC 4648 §5: A-Z a-z 0-9 - _), without
// padding. Base64UrlDecode fails with InvalidArgument on other characters, '=' or an
// impossible length.
std::string Base64UrlEncode(std::string_view bytes);
Result<std::string> Base64UrlDecode(std::string_view text);

}  // namespace citydata::security
