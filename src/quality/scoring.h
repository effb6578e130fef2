// Quality scores (0-100) from rule results.
//
// A rule's pass ratio is 1 - failed_ratio (1 when nothing was checked), whether or
// not it met its `mostly` threshold. Rules are weighted by severity: error 2,
// warning 1. A dimension's score is 100 × Σ(weight × pass ratio) / Σ weight over the
// rules of that dimension; dimensions without rules get no score. The overall score
// is the same weighted mean over all rules (100 for a plan without rules).
#pragma once

#include "quality/evaluator.h"

namespace citydata::quality {

inline constexpr double kErrorWeight = 2;
inline constexpr double kWarningWeight = 1;

double RuleWeight(Severity severity);

// Sets failed_ratio and passed of every rule from checked / failed / mostly, then
// run.score and run.dimensions.
void ComputeScores(RunResult& run);

}  // namespace citydata::quality
