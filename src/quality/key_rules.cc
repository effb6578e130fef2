#include "quality/key_rules.h"

#include <algorithm>
#include <functional>
#include <thread>

namespace citydata::quality {
namespace {

constexpr uint64_t kNullHash = 0x9E3779B97F4A7C15ull;

// The hashes of one partition seen so far, in an open-addressing table that grows with
// the distinct hashes (a partition of one hash repeated 10M times stays one slot).
class RepeatFinder {
 public:
  // Starts over for a partition of `n` hashes.
  void Reset(size_t n) {
    size_t capacity = 16;
    while (capacity < 2 * std::min<size_t>(n, size_t{1} << 16)) capacity *= 2;
    table_.assign(capacity, 0);
    reported_.assign(capacity, 0);
    used_ = 0;
    zeros_ = 0;
  }

  // True exactly once per hash: the second time it is seen.
  bool SeenSecondTime(uint64_t h) {
    if (h == 0) return ++zeros_ == 2;  // 0 marks an empty slot
    size_t slot = Find(h);
    if (table_[slot] == h) {
      if (reported_[slot]) return false;
      reported_[slot] = 1;
      return true;
    }
    table_[slot] = h;
    if (++used_ * 2 > table_.size()) Grow();
    return false;
  }

 private:
  // The slot holding h, or the empty slot where it belongs. The low bits are
  // independent of the partition's top bits.
  size_t Find(uint64_t h) const {
    const size_t mask = table_.size() - 1;
    size_t slot = static_cast<size_t>(h) & mask;
    while (table_[slot] != 0 && table_[slot] != h) slot = (slot + 1) & mask;
    return slot;
  }

  void Grow() {
    std::vector<uint64_t> old_table(table_.size() * 2, 0);
    std::vector<uint8_t> old_reported(table_.size() * 2, 0);
    old_table.swap(table_);
    old_reported.swap(reported_);
    for (size_t i = 0; i < old_table.size(); ++i) {
      if (old_table[i] == 0) continue;
      const size_t slot = Find(old_table[i]);
      table_[slot] = old_table[i];
      reported_[slot] = old_reported[i];
    }
  }

  std::vector<uint64_t> table_;
  std::vector<uint8_t> reported_;  // per slot: its hash was reported
  size_t used_ = 0;
  size_t zeros_ = 0;
};

// Runs fn(0) ... fn(n - 1) at once, fn(0) on the calling thread.
void RunParallel(size_t n, const std::function<void(size_t)>& fn) {
  std::vector<std::thread> threads;
  for (size_t i = 1; i < n; ++i) threads.emplace_back(fn, i);
  if (n > 0) fn(0);
  for (auto& t : threads) t.join();
}

uint64_t Mix(uint64_t h, uint64_t v) {
  h ^= v + 0x9E3779B97F4A7C15ull + (h << 6) + (h >> 2);
  h ^= h >> 33;
  h *= 0xFF51AFD7ED558CCDull;
  return h ^ (h >> 33);
}

}  // namespace

std::optional<uint64_t> KeyRule::Hash(std::span<const Cell> row) const {
  uint64_t h = 0;
  for (int slot : slots_) {
    const Cell& cell = row[static_cast<size_t>(slot)];
    if (cell.null && skip_null_keys_) return std::nullopt;
    h = Mix(h, cell.null ? kNullHash : std::hash<std::string_view>{}(cell.text));
  }
  return h;
}

void KeyRule::EncodeKey(std::span<const Cell> row, std::string& out) const {
  out.clear();
  for (int slot : slots_) {
    const Cell& cell = row[static_cast<size_t>(slot)];
    if (cell.null) {
      out += 'N';
      continue;
    }
    auto n = static_cast<uint32_t>(cell.text.size());
    out += 'V';
    out.append(reinterpret_cast<const char*>(&n), sizeof n);
    out.append(cell.text);
  }
}

int64_t PartHashes::row_id(size_t index) const {
  auto run = std::upper_bound(runs_.begin(), runs_.end(), index,
                              [](size_t i, const auto& r) { return i < r.first; });
  --run;
  return run->second + static_cast<int64_t>(index - run->first);
}

HashSet64::HashSet64(const std::vector<uint64_t>& values) {
  size_t capacity = 16;
  while (capacity < values.size() * 2) capacity *= 2;
  slots_.assign(capacity, 0);
  mask_ = capacity - 1;
  for (uint64_t v : values) {
    if (v == 0) {
      has_zero_ = true;
      continue;
    }
    size_t i = Slot(v);
    while (slots_[i] != 0 && slots_[i] != v) i = (i + 1) & mask_;
    slots_[i] = v;
  }
}

std::vector<uint64_t> RepeatedHashes(const std::vector<const PartHashes*>& parts, int threads) {
  // Partition each part's hashes by their top kBucketBits bits, in place of a sort:
  // a partition of a 10M-row dataset is ~10K hashes, 80 KB.
  constexpr int kBucketBits = 10;
  constexpr size_t kBuckets = size_t{1} << kBucketBits;
  auto bucket_of = [](uint64_t h) { return static_cast<size_t>(h >> (64 - kBucketBits)); };
  std::vector<MappedArray<uint64_t>> partitioned(parts.size());
  // starts[p][b]: where part p's bucket b begins in partitioned[p]; one past the end last.
  std::vector<std::vector<size_t>> starts(parts.size(), std::vector<size_t>(kBuckets + 1, 0));
  RunParallel(parts.size(), [&](size_t p) {
    const MappedArray<uint64_t>& hashes = parts[p]->hashes();
    std::vector<size_t>& start = starts[p];
    for (uint64_t h : hashes) ++start[bucket_of(h) + 1];
    for (size_t b = 1; b <= kBuckets; ++b) start[b] += start[b - 1];
    std::vector<size_t> next(start.begin(), start.end() - 1);
    partitioned[p].resize(hashes.size());
    for (uint64_t h : hashes) partitioned[p][next[bucket_of(h)]++] = h;
  });
  // Each thread takes a contiguous range of buckets; bucket order is hash order, so
  // the ranges' results, each sorted, concatenate sorted.
  const size_t workers = static_cast<size_t>(std::max(1, threads));
  std::vector<std::vector<uint64_t>> found(workers);
  RunParallel(workers, [&](size_t w) {
    RepeatFinder finder;
    std::vector<uint64_t>& out = found[w];
    for (size_t b = kBuckets * w / workers; b < kBuckets * (w + 1) / workers; ++b) {
      size_t n = 0;
      for (size_t p = 0; p < parts.size(); ++p) n += starts[p][b + 1] - starts[p][b];
      finder.Reset(n);
      const size_t first_found = out.size();
      for (size_t p = 0; p < parts.size(); ++p) {
        for (size_t i = starts[p][b]; i < starts[p][b + 1]; ++i) {
          const uint64_t h = partitioned[p][i];
          if (finder.SeenSecondTime(h)) out.push_back(h);
        }
      }
      std::sort(out.begin() + static_cast<std::ptrdiff_t>(first_found), out.end());
    }
  });
  std::vector<uint64_t> repeated;
  for (const auto& f : found) repeated.insert(repeated.end(), f.begin(), f.end());
  return repeated;
}

std::vector<int64_t> RowsWithRepeatedHashes(const std::vector<const PartHashes*>& parts,
                                            int threads) {
  std::vector<uint64_t> repeated = RepeatedHashes(parts, threads);
  if (repeated.empty()) return {};
  HashSet64 set(repeated);
  std::vector<std::vector<int64_t>> rows(parts.size());
  RunParallel(parts.size(), [&](size_t p) {
    const MappedArray<uint64_t>& hashes = parts[p]->hashes();
    for (size_t i = 0; i < hashes.size(); ++i) {
      if (set.contains(hashes[i])) rows[p].push_back(parts[p]->row_id(i));
    }
  });
  std::vector<int64_t> out;
  for (const auto& r : rows) out.insert(out.end(), r.begin(), r.end());
  std::sort(out.begin(), out.end());
  return out;
}

std::vector<KeyHit> DuplicateHits(std::vector<KeyHit> hits) {
  std::sort(hits.begin(), hits.end(), [](const KeyHit& a, const KeyHit& b) {
    return a.key != b.key ? a.key < b.key : a.row_id < b.row_id;
  });
  std::vector<KeyHit> out;
  for (size_t i = 0; i < hits.size();) {
    size_t j = i;
    while (j < hits.size() && hits[j].key == hits[i].key) ++j;
    if (j - i > 1) {
      for (size_t k = i; k < j; ++k) out.push_back(std::move(hits[k]));
    }
    i = j;
  }
  std::sort(out.begin(), out.end(),
            [](const KeyHit& a, const KeyHit& b) { return a.row_id < b.row_id; });
  return out;
}

}  // namespace citydata::quality
