// Distinct counting that is exact for small columns (private to catalog).
//
// Keeps the set of value hashes while it holds at most kExactLimit of them, so a
// code-table column reports its exact distinct count (up to 64-bit hash collisions,
// negligible at this size); beyond that the set is dropped and the HyperLogLog,
// which is fed from the first value on, answers. Memory: 16 KiB of registers plus
// 16 KiB for the set while exact. Not thread-safe; copyable.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <vector>

#include "catalog/sketch_hll.h"
#include "core/byte_codec.h"

namespace citydata::catalog {

class DistinctCounter {
 public:
  static constexpr size_t kExactLimit = 1000;

  DistinctCounter() : slots_(kSlots, 0) {}

  void Add(uint64_t hash) {
    hll_.Add(hash);
    if (exact_) InsertExact(hash);
  }

  // REQUIRES: &other != this.
  void Merge(const DistinctCounter& other) {
    hll_.Merge(other.hll_);
    if (!other.exact_) DropExact();
    for (size_t i = 0; exact_ && i < kSlots; ++i) {
      if (other.slots_[i] != 0) InsertExact(other.slots_[i]);
    }
  }

  bool exact() const { return exact_; }

  int64_t Estimate() const {
    if (exact_) return static_cast<int64_t>(exact_size_);
    return std::llround(hll_.Estimate());
  }

  // Exact: a 1 byte, the count and the hashes in ascending order (so equal sets
  // encode equally). Otherwise a 0 byte and the registers.
  void EncodeTo(ByteEncoder& out) const {
    out.PutByte(exact_ ? 1 : 0);
    if (!exact_) return hll_.EncodeTo(out);
    std::vector<uint64_t> hashes;
    hashes.reserve(exact_size_);
    for (uint64_t h : slots_) {
      if (h != 0) hashes.push_back(h);
    }
    std::sort(hashes.begin(), hashes.end());
    out.PutVarint(hashes.size());
    for (uint64_t h : hashes) out.PutFixed64(h);
  }

  // REQUIRES: *this is freshly constructed.
  bool DecodeFrom(ByteDecoder& in) {
    uint8_t exact;
    if (!in.GetByte(&exact) || exact > 1) return in.Fail();
    if (exact == 0) {
      DropExact();
      return hll_.DecodeFrom(in);
    }
    uint64_t n;
    if (!in.GetVarint(&n) || n > kExactLimit) return in.Fail();
    for (uint64_t i = 0; i < n; ++i) {
      uint64_t h;
      if (!in.GetFixed64(&h) || h == 0 || !InsertExact(h)) return in.Fail();
      hll_.Add(h);
    }
    return true;
  }

 private:
  static constexpr size_t kSlots = 2048;  // power of two, load at most ~0.5

  // Returns false when the hash was already present. 0 marks an empty slot, so a
  // zero hash is stored (and, when restored, re-added to the registers) as 1.
  bool InsertExact(uint64_t hash) {
    if (hash == 0) hash = 1;
    size_t i = hash & (kSlots - 1);
    for (; slots_[i] != 0; i = (i + 1) & (kSlots - 1)) {
      if (slots_[i] == hash) return false;
    }
    if (exact_size_ == kExactLimit) {
      DropExact();
      return true;
    }
    slots_[i] = hash;
    ++exact_size_;
    return true;
  }

  void DropExact() {
    exact_ = false;
    exact_size_ = 0;
    std::vector<uint64_t>().swap(slots_);
  }

  HyperLogLog hll_;
  bool exact_ = true;
  size_t exact_size_ = 0;
  std::vector<uint64_t> slots_;  // open addressing; empty once !exact_
};

}  // namespace citydata::catalog
