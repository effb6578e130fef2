// Rules that judge the dataset as a whole — row_count, freshness, distribution —
// and sql rules, which count the rows a query returns.
//
// freshness and distribution read one column during the main pass through a
// ColumnAggregate per scan part; the verdict is made after merging. A dataset-level
// verdict has checked = 1 and failed = 0 or 1, an `observed` text and a `message`.
#pragma once

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "quality/cell.h"
#include "quality/evaluator.h"
#include "quality/rule.h"
#include "storage/engine.h"

namespace citydata::quality {

// What freshness and distribution need from one column. Not thread-safe: one per
// scan part, merged afterwards.
class ColumnAggregate {
 public:
  // Keeps the distinct values while there are at most `max_values` of them.
  ColumnAggregate(size_t max_values, int utc_offset_minutes)
      : max_values_(max_values), utc_offset_minutes_(utc_offset_minutes) {}

  void Add(const Cell& cell);
  void Merge(const ColumnAggregate& other);

  int64_t rows() const { return rows_; }
  // NULL or "" values.
  int64_t missing() const { return missing_; }
  int64_t numeric() const { return numeric_; }
  double mean() const { return mean_; }
  double stddev() const;  // population standard deviation of numeric values
  // Seconds since the epoch of the newest date / timestamp value.
  std::optional<int64_t> newest() const { return newest_; }
  // Distinct values with counts; nullopt once there were more than max_values.
  const std::optional<std::map<std::string, int64_t, std::less<>>>& values() const {
    return values_;
  }

 private:
  size_t max_values_;
  int utc_offset_minutes_;
  int64_t rows_ = 0;
  int64_t missing_ = 0;
  int64_t numeric_ = 0;
  double mean_ = 0;
  double m2_ = 0;  // Welford's sum of squared deviations
  std::optional<int64_t> newest_;
  std::optional<std::map<std::string, int64_t, std::less<>>> values_ =
      std::map<std::string, int64_t, std::less<>>();
};

// max_values for a distribution rule (default 50).
size_t DistributionMaxValues(const Rule& rule);

// Fills checked, failed, observed, message and metrics of `out`. `previous` is the
// previous run's metrics for the rule, or nullptr.
void FinishRowCount(const Rule& rule, int64_t rows, const nlohmann::json* previous,
                    RuleResult& out);
void FinishFreshness(const Rule& rule, const ColumnAggregate& column, int64_t now_unix_seconds,
                     RuleResult& out);
void FinishDistribution(const Rule& rule, const ColumnAggregate& column,
                        const nlohmann::json* previous, RuleResult& out);

// Runs an sql rule's query; every returned row is a failure (its "_row_id" column,
// when present, is the row id; `key_column`, when returned, the key). checked is
// `rows`. InvalidArgument / PermissionDenied when the query is rejected.
Status RunSqlRule(const Rule& rule, storage::Engine& engine, int64_t rows,
                  const std::string& key_column, int max_samples, const IssueSink& sink,
                  RuleResult& out);

}  // namespace citydata::quality
