// Frequent items: a Misra-Gries summary with batched decrements (private to catalog).
//
// Keeps at most kMaxItems counters. While a column has at most kMaxItems distinct
// items no counter is ever decremented and every count is exact. When a new item
// arrives and the table is full, every counter is decreased by the median count and
// counters that reach zero are dropped (at least half of them), as in Apache
// DataSketches' frequent-items sketch; this costs O(kMaxItems) once per at least
// kMaxItems / 2 new items, so Add() is amortized O(1) and allocation-free once the
// item strings have grown to their usual length.
//
// Guarantees, with n the total weight added and offset() the sum of the decrements:
//   count(x) <= true(x) <= count(x) + offset(),   offset() <= n / (kMaxItems / 2).
// An item that is not held has true count <= offset(). Merging two summaries keeps
// both guarantees for the combined stream. Not thread-safe; copyable.
#pragma once

#include <algorithm>
#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "catalog/sketch_hash.h"
#include "core/byte_codec.h"

namespace citydata::catalog {

class FrequentItems {
 public:
  static constexpr size_t kMaxItems = 512;

  struct Entry {
    std::string_view item;
    int64_t count;
  };

  FrequentItems() : items_(kMaxItems), index_(kIndexSize, 0) {}

  // REQUIRES: hash == Hash64(item), count > 0.
  void Add(std::string_view item, uint64_t hash, int64_t count = 1) {
    size_t slot = hash & (kIndexSize - 1);
    for (; index_[slot] != 0; slot = (slot + 1) & (kIndexSize - 1)) {
      Item& held = items_[index_[slot] - 1];
      if (held.hash == hash && held.value == item) {
        held.count += count;
        return;
      }
    }
    if (size_ == kMaxItems) {
      Purge();
      slot = FreeSlot(hash);
    }
    Item& added = items_[size_];
    added.hash = hash;
    added.count = count;
    added.value.assign(item);
    index_[slot] = static_cast<uint16_t>(++size_);
  }

  // REQUIRES: &other != this.
  void Merge(const FrequentItems& other) {
    offset_ += other.offset_;
    for (size_t i = 0; i < other.size_; ++i) {
      Add(other.items_[i].value, other.items_[i].hash, other.items_[i].count);
    }
  }

  int64_t offset() const { return offset_; }

  // The at most `limit` items whose lower-bound count exceeds offset(), i.e. items
  // known to be more frequent than any item not held; most frequent first, ties by
  // bytes. Views stay valid until the next non-const call.
  std::vector<Entry> Top(size_t limit) const {
    std::vector<Entry> top;
    for (size_t i = 0; i < size_; ++i) {
      if (items_[i].count > offset_) top.push_back({items_[i].value, items_[i].count});
    }
    std::sort(top.begin(), top.end(), [](const Entry& a, const Entry& b) {
      return a.count != b.count ? a.count > b.count : a.item < b.item;
    });
    if (top.size() > limit) top.resize(limit);
    return top;
  }

  // The offset, the number of items, then each item's bytes and count.
  void EncodeTo(ByteEncoder& out) const {
    out.PutVarint(static_cast<uint64_t>(offset_));
    out.PutVarint(size_);
    for (size_t i = 0; i < size_; ++i) {
      out.PutBytes(items_[i].value);
      out.PutVarint(static_cast<uint64_t>(items_[i].count));
    }
  }

  // REQUIRES: *this is freshly constructed. Rejects duplicate items, counts below 1
  // and an offset plus counts above `max_total` (the weight the summary has seen).
  bool DecodeFrom(ByteDecoder& in, int64_t max_total) {
    uint64_t n;
    if (!in.GetCount(&offset_) || offset_ > max_total || !in.GetVarint(&n) || n > kMaxItems) {
      return in.Fail();
    }
    int64_t budget = max_total - offset_;
    for (uint64_t i = 0; i < n; ++i) {
      std::string_view item;
      int64_t count;
      if (!in.GetBytes(&item) || !in.GetCount(&count) || count < 1 || count > budget) {
        return in.Fail();
      }
      budget -= count;
      uint64_t hash = Hash64(item);
      if (Contains(item, hash)) return in.Fail();
      Add(item, hash, count);
    }
    return true;
  }

 private:
  static constexpr size_t kIndexSize = 2 * kMaxItems;  // power of two

  struct Item {
    uint64_t hash = 0;
    int64_t count = 0;
    std::string value;
  };

  bool Contains(std::string_view item, uint64_t hash) const {
    for (size_t slot = hash & (kIndexSize - 1); index_[slot] != 0;
         slot = (slot + 1) & (kIndexSize - 1)) {
      const Item& held = items_[index_[slot] - 1];
      if (held.hash == hash && held.value == item) return true;
    }
    return false;
  }

  size_t FreeSlot(uint64_t hash) const {
    size_t slot = hash & (kIndexSize - 1);
    while (index_[slot] != 0) slot = (slot + 1) & (kIndexSize - 1);
    return slot;
  }

  // Subtracts the median count from every counter and drops those left at zero or
  // below. Dropped items' strings move to the spare tail, keeping their capacity.
  void Purge() {
    std::array<int64_t, kMaxItems> counts{};
    for (size_t i = 0; i < size_; ++i) counts[i] = items_[i].count;
    auto median = counts.begin() + static_cast<std::ptrdiff_t>(size_ / 2);
    std::nth_element(counts.begin(), median, counts.begin() + static_cast<std::ptrdiff_t>(size_));
    int64_t decrement = *median;
    offset_ += decrement;
    size_t kept = 0;
    for (size_t i = 0; i < size_; ++i) {
      items_[i].count -= decrement;
      if (items_[i].count > 0) std::swap(items_[kept++], items_[i]);
    }
    size_ = kept;
    std::fill(index_.begin(), index_.end(), 0);
    for (size_t i = 0; i < size_; ++i)
      index_[FreeSlot(items_[i].hash)] = static_cast<uint16_t>(i + 1);
  }

  std::vector<Item> items_;  // [0, size_) live; the rest are spare slots
  size_t size_ = 0;
  std::vector<uint16_t> index_;  // open addressing: 0 empty, else position + 1
  int64_t offset_ = 0;
};

}  // namespace citydata::catalog
