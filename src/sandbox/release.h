// What leaves the sandbox: the groups of a checked query that aggregate at least k
// source rows, with Laplace noise on their counts and sums when the query asks for it.
//
// Thread safety: the function is pure apart from drawing noise; safe from many threads.
#pragma once

#include <cstdint>
#include <vector>

#include "core/status.h"
#include "core/types.h"
#include "sandbox/checker.h"

namespace citydata::sandbox {

struct ReleaseOptions {
  int64_t k = 10;       // groups of fewer source rows are suppressed
  double epsilon = 0;   // 0: exact answers; > 0: the query's whole privacy cost
  // With epsilon: how much one row can change a sum or total (max(|lo|, |hi|) of the
  // clip the query was run with). Required when the query has a sum or total.
  double sum_sensitivity = 0;
};

struct Released {
  std::vector<std::vector<Value>> rows;  // one value per output column
  int64_t suppressed_groups = 0;
};

// `rows` as the engine returned them, each starting with its group's source-row count
// followed by one value per entry of `outputs`.
//
// Without epsilon a group is released when its true count is >= k. With epsilon the
// cost is split evenly over the row count and every aggregate column (sequential
// composition; the groups are disjoint, so each column's cost is paid once): the row
// count gets noise of scale (1 + aggregates) / epsilon and the group is released when
// the noisy count is >= k; counts get the same scale and are rounded and floored at 0;
// sums and totals get sum_sensitivity times it (a NULL sum counts as 0); averages are
// refused (InvalidArgument: ask for the sum and the count instead). Group keys are
// released as they are.
Result<Released> ReleaseRows(std::vector<std::vector<Value>> rows,
                             const std::vector<OutputColumn>& outputs,
                             const ReleaseOptions& options);

}  // namespace citydata::sandbox
