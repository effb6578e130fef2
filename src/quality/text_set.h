// A read-only set of strings for per-row membership tests (in_set, in_code_table,
// reference): open addressing over a flat table with a cheap hash of the bytes, and
// lookups by string_view without building a std::string.
#pragma once

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

namespace citydata::quality {

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
    for (size_t i = Hash(value) & mask_;; i = (i + 1) & mask_) {
      uint32_t slot = table_[i];
      if (slot == 0) return false;
      const std::string& v = values_[slot - 1];
      if (v.size() == value.size() && std::memcmp(v.data(), value.data(), v.size()) == 0) {
        return true;
      }
    }
  }

  size_t size() const { return values_.size(); }

 private:
  static uint64_t Hash(std::string_view s) {
    uint64_t h = (s.size() + 1) * 0x9E3779B97F4A7C15ull;
    const char* p = s.data();
    size_t n = s.size();
    for (; n >= 8; p += 8, n -= 8) {
      uint64_t w;
      std::memcpy(&w, p, 8);
      h = (h ^ w) * 0xFF51AFD7ED558CCDull;
      h ^= h >> 32;
    }
    if (n > 0) {
      uint64_t w = 0;
      std::memcpy(&w, p, n);
      h = (h ^ w) * 0xC4CEB9FE1A85EC53ull;
    }
    return h ^ (h >> 29);
  }
  void Rehash(size_t capacity);

  std::vector<std::string> values_;
  std::vector<uint32_t> table_ = std::vector<uint32_t>(2, 0);  // values_ index + 1; 0 = empty
  size_t mask_ = 1;
};

}  // namespace citydata::quality
