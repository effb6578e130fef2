// unique and duplicate_rows: exact duplicate-key counting in bounded passes.
//
// Pass 1 (with every other rule): each part records a 64-bit hash per row with the
// row's id (PartHashes); the hashes seen more than once (RepeatedHashes) mark the
// candidate rows. Pass 2 (only when there are candidates) reads the candidates' key
// columns, by row id where the engine allows it, else by a filtered rescan; their keys
// are encoded exactly, and grouping those by key gives the exact duplicate groups, so
// hash collisions never cause false failures.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "core/mapped_array.h"
#include "quality/cell.h"

namespace citydata::quality {

class KeyRule {
 public:
  // `skip_null_keys`: rows with a NULL in any key column take no part (unique);
  // otherwise NULLs compare equal (duplicate_rows).
  KeyRule(std::vector<int> slots, bool skip_null_keys)
      : slots_(std::move(slots)), skip_null_keys_(skip_null_keys) {}

  const std::vector<int>& slots() const { return slots_; }

  // The row's key hash, or nullopt when the row takes no part.
  std::optional<uint64_t> Hash(std::span<const Cell> row) const;

  // An exact, unambiguous encoding of the row's key. REQUIRES: Hash(row) has a value.
  void EncodeKey(std::span<const Cell> row, std::string& out) const;

 private:
  std::vector<int> slots_;
  bool skip_null_keys_;
};

// The key hashes of one scan part's rows, in row order, with their row ids (kept as
// runs of consecutive ids: a few bytes for a densely numbered dataset). The hashes sit
// in a MappedArray: a part of a large dataset holds tens of megabytes of them.
class PartHashes {
 public:
  // REQUIRES: row ids increase from call to call.
  void Add(uint64_t hash, int64_t row_id) {
    if (hashes_.empty() || row_id != last_row_id_ + 1) {
      runs_.emplace_back(hashes_.size(), row_id);
    }
    hashes_.push_back(hash);
    last_row_id_ = row_id;
  }
  const MappedArray<uint64_t>& hashes() const { return hashes_; }
  // The id of the row whose hash is hashes()[index].
  int64_t row_id(size_t index) const;

 private:
  MappedArray<uint64_t> hashes_;
  std::vector<std::pair<size_t, int64_t>> runs_;  // (first index, its row id)
  int64_t last_row_id_ = 0;
};

// Membership of a fixed set of 64-bit values (open addressing), for testing every
// row's hash against the repeated ones.
class HashSet64 {
 public:
  explicit HashSet64(const std::vector<uint64_t>& values);
  bool contains(uint64_t v) const {
    if (v == 0) return has_zero_;
    for (size_t i = Slot(v);; i = (i + 1) & mask_) {
      if (slots_[i] == v) return true;
      if (slots_[i] == 0) return false;
    }
  }

 private:
  size_t Slot(uint64_t v) const {
    return static_cast<size_t>((v * 0x9E3779B97F4A7C15ull) >> 20) & mask_;
  }
  std::vector<uint64_t> slots_;  // 0 = empty
  size_t mask_ = 0;
  bool has_zero_ = false;
};

// The hashes occurring more than once over all `parts`, sorted and without repeats,
// found with `threads` threads. The hashes are first partitioned by their top bits
// (one pass, in parallel over parts); each partition is then small enough for a
// hash table in cache, so every hash costs a few nanoseconds instead of a sort's
// passes over the whole array.
std::vector<uint64_t> RepeatedHashes(const std::vector<const PartHashes*>& parts, int threads);

// The ids of the rows of `parts` whose hash RepeatedHashes finds, ascending.
std::vector<int64_t> RowsWithRepeatedHashes(const std::vector<const PartHashes*>& parts,
                                            int threads);

// A row seen in pass 2.
struct KeyHit {
  std::string key;  // EncodeKey
  int64_t row_id = 0;
  std::vector<std::optional<std::string>> values;
  std::string row_key;  // the plan's key column value, for issues
};

// Keeps the hits whose key occurs more than once, ordered by row id.
std::vector<KeyHit> DuplicateHits(std::vector<KeyHit> hits);

}  // namespace citydata::quality
