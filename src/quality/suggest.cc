#include "quality/suggest.h"

#include <cmath>
#include <set>

#include "quality/value_checks.h"

namespace citydata::quality {
namespace {

using nlohmann::json;

double FloorHundredth(double ratio) { return std::floor(ratio * 100 + 1e-9) / 100; }

Rule MakeRule(RuleType type, const std::string& column) {
  Rule rule;
  rule.type = type;
  rule.severity = DefaultSeverity(type);
  rule.dimension = DefaultDimension(type);
  if (!column.empty()) rule.columns = {column};
  return rule;
}

double PatternShare(const catalog::ColumnProfile& p, const std::set<std::string>& patterns,
                    int64_t non_null) {
  int64_t n = 0;
  for (const auto& vc : p.patterns) {
    if (patterns.contains(vc.value)) n += vc.count;
  }
  return non_null > 0 ? static_cast<double>(n) / static_cast<double>(non_null) : 0;
}

void SuggestNotNull(const catalog::ColumnProfile& p, const SuggestOptions& o,
                    std::vector<Rule>& out) {
  double null_ratio = static_cast<double>(p.null_count) / static_cast<double>(p.row_count);
  if (null_ratio > o.max_null_ratio) return;
  Rule rule = MakeRule(RuleType::kNotNull, p.name);
  rule.mostly = p.null_count == 0 ? 1.0 : FloorHundredth(1 - null_ratio);
  out.push_back(std::move(rule));
}

void SuggestFormat(const catalog::ColumnProfile& p, const SuggestOptions& o, int64_t non_null,
                   std::vector<Rule>& out) {
  static const std::set<std::string> kId = {"DDDDDDDDDDDDDDDDDD", "DDDDDDDDDDDDDDDDDA"};
  static const std::set<std::string> kMobile = {"DDDDDDDDDDD"};
  double id_share = PatternShare(p, kId, non_null);
  if (id_share >= o.pattern_share) {
    Rule rule = MakeRule(RuleType::kIdCard, p.name);
    rule.mostly = FloorHundredth(id_share);
    out.push_back(std::move(rule));
    return;
  }
  double mobile_share = PatternShare(p, kMobile, non_null);
  bool starts_with_1 = p.min && p.max && !p.min->empty() && (*p.min)[0] == '1' && !p.max->empty() &&
                       (*p.max)[0] == '1';
  if (mobile_share >= o.pattern_share && starts_with_1) {
    Rule rule = MakeRule(RuleType::kMobile, p.name);
    rule.mostly = FloorHundredth(mobile_share);
    out.push_back(std::move(rule));
  }
}

void SuggestValues(const catalog::ColumnProfile& p, const SuggestOptions& o, int64_t non_null,
                   std::vector<Rule>& out) {
  if (p.null_count == 0 && p.distinct_count >= p.row_count && p.row_count >= 2) {
    out.push_back(MakeRule(RuleType::kUnique, p.name));
    return;
  }
  int64_t covered = 0;
  json values = json::array();
  for (const auto& vc : p.top_values) {
    covered += vc.count;
    values.push_back(vc.value);
  }
  if (p.distinct_count <= o.max_set_values && p.distinct_count < non_null && covered == non_null &&
      !values.empty()) {
    Rule rule = MakeRule(RuleType::kInSet, p.name);
    rule.params["values"] = std::move(values);
    out.push_back(std::move(rule));
  }
}

void SuggestRange(const catalog::ColumnProfile& p, std::vector<Rule>& out) {
  if (p.type != ColumnType::kInteger && p.type != ColumnType::kDecimal) return;
  if (!p.min || !p.max) return;
  auto lo = ParseNumber(*p.min), hi = ParseNumber(*p.max);
  if (!lo || !hi) return;
  Rule rule = MakeRule(RuleType::kRange, p.name);
  if (p.type == ColumnType::kInteger) {
    rule.params["min"] = static_cast<int64_t>(*lo);
    rule.params["max"] = static_cast<int64_t>(*hi);
  } else {
    rule.params["min"] = *lo;
    rule.params["max"] = *hi;
  }
  out.push_back(std::move(rule));
}

}  // namespace

RulePlan SuggestRules(const DatasetName& dataset,
                      const std::vector<catalog::ColumnProfile>& profiles,
                      const SuggestOptions& options) {
  RulePlan plan;
  plan.dataset = dataset;
  std::vector<Rule> rules;
  for (const auto& p : profiles) {
    if (p.row_count == 0) continue;
    int64_t non_null = p.row_count - p.null_count;
    SuggestNotNull(p, options, rules);
    if (non_null == 0) continue;
    SuggestFormat(p, options, non_null, rules);
    SuggestValues(p, options, non_null, rules);
    SuggestRange(p, rules);
  }
  Rule count = MakeRule(RuleType::kRowCount, "");
  count.params["min"] = 1;
  rules.push_back(std::move(count));
  std::set<std::string> taken;
  for (Rule& r : rules) {
    std::string base(RuleTypeName(r.type));
    if (!r.columns.empty()) base += "_" + r.columns.front();
    r.id = base;
    for (int n = 2; taken.contains(r.id); ++n) r.id = base + "_" + std::to_string(n);
    taken.insert(r.id);
  }
  plan.rules = std::move(rules);
  return plan;
}

}  // namespace citydata::quality
