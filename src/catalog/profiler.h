// Column profiling for the metadata catalog: one pass, bounded memory.
//
// A ColumnProfiler sees every value of one column and keeps, in about 90 KiB however
// many rows it sees:
//   - counts of rows, NULLs and empty strings;
//   - a distinct estimate: exact up to 1,000 distinct values, then HyperLogLog
//     (relative standard error 0.8%, within 2% in practice);
//   - min and max in the column's type order;
//   - the most frequent values, patterns and lengths;
//   - length statistics in characters (UTF-8 code points).
// A pattern maps ASCII digits to D, ASCII upper-case letters to A, lower-case to a,
// CJK ideographs to 汉 and keeps every other character, e.g. the ID number
// "11010519491231002X" has the pattern "DDDDDDDDDDDDDDDDDA" and "张三" has "汉汉".
//
// Profilers of the same column built over disjoint parts of a dataset can be merged,
// and their state persisted with Serialize(), so a profile is maintained across
// appends without rescanning old batches.
#pragma once

#include <cstdint>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/types.h"

namespace citydata::catalog {

struct ValueCount {
  std::string value;
  int64_t count = 0;

  friend bool operator==(const ValueCount&, const ValueCount&) = default;
};

// What Finish() reports. Every value is computed from non-NULL values only, except
// row_count and null_count.
struct ColumnProfile {
  std::string name;
  ColumnType type = ColumnType::kText;
  int64_t row_count = 0;  // values added, NULLs included
  int64_t null_count = 0;
  int64_t empty_count = 0;     // empty strings
  int64_t distinct_count = 0;  // exact up to 1,000 distinct values, then an estimate
  // Absent when the column has no value of its type. Integers render as digits,
  // decimals in the shortest form that reads back to the same double ("2.5", "1e+21"),
  // booleans as "false"/"true" (false < true), every other type is compared and shown
  // as text, byte by byte (ISO 8601 dates and timestamps sort chronologically).
  std::optional<std::string> min;
  std::optional<std::string> max;
  // At most 10, most frequent first, ties by bytes. Counts are exact when the column
  // has at most 512 distinct values. Otherwise a count may be low by at most
  // non-NULL rows / 256, and only values known to be more frequent than every value
  // not listed are reported (a column of unique values reports none).
  std::vector<ValueCount> top_values;
  int64_t min_length = 0;  // in characters; 0 when there is no non-NULL value
  int64_t max_length = 0;
  double mean_length = 0;
  // At most 20 lengths, most frequent first, ties by shorter length; value is the
  // length as text, with lengths above 255 counted together as ">255". Exact.
  std::vector<ValueCount> length_histogram;
  // At most 10, most frequent first, with the guarantees of top_values. A pattern is
  // cut after 64 characters and then ends in "…".
  std::vector<ValueCount> patterns;

  friend bool operator==(const ColumnProfile&, const ColumnProfile&) = default;
};

// Uses exactly the keys name, type (ColumnTypeName), row_count, null_count,
// empty_count, distinct_count, min, max (null when absent), top_values,
// min_length, max_length, mean_length, length_histogram and patterns; the lists
// are arrays of {"value", "count"} objects.
nlohmann::json ToJson(const ColumnProfile& p);
// The inverse of ToJson(). Lenient and never throws: a missing or mistyped key
// (including an unknown type name, read as text) keeps the ColumnProfile default.
ColumnProfile ColumnProfileFromJson(const nlohmann::json& j);

// Not thread-safe: use one profiler per column per thread and Merge() the results.
// A moved-from profiler may only be destroyed or assigned to.
class ColumnProfiler {
 public:
  ColumnProfiler(std::string name, ColumnType type);
  ~ColumnProfiler();
  ColumnProfiler(ColumnProfiler&&) noexcept;
  ColumnProfiler& operator=(ColumnProfiler&&) noexcept;

  // `value` is the converted cell (NULL for missing). Every non-NULL value counts
  // for distinct values, top values, lengths and patterns through its text form
  // (the string itself, or the canonical rendering of a number or boolean, see
  // ColumnProfile::min). Min and max follow the column's type: integer and decimal
  // columns compare int64/double values numerically (other alternatives and NaN are
  // skipped), boolean columns compare bool values, other columns compare the text
  // form. Amortized O(1) and allocation-free in the common case.
  void Add(const Value& value);

  // Adds `other`'s rows to this profile, as if they had been added here; the name is
  // kept. `other` may be *this. REQUIRES: other has the same column type.
  void Merge(const ColumnProfiler& other);

  ColumnProfile Finish() const;

  // Sketch state for persisting between ingests: a compact binary string that starts
  // with a version byte; 16 KiB plus the frequent items for high-cardinality columns.
  std::string Serialize() const;
  // Returns nullopt for input that is truncated, corrupt or from an unknown version.
  static std::optional<ColumnProfiler> Deserialize(std::string_view data);

 private:
  struct State;
  explicit ColumnProfiler(std::unique_ptr<State> state);

  std::unique_ptr<State> state_;
};

}  // namespace citydata::catalog
