#include "quality/dataset_rules.h"

#include <cmath>
#include <cstdio>
#include <limits>
#include <set>

#include "quality/rule_params.h"
#include "quality/scan.h"
#include "quality/value_checks.h"

namespace citydata::quality {
namespace {

using nlohmann::json;

std::string FormatSeconds(int64_t unix_seconds, int utc_offset_minutes) {
  int64_t local = unix_seconds + int64_t{utc_offset_minutes} * 60;
  int64_t days = local >= 0 ? local / 86400 : (local - 86399) / 86400;
  int64_t sod = local - days * 86400;
  char buf[16];
  std::snprintf(buf, sizeof buf, "%02d:%02d:%02d", static_cast<int>(sod / 3600),
                static_cast<int>(sod / 60 % 60), static_cast<int>(sod % 60));
  return FormatDays(static_cast<int32_t>(days)) + "T" + buf;
}

std::string Percent(double ratio) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f%%", ratio * 100);
  return buf;
}

std::string Number(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.6g", v);
  return buf;
}

void SetVerdict(RuleResult& out, bool ok) {
  out.checked = 1;
  out.failed = ok ? 0 : 1;
}

// Relative change in percent of `now` against `before`.
double ChangePercent(double now, double before) {
  if (before == 0) return now == 0 ? 0 : std::numeric_limits<double>::infinity();
  return std::fabs(now - before) / std::fabs(before) * 100;
}

}  // namespace

void ColumnAggregate::Add(const Cell& cell) {
  ++rows_;
  if (cell.null || cell.text.empty()) {
    ++missing_;
    return;
  }
  std::optional<double> number;
  if (const auto* i = std::get_if<int64_t>(cell.value)) {
    number = static_cast<double>(*i);
  } else if (const auto* d = std::get_if<double>(cell.value)) {
    number = *d;
  } else {
    number = ParseNumber(cell.text);
  }
  if (number) {
    ++numeric_;
    double delta = *number - mean_;
    mean_ += delta / static_cast<double>(numeric_);
    m2_ += delta * (*number - mean_);
  } else if (auto t = ParseTimestampSeconds(cell.text, utc_offset_minutes_)) {
    if (!newest_ || *t > *newest_) newest_ = t;
  } else if (auto days = ParseCommonDateDays(cell.text)) {
    int64_t t2 = int64_t{*days} * 86400 - int64_t{utc_offset_minutes_} * 60;
    if (!newest_ || t2 > *newest_) newest_ = t2;
  }
  if (values_) {
    auto it = values_->find(cell.text);
    if (it != values_->end()) {
      ++it->second;
    } else if (values_->size() < max_values_) {
      values_->emplace(std::string(cell.text), 1);
    } else {
      values_.reset();
    }
  }
}

void ColumnAggregate::Merge(const ColumnAggregate& other) {
  rows_ += other.rows_;
  missing_ += other.missing_;
  if (other.numeric_ > 0) {
    // Chan et al.'s parallel variance combination.
    auto n = static_cast<double>(numeric_ + other.numeric_);
    double delta = other.mean_ - mean_;
    m2_ += other.m2_ +
           delta * delta * static_cast<double>(numeric_) * static_cast<double>(other.numeric_) / n;
    mean_ += delta * static_cast<double>(other.numeric_) / n;
    numeric_ += other.numeric_;
  }
  if (other.newest_ && (!newest_ || *other.newest_ > *newest_)) newest_ = other.newest_;
  if (values_ && other.values_) {
    for (const auto& [v, c] : *other.values_) (*values_)[v] += c;
    if (values_->size() > max_values_) values_.reset();
  } else {
    values_.reset();
  }
}

double ColumnAggregate::stddev() const {
  return numeric_ > 0 ? std::sqrt(m2_ / static_cast<double>(numeric_)) : 0;
}

size_t DistributionMaxValues(const Rule& rule) {
  return static_cast<size_t>(rule.params.value("max_values", int64_t{50}));
}

void FinishRowCount(const Rule& rule, int64_t rows, const json* previous, RuleResult& out) {
  out.observed = std::to_string(rows);
  out.metrics = {{"row_count", rows}};
  std::vector<std::string> problems;
  if (rule.params.contains("min") && static_cast<double>(rows) < rule.params["min"].get<double>()) {
    problems.push_back("fewer rows than the minimum " + ScalarText(rule.params["min"]));
  }
  if (rule.params.contains("max") && static_cast<double>(rows) > rule.params["max"].get<double>()) {
    problems.push_back("more rows than the maximum " + ScalarText(rule.params["max"]));
  }
  if (rule.params.contains("max_change_percent")) {
    if (previous != nullptr && previous->contains("row_count")) {
      auto before = (*previous)["row_count"].get<double>();
      double change = ChangePercent(static_cast<double>(rows), before);
      out.message = "previous run: " + Number(before) + " rows, change " + Number(change) + "%";
      if (change > rule.params["max_change_percent"].get<double>()) {
        problems.push_back("row count changed by " + Number(change) + "% (limit " +
                           ScalarText(rule.params["max_change_percent"]) + "%)");
      }
    } else {
      out.message = "no previous run: this run is the baseline";
    }
  }
  for (const auto& p : problems) out.message += (out.message.empty() ? "" : "; ") + p;
  SetVerdict(out, problems.empty());
}

void FinishFreshness(const Rule& rule, const ColumnAggregate& column, int64_t now,
                     RuleResult& out) {
  auto max_age = ParseDuration(rule.params["max_age"].get<std::string>());
  if (!column.newest()) {
    out.observed = "";
    out.message = "no date or timestamp value in the column";
    SetVerdict(out, false);
    return;
  }
  int64_t age = now - *column.newest();
  out.observed = FormatSeconds(*column.newest(), 0) + "Z";
  out.metrics = {{"newest", out.observed}, {"age_seconds", age}};
  bool ok = max_age.ok() && age <= max_age->count();
  out.message = "newest value is " + Number(static_cast<double>(age) / 3600) + " h old (limit " +
                rule.params["max_age"].get<std::string>() + ")";
  SetVerdict(out, ok);
}

namespace {

json DistributionMetrics(const ColumnAggregate& c) {
  double rows = static_cast<double>(std::max<int64_t>(c.rows(), 1));
  json m = {{"row_count", c.rows()}, {"null_ratio", static_cast<double>(c.missing()) / rows}};
  if (c.numeric() > 0) {
    m["mean"] = c.mean();
    m["stddev"] = c.stddev();
  }
  if (c.values()) {
    json values = json::array();
    for (const auto& [v, count] : *c.values()) values.push_back(v);
    m["values"] = std::move(values);
  }
  return m;
}

void CheckDrift(const Rule& rule, const json& now, const json& before, std::string_view field,
                std::string_view limit_field, double default_limit,
                std::vector<std::string>& problems) {
  if (!now.contains(field) || !before.contains(field)) return;
  double limit = ParamDouble(rule, limit_field, default_limit);
  double change = ChangePercent(now[std::string(field)].get<double>(),
                                before[std::string(field)].get<double>());
  if (change > limit) {
    problems.push_back(std::string(field) + " changed by " + Number(change) + "% (limit " +
                       Number(limit) + "%)");
  }
}

}  // namespace

void FinishDistribution(const Rule& rule, const ColumnAggregate& column, const json* previous,
                        RuleResult& out) {
  out.metrics = DistributionMetrics(column);
  const json& m = out.metrics;
  out.observed = "null_ratio " + Percent(m["null_ratio"].get<double>());
  if (m.contains("mean")) {
    out.observed += ", mean " + Number(m["mean"].get<double>()) + ", stddev " +
                    Number(m["stddev"].get<double>());
  }
  if (previous == nullptr || !previous->is_object()) {
    out.message = "no previous run: this run is the baseline";
    SetVerdict(out, true);
    return;
  }
  std::vector<std::string> problems;
  CheckDrift(rule, m, *previous, "mean", "max_mean_change_percent", 10, problems);
  CheckDrift(rule, m, *previous, "stddev", "max_stddev_change_percent", 25, problems);
  if (previous->contains("null_ratio")) {
    double change =
        std::fabs(m["null_ratio"].get<double>() - (*previous)["null_ratio"].get<double>());
    double limit = ParamDouble(rule, "max_null_ratio_change", 0.05);
    if (change > limit) {
      problems.push_back("null ratio changed by " + Percent(change) + " (limit " + Percent(limit) +
                         ")");
    }
  }
  if (ParamBool(rule, "new_values", true) && m.contains("values") && previous->contains("values")) {
    std::set<std::string> seen((*previous)["values"].begin(), (*previous)["values"].end());
    std::string fresh;
    int n = 0;
    for (const auto& v : m["values"]) {
      if (seen.contains(v.get<std::string>()) || ++n > 10) continue;
      fresh += (fresh.empty() ? "" : ", ") + v.get<std::string>();
    }
    if (n > 0) problems.push_back(std::to_string(n) + " new value(s): " + fresh);
  }
  for (const auto& p : problems) out.message += (out.message.empty() ? "" : "; ") + p;
  SetVerdict(out, problems.empty());
}

Status RunSqlRule(const Rule& rule, storage::Engine& engine, int64_t rows,
                  const std::string& key_column, int max_samples, const IssueSink& sink,
                  RuleResult& out) {
  storage::QueryLimits limits;
  limits.max_rows = std::numeric_limits<int64_t>::max();
  limits.timeout = std::chrono::minutes(10);
  ASSIGN_OR_RETURN(auto cursor, engine.Query(rule.params["query"].get<std::string>(), limits));
  const auto& names = cursor->column_names();
  int row_id_col = -1, key_col = -1;
  for (size_t i = 0; i < names.size(); ++i) {
    if (names[i] == "_row_id") row_id_col = static_cast<int>(i);
    if (!key_column.empty() && names[i] == key_column) key_col = static_cast<int>(i);
  }
  std::vector<Value> row;
  out.checked = rows;
  out.failed = 0;
  while (true) {
    ASSIGN_OR_RETURN(bool more, cursor->Next(row));
    if (!more) break;
    ++out.failed;
    Sample sample;
    Issue issue{rule.id, -1, "", "", ""};
    for (size_t i = 0; i < row.size(); ++i) {
      std::optional<std::string> text;
      if (!IsNull(row[i])) {
        CellBuffer buffer;
        text = std::string(DecodeCell(row[i], buffer).text);
      }
      if (static_cast<int>(i) == row_id_col) {
        if (const auto* id = std::get_if<int64_t>(&row[i])) sample.row_id = issue.row_id = *id;
        continue;
      }
      if (static_cast<int>(i) == key_col && text) issue.key = *text;
      issue.value += (sample.values.empty() ? "" : " | ") + text.value_or("NULL");
      sample.values.push_back(std::move(text));
    }
    if (static_cast<int>(out.samples.size()) < max_samples) out.samples.push_back(sample);
    if (sink) sink(issue);
  }
  out.observed = std::to_string(out.failed) + " row(s) returned";
  return Status::Ok();
}

}  // namespace citydata::quality
