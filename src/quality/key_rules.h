// unique and duplicate_rows: exact duplicate-key counting in bounded passes.
//
// Pass 1 (with every other rule): each part records a 64-bit hash per row and sorts
// its list (radix sort); merging the sorted lists yields the hashes seen more than
// once. Pass 2 (only when there are such hashes): rows whose hash is repeated are
// encoded exactly; grouping those by key gives the exact duplicate groups, so hash
// collisions never cause false failures.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

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

// Sorts ascending; linear time.
void SortHashes(std::vector<uint64_t>& hashes);

// The hashes occurring more than once over all `sorted_parts` (each sorted), sorted
// and without repeats.
std::vector<uint64_t> RepeatedHashes(const std::vector<std::vector<uint64_t>>& sorted_parts);

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
