#include "quality/key_rules.h"

#include <algorithm>
#include <functional>

namespace citydata::quality {
namespace {

constexpr uint64_t kNullHash = 0x9E3779B97F4A7C15ull;

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

void SortHashes(std::vector<uint64_t>& hashes) {
  if (hashes.size() < 4096) {
    std::sort(hashes.begin(), hashes.end());
    return;
  }
  std::vector<uint64_t> buffer(hashes.size());
  for (int shift = 0; shift < 64; shift += 16) {
    std::vector<size_t> offsets(65537, 0);
    for (uint64_t h : hashes) ++offsets[((h >> shift) & 0xFFFF) + 1];
    for (size_t i = 1; i < offsets.size(); ++i) offsets[i] += offsets[i - 1];
    for (uint64_t h : hashes) buffer[offsets[(h >> shift) & 0xFFFF]++] = h;
    hashes.swap(buffer);
  }
}

std::vector<uint64_t> RepeatedHashes(const std::vector<std::vector<uint64_t>>& sorted_parts) {
  std::vector<uint64_t> all;
  for (const auto& part : sorted_parts) {
    size_t mid = all.size();
    all.insert(all.end(), part.begin(), part.end());
    std::inplace_merge(all.begin(), all.begin() + static_cast<std::ptrdiff_t>(mid), all.end());
  }
  std::vector<uint64_t> repeated;
  for (size_t i = 1; i < all.size(); ++i) {
    if (all[i] == all[i - 1] && (repeated.empty() || repeated.back() != all[i])) {
      repeated.push_back(all[i]);
    }
  }
  return repeated;
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
