#include "sandbox/release.h"

#include <algorithm>
#include <cmath>

#include "sandbox/noise.h"

namespace citydata::sandbox {
namespace {

double Number(const Value& v) {
  if (const auto* i = std::get_if<int64_t>(&v)) return static_cast<double>(*i);
  if (const auto* d = std::get_if<double>(&v)) return *d;
  if (const auto* b = std::get_if<bool>(&v)) return *b ? 1 : 0;
  return 0;  // NULL (an empty group's sum) and text, which no aggregate returns
}

bool IsCount(AggregateKind kind) {
  return kind == AggregateKind::kCount || kind == AggregateKind::kCountDistinct;
}

// One aggregate value with its share of the noise.
Result<Value> Noisy(const Value& value, AggregateKind kind, double count_scale,
                    const ReleaseOptions& options) {
  if (kind == AggregateKind::kAvg) {
    return InvalidArgument("avg() cannot carry noise: ask for sum() and count() instead");
  }
  if (IsCount(kind)) {
    ASSIGN_OR_RETURN(double noise, LaplaceNoise(count_scale));
    return Value(std::max<int64_t>(0, std::llround(Number(value) + noise)));
  }
  if (options.sum_sensitivity <= 0) {
    return InvalidArgument("a noisy sum needs clip bounds: pass clip [lo, hi]");
  }
  ASSIGN_OR_RETURN(double noise, LaplaceNoise(count_scale * options.sum_sensitivity));
  return Value(Number(value) + noise);
}

}  // namespace

Result<Released> ReleaseRows(std::vector<std::vector<Value>> rows,
                             const std::vector<OutputColumn>& outputs,
                             const ReleaseOptions& options) {
  size_t aggregates = std::count_if(outputs.begin(), outputs.end(),
                                    [](const OutputColumn& o) { return o.aggregate.has_value(); });
  bool noisy = options.epsilon > 0;
  double scale = noisy ? static_cast<double>(aggregates + 1) / options.epsilon : 0;
  Released out;
  for (auto& row : rows) {
    if (row.size() != outputs.size() + 1) return Internal("the sandbox query returned a row of the wrong width");
    double count = Number(row[0]);
    if (noisy) {
      ASSIGN_OR_RETURN(double noise, LaplaceNoise(scale));
      count += noise;
    }
    if (count < static_cast<double>(options.k)) {
      ++out.suppressed_groups;
      continue;
    }
    std::vector<Value> released(row.begin() + 1, row.end());
    for (size_t i = 0; noisy && i < outputs.size(); ++i) {
      if (!outputs[i].aggregate) continue;
      ASSIGN_OR_RETURN(released[i], Noisy(released[i], *outputs[i].aggregate, scale, options));
    }
    out.rows.push_back(std::move(released));
  }
  return out;
}

}  // namespace citydata::sandbox
