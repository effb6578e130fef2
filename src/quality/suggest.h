// Rule suggestions from column profiles (Deequ-style constraint suggestion).
//
// For each profiled column, in this order:
//   - not_null when the column has no NULLs, or not_null with `mostly` (rounded
//     down to 0.01) when at most max_null_ratio of its rows are NULL;
//   - id_card when at least pattern_share of non-NULL values have the ID-number
//     patterns DDDDDDDDDDDDDDDDDD / DDDDDDDDDDDDDDDDDA (mostly = that share, rounded
//     down), mobile likewise for 11 digits starting with 1;
//   - unique when every row has a distinct non-NULL value;
//   - in_set with the values when there are at most max_set_values distinct values,
//     values repeat, and the top values account for every non-NULL row;
//   - range [min, max] for integer and decimal columns.
// Plus one dataset rule: row_count with min 1. The result is a plan for
// PlanToYaml(); ids follow the defaults ("not_null_<column>"...).
#pragma once

#include <cstdint>
#include <vector>

#include "catalog/profiler.h"
#include "core/types.h"
#include "quality/rule.h"

namespace citydata::quality {

struct SuggestOptions {
  double max_null_ratio = 0.01;
  double pattern_share = 0.9;
  int64_t max_set_values = 10;
};

RulePlan SuggestRules(const DatasetName& dataset,
                      const std::vector<catalog::ColumnProfile>& profiles,
                      const SuggestOptions& options = {});

}  // namespace citydata::quality
