// Row rules that look values up in another dataset: reference (values must exist in
// another dataset's column) and consistency (same key, compared columns must agree).
// The other dataset is read once, before the main pass, into a hash table.
#pragma once

#include <memory>

#include "core/status.h"
#include "quality/row_rules.h"
#include "quality/rule.h"
#include "storage/engine.h"

namespace citydata::quality {

// reference: a non-NULL, non-empty value fails when it is not among the text forms
// of the referenced column's values. NotFound when that dataset or column is missing.
// REQUIRES: rule.type is kReference and ValidateRule(rule) is OK.
Result<std::unique_ptr<RowCheck>> CompileReferenceCheck(const Rule& rule, const RowCheckEnv& env,
                                                        storage::Engine& engine);

// consistency: a row whose key is NULL or empty passes; a row whose key is absent from
// the other dataset passes unless require_match is set; otherwise it fails when no
// row of the other dataset with that key has equal values in every compared column
// (texts compared exactly; NULL and "" are equal, both meaning "missing").
// REQUIRES: rule.type is kConsistency and ValidateRule(rule) is OK.
Result<std::unique_ptr<RowCheck>> CompileConsistencyCheck(const Rule& rule, const RowCheckEnv& env,
                                                          storage::Engine& engine);

}  // namespace citydata::quality
