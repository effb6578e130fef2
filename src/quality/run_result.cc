#include <algorithm>

#include "quality/evaluator.h"
#include "quality/scoring.h"

namespace citydata::quality {

using nlohmann::json;

double RuleWeight(Severity severity) {
  return severity == Severity::kError ? kErrorWeight : kWarningWeight;
}

void ComputeScores(RunResult& run) {
  std::map<Dimension, std::pair<double, double>> sums;  // Σ w·ratio, Σ w
  double total = 0, weight = 0;
  for (RuleResult& r : run.rules) {
    r.failed_ratio =
        r.checked > 0 ? static_cast<double>(r.failed) / static_cast<double>(r.checked) : 0;
    double pass_ratio = 1 - r.failed_ratio;
    // A tolerance so that e.g. 99 of 100 meets mostly: 0.99 despite rounding.
    r.passed = pass_ratio + 1e-12 >= r.mostly;
    double w = RuleWeight(r.severity);
    sums[r.dimension].first += w * pass_ratio;
    sums[r.dimension].second += w;
    total += w * pass_ratio;
    weight += w;
  }
  run.score = weight > 0 ? 100 * total / weight : 100;
  run.dimensions.clear();
  for (const auto& [d, s] : sums) run.dimensions[d] = 100 * s.first / s.second;
}

bool GatePassed(const RunResult& run) {
  return std::all_of(run.rules.begin(), run.rules.end(),
                     [](const RuleResult& r) { return !r.gate || r.passed; });
}

namespace {

json ToJson(const Sample& s) {
  json values = json::array();
  for (const auto& v : s.values) values.push_back(v ? json(*v) : json(nullptr));
  json j = {{"row_id", s.row_id}, {"values", std::move(values)}};
  if (!s.detail.empty()) j["detail"] = s.detail;
  return j;
}

json ToJson(const RuleResult& r) {
  json samples = json::array();
  for (const auto& s : r.samples) samples.push_back(ToJson(s));
  return {{"id", r.id},
          {"type", RuleTypeName(r.type)},
          {"column", r.columns.empty() ? json(nullptr) : json(r.columns.front())},
          {"columns", r.columns},
          {"dimension", DimensionName(r.dimension)},
          {"severity", SeverityName(r.severity)},
          {"mostly", r.mostly},
          {"gate", r.gate},
          {"checked", r.checked},
          {"failed", r.failed},
          {"failed_ratio", r.failed_ratio},
          {"passed", r.passed},
          {"warnings", r.warnings},
          {"samples", std::move(samples)},
          {"observed", r.observed},
          {"message", r.message},
          {"metrics", r.metrics}};
}

}  // namespace

json ToJson(const RunResult& run) {
  json dimensions = json::object();
  for (const auto& [d, score] : run.dimensions) dimensions[std::string(DimensionName(d))] = score;
  json rules = json::array();
  for (const auto& r : run.rules) rules.push_back(ToJson(r));
  return {{"dataset", run.dataset.ToString()},
          {"run_id", ""},
          {"rows", run.rows},
          {"score", run.score},
          {"seconds", run.seconds},
          {"dimensions", std::move(dimensions)},
          {"gate_passed", GatePassed(run)},
          {"rules", std::move(rules)}};
}

}  // namespace citydata::quality
