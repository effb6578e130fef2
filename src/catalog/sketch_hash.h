// A fast, well-mixed 64-bit hash for profiling sketches (private to catalog).
//
// The hash feeds HyperLogLog registers and hash tables, so every output bit must be
// well mixed. It follows wyhash (final version 4, without its three-lane loop for
// long inputs): a 64x64->128-bit multiply folded to 64 bits mixes each 16-byte block
// and the length, and only fixed-size loads are used, since a variable-length copy
// into a word stalls store forwarding. Persisted sketches (HyperLogLog registers,
// exact hash sets) depend on these exact values: changing the function requires a
// new serialization version in profiler.cc.
#pragma once

#include <bit>
#include <cstdint>
#include <cstring>
#include <string_view>

namespace citydata::catalog {

static_assert(std::endian::native == std::endian::little,
              "sketch hashes and encodings assume a little-endian host");

namespace sketch_internal {

__extension__ using Uint128 = unsigned __int128;

inline constexpr uint64_t kSecret0 = 0x2D358DCCAA6C78A5ULL;
inline constexpr uint64_t kSecret1 = 0x8BB84B93962EACC9ULL;

// The 128-bit product of a and b, as (low, high) in (*a, *b).
inline void Multiply(uint64_t* a, uint64_t* b) {
  Uint128 product = static_cast<Uint128>(*a) * *b;
  *a = static_cast<uint64_t>(product);
  *b = static_cast<uint64_t>(product >> 64);
}

inline uint64_t Mix(uint64_t a, uint64_t b) {
  Multiply(&a, &b);
  return a ^ b;
}

inline uint64_t Load64(const char* p) {
  uint64_t word;
  std::memcpy(&word, p, 8);
  return word;
}

inline uint64_t Load32(const char* p) {
  uint32_t word;
  std::memcpy(&word, p, 4);
  return word;
}

inline uint64_t Byte(char c) { return static_cast<uint8_t>(c); }

}  // namespace sketch_internal

inline uint64_t Hash64(std::string_view bytes) {
  using namespace sketch_internal;
  const char* p = bytes.data();
  size_t n = bytes.size();
  uint64_t seed = Mix(kSecret0, kSecret1);
  uint64_t a = 0;
  uint64_t b = 0;
  if (n > 16) {
    size_t rest = n;
    for (; rest > 16; p += 16, rest -= 16) seed = Mix(Load64(p) ^ kSecret1, Load64(p + 8) ^ seed);
    a = Load64(p + rest - 16);
    b = Load64(p + rest - 8);
  } else if (n >= 4) {
    size_t step = (n >> 3) << 2;  // 0 or 4: the two loads of a half overlap or not
    a = (Load32(p) << 32) | Load32(p + step);
    b = (Load32(p + n - 4) << 32) | Load32(p + n - 4 - step);
  } else if (n > 0) {
    a = (Byte(p[0]) << 16) | (Byte(p[n >> 1]) << 8) | Byte(p[n - 1]);
  }
  a ^= kSecret1;
  b ^= seed;
  Multiply(&a, &b);
  return Mix(a ^ kSecret0 ^ n, b ^ kSecret1);
}

}  // namespace citydata::catalog
