// Column profiling for the metadata catalog: one pass, bounded memory.
//
// A ColumnProfiler sees every value of one column (as ingested text plus its
// converted type) and keeps: counts (rows, nulls, empty strings), a HyperLogLog
// distinct estimate (error within 2%), min/max in the column's type order, the top
// values with counts (space-saving sketch, exact for low-cardinality columns), value
// length statistics, and the most common value patterns, where a pattern maps
// digits to D, ASCII letters to a/A, CJK characters to 汉 and keeps other characters
// (e.g. "11010519491231002X" → "DDDDDDDDDDDDDDDDDA" is written as ... "DDDDDDDDDDDDDDDDDX"?
// No: letters map to A, so it is "DDDDDDDDDDDDDDDDDA").
//
// Profilers of the same column built over disjoint parts of a dataset can be merged,
// so a profile is maintained across appends without rescanning old batches.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/types.h"

namespace citydata::catalog {

struct ValueCount {
  std::string value;
  int64_t count = 0;
};

struct ColumnProfile {
  std::string name;
  ColumnType type = ColumnType::kText;
  int64_t row_count = 0;
  int64_t null_count = 0;
  int64_t empty_count = 0;
  int64_t distinct_count = 0;  // estimate
  std::optional<std::string> min;  // rendered as text; numbers in their canonical form
  std::optional<std::string> max;
  std::vector<ValueCount> top_values;  // most frequent first, at most 10
  int64_t min_length = 0;               // in characters (UTF-8 code points), non-null values
  int64_t max_length = 0;
  double mean_length = 0;
  std::vector<ValueCount> length_histogram;  // value = length as text, most frequent first
  std::vector<ValueCount> patterns;          // most frequent first, at most 10
};

nlohmann::json ToJson(const ColumnProfile& p);
ColumnProfile ColumnProfileFromJson(const nlohmann::json& j);

class ColumnProfiler {
 public:
  ColumnProfiler(std::string name, ColumnType type);
  ~ColumnProfiler();
  ColumnProfiler(ColumnProfiler&&) noexcept;
  ColumnProfiler& operator=(ColumnProfiler&&) noexcept;

  // `value` is the converted cell (NULL for missing). Text values are profiled as text;
  // numbers compare numerically for min/max.
  void Add(const Value& value);
  // Merges a profiler of the same column over other rows.
  void Merge(const ColumnProfiler& other);

  ColumnProfile Finish() const;

  // Sketch state for persisting between ingests (binary-safe string) and restoring.
  std::string Serialize() const;
  static std::optional<ColumnProfiler> Deserialize(std::string_view data);

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace citydata::catalog
