// A read-only set of strings for per-row membership tests (in_set, in_code_table,
// reference): open addressing over a flat table with a cheap hash of the bytes, and
// lookups by string_view without building a std::string.
#pragma once

#include <algorithm>
#include <bit>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

namespace citydata::quality {

// The first eight bytes of `s`, zero-padded, as a little-endian word. Texts shorter
// than eight bytes are read with fixed-size loads (two overlapping ones, or three
// bytes) rather than a memcpy of variable size, whose piecewise stores the following
// 8-byte load would wait for.
inline uint64_t TextHead(std::string_view s) {
  static_assert(std::endian::native == std::endian::little);
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  const size_t n = s.size();
  if (n >= 8) {
    uint64_t w;
    std::memcpy(&w, p, 8);
    return w;
  }
  if (n >= 4) {
    uint32_t lo, hi;
    std::memcpy(&lo, p, 4);
    std::memcpy(&hi, p + n - 4, 4);
    return lo | (uint64_t{hi} << (8 * (n - 4)));
  }
  if (n == 0) return 0;
  return p[0] | (uint64_t{p[n / 2]} << (8 * (n / 2))) | (uint64_t{p[n - 1]} << (8 * (n - 1)));
}

// A cheap hash of the bytes of `s`, whose TextHead is `head`; the same in every process.
inline uint64_t HashText(std::string_view s, uint64_t head) {
  uint64_t h = ((s.size() + 1) * 0x9E3779B97F4A7C15ull ^ head) * 0xFF51AFD7ED558CCDull;
  h ^= h >> 32;
  const char* p = s.data() + std::min<size_t>(s.size(), 8);
  size_t n = s.size() - std::min<size_t>(s.size(), 8);
  for (; n >= 8; p += 8, n -= 8) {
    uint64_t w;
    std::memcpy(&w, p, 8);
    h = (h ^ w) * 0xFF51AFD7ED558CCDull;
    h ^= h >> 32;
  }
  if (n > 0) h = (h ^ TextHead(std::string_view(p, n))) * 0xC4CEB9FE1A85EC53ull;
  return h ^ (h >> 29);
}

class FlatTextSet {
 public:
  FlatTextSet() = default;
  template <typename Range>
  explicit FlatTextSet(const Range& values) {
    for (const auto& v : values) Insert(v);
  }

  // Adds `value` (a repeat is ignored).
  void Insert(std::string_view value);

  bool contains(std::string_view value) const {
    const uint64_t head = TextHead(value);
    for (size_t i = HashText(value, head) & mask_;; i = (i + 1) & mask_) {
      const Slot& slot = table_[i];
      if (slot.index == 0) return false;
      // Most values are short: their size and first eight bytes, kept in the slot,
      // decide without reading the stored string.
      if (slot.size == value.size() && slot.head == head &&
          (value.size() <= 8 || std::memcmp(values_[slot.index - 1].data() + 8, value.data() + 8,
                                            value.size() - 8) == 0)) {
        return true;
      }
    }
  }

  size_t size() const { return values_.size(); }

 private:
  void Rehash(size_t capacity);

  struct Slot {
    uint32_t index = 0;  // values_ index + 1; 0 = empty
    uint32_t size = 0;   // the value's size (values longer than 4 GiB are not kept)
    uint64_t head = 0;   // Head(value)
  };
  void Place(uint32_t index);

  std::vector<std::string> values_;
  std::vector<Slot> table_ = std::vector<Slot>(2);
  size_t mask_ = 1;
};

}  // namespace citydata::quality
