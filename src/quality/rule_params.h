// Typed access to rule parameters, shared by plan validation and the evaluator.
#pragma once

#include <chrono>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/status.h"
#include "core/types.h"
#include "quality/rule.h"

namespace citydata::quality {

// "90s", "30m", "24h", "7d", "2w" → seconds. InvalidArgument otherwise.
Result<std::chrono::seconds> ParseDuration(std::string_view text);

// A column of another dataset, written "zone.dataset.column".
struct ColumnRef {
  DatasetName dataset;
  std::string column;
};
Result<ColumnRef> ParseColumnRef(std::string_view text);

// A consistency rule's parameters, defaults applied.
struct ConsistencySpec {
  std::string key;
  DatasetName other;
  std::string other_key;                                     // defaults to key
  std::vector<std::pair<std::string, std::string>> compare;  // (this column, other column)
  bool require_match = false;                                // a key missing from `other` fails too
};
// REQUIRES: ValidateRule(rule) is OK and rule.type is kConsistency.
ConsistencySpec GetConsistencySpec(const Rule& rule);

// Number, string or bool parameters with a default.
double ParamDouble(const Rule& rule, std::string_view field, double fallback);
bool ParamBool(const Rule& rule, std::string_view field, bool fallback);
std::string ParamString(const Rule& rule, std::string_view field);

// The text of a scalar parameter value as rules compare it: strings as they are,
// integers in decimal, other numbers in the shortest form, booleans "true"/"false".
std::string ScalarText(const nlohmann::json& value);

}  // namespace citydata::quality
