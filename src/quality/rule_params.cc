#include "quality/rule_params.h"

#include <re2/re2.h>

#include <charconv>
#include <map>
#include <set>

#include "quality/expression.h"
#include "quality/value_checks.h"

namespace citydata::quality {
namespace {

using nlohmann::json;

enum class Arity { kNone, kOne, kOneOrMore, kAny };

struct ParamSpec {
  Arity arity;
  std::set<std::string, std::less<>> fields;
};

const std::map<RuleType, ParamSpec>& Specs() {
  static const auto* specs = new std::map<RuleType, ParamSpec>{
      {RuleType::kNotNull, {Arity::kOne, {}}},
      {RuleType::kNotEmpty, {Arity::kOne, {}}},
      {RuleType::kUnique, {Arity::kOneOrMore, {}}},
      {RuleType::kDuplicateRows, {Arity::kAny, {}}},
      {RuleType::kRegex, {Arity::kOne, {"pattern"}}},
      {RuleType::kLength, {Arity::kOne, {"min", "max"}}},
      {RuleType::kRange, {Arity::kOne, {"min", "max"}}},
      {RuleType::kInSet, {Arity::kOne, {"values"}}},
      {RuleType::kInCodeTable, {Arity::kOne, {"table"}}},
      {RuleType::kType, {Arity::kOne, {"value_type"}}},
      {RuleType::kDateValid, {Arity::kOne, {}}},
      {RuleType::kIdCard, {Arity::kOne, {"allow_15"}}},
      {RuleType::kUscc, {Arity::kOne, {}}},
      {RuleType::kMobile, {Arity::kOne, {}}},
      {RuleType::kLandline, {Arity::kOne, {}}},
      {RuleType::kEmail, {Arity::kOne, {}}},
      {RuleType::kBankCard, {Arity::kOne, {}}},
      {RuleType::kPlate, {Arity::kOne, {}}},
      {RuleType::kPassport, {Arity::kOne, {"allow_permits"}}},
      {RuleType::kExpression, {Arity::kNone, {"expr"}}},
      {RuleType::kReference, {Arity::kOne, {"ref"}}},
      {RuleType::kConsistency,
       {Arity::kNone, {"key", "other", "other_key", "compare", "require_match"}}},
      {RuleType::kFreshness, {Arity::kOne, {"max_age"}}},
      {RuleType::kRowCount, {Arity::kNone, {"min", "max", "max_change_percent"}}},
      {RuleType::kDistribution,
       {Arity::kOne,
        {"max_mean_change_percent", "max_stddev_change_percent", "max_null_ratio_change",
         "new_values", "max_values"}}},
      {RuleType::kSql, {Arity::kNone, {"query"}}},
  };
  return *specs;
}

Status CheckArity(const Rule& rule, Arity arity) {
  size_t n = rule.columns.size();
  switch (arity) {
    case Arity::kNone:
      if (n != 0) return InvalidArgument("this type takes no 'column'");
      break;
    case Arity::kOne:
      if (n != 1) return InvalidArgument("field 'column' is required (exactly one column)");
      break;
    case Arity::kOneOrMore:
      if (n == 0) return InvalidArgument("field 'columns' is required, e.g. columns: [id_number]");
      break;
    case Arity::kAny:
      break;
  }
  return Status::Ok();
}

Status CheckFields(const Rule& rule, const ParamSpec& spec) {
  for (const auto& [field, value] : rule.params.items()) {
    if (spec.fields.contains(field)) continue;
    std::string known = "id, type, column(s), severity, mostly, dimension, gate";
    for (const auto& f : spec.fields) known += ", " + f;
    return InvalidArgument("unknown field '" + field + "' for type " +
                           std::string(RuleTypeName(rule.type)) + "; known fields: " + known);
  }
  return Status::Ok();
}

Status RequireString(const Rule& rule, std::string_view field) {
  auto it = rule.params.find(field);
  if (it == rule.params.end() || !it->is_string() || it->get<std::string>().empty()) {
    return InvalidArgument("field '" + std::string(field) + "' is required (a non-empty string)");
  }
  return Status::Ok();
}

Status OptionalType(const Rule& rule, std::string_view field, json::value_t type) {
  auto it = rule.params.find(field);
  if (it == rule.params.end()) return Status::Ok();
  bool ok = type == json::value_t::number_float ? it->is_number() : it->type() == type;
  if (type == json::value_t::number_unsigned) ok = it->is_number_integer() && *it >= 0;
  if (!ok) {
    std::string what = type == json::value_t::boolean ? "true or false" : "a non-negative number";
    return InvalidArgument("field '" + std::string(field) + "' must be " + what);
  }
  return Status::Ok();
}

Status AtLeastOne(const Rule& rule, std::string_view a, std::string_view b) {
  if (!rule.params.contains(a) && !rule.params.contains(b)) {
    return InvalidArgument("give '" + std::string(a) + "' or '" + std::string(b) + "' (or both)");
  }
  return Status::Ok();
}

Status ValidateRange(const Rule& rule) {
  RETURN_IF_ERROR(AtLeastOne(rule, "min", "max"));
  bool any_date = false, any_number = false;
  for (std::string_view f : {"min", "max"}) {
    auto it = rule.params.find(f);
    if (it == rule.params.end()) continue;
    if (it->is_number()) {
      any_number = true;
    } else if (it->is_string() && ParseIsoDateDays(it->get<std::string>())) {
      any_date = true;
    } else {
      return InvalidArgument("field '" + std::string(f) +
                             "' must be a number or a date 'YYYY-MM-DD'");
    }
  }
  if (any_date && any_number)
    return InvalidArgument("'min' and 'max' must both be numbers or dates");
  return Status::Ok();
}

Status ValidateLength(const Rule& rule) {
  RETURN_IF_ERROR(AtLeastOne(rule, "min", "max"));
  RETURN_IF_ERROR(OptionalType(rule, "min", json::value_t::number_unsigned));
  return OptionalType(rule, "max", json::value_t::number_unsigned);
}

Status ValidateRegex(const Rule& rule) {
  RETURN_IF_ERROR(RequireString(rule, "pattern"));
  RE2::Options options;
  options.set_log_errors(false);
  RE2 re(rule.params["pattern"].get<std::string>(), options);
  if (!re.ok()) return InvalidArgument("field 'pattern' is not a valid RE2 pattern: " + re.error());
  return Status::Ok();
}

Status ValidateInSet(const Rule& rule) {
  auto it = rule.params.find("values");
  if (it == rule.params.end() || !it->is_array() || it->empty()) {
    return InvalidArgument("field 'values' is required, a non-empty list, e.g. values: [A, B]");
  }
  for (const auto& v : *it) {
    if (v.is_object() || v.is_array() || v.is_null()) {
      return InvalidArgument("field 'values' must list strings or numbers");
    }
  }
  return Status::Ok();
}

Status ValidateValueType(const Rule& rule) {
  RETURN_IF_ERROR(RequireString(rule, "value_type"));
  std::string t = rule.params["value_type"].get<std::string>();
  auto type = ParseColumnType(t);
  if (!type.ok() || *type == ColumnType::kText) {
    return InvalidArgument(
        "field 'value_type' must be integer, decimal, date, timestamp or boolean");
  }
  return Status::Ok();
}

Status ValidateConsistency(const Rule& rule) {
  RETURN_IF_ERROR(RequireString(rule, "key"));
  RETURN_IF_ERROR(RequireString(rule, "other"));
  auto other = ParseDatasetName(rule.params["other"].get<std::string>());
  if (!other.ok()) return other.status().WithContext("field 'other'");
  if (rule.params.contains("other_key")) RETURN_IF_ERROR(RequireString(rule, "other_key"));
  RETURN_IF_ERROR(OptionalType(rule, "require_match", json::value_t::boolean));
  auto it = rule.params.find("compare");
  if (it == rule.params.end() || !it->is_array() || it->empty()) {
    return InvalidArgument("field 'compare' is required, e.g. compare: [[name, xm]]");
  }
  for (const auto& pair : *it) {
    bool ok = pair.is_string() ||
              (pair.is_array() && pair.size() == 2 && pair[0].is_string() && pair[1].is_string());
    if (!ok) {
      return InvalidArgument("field 'compare' lists column names or [column, other_column] pairs");
    }
  }
  return Status::Ok();
}

Status ValidateRowCount(const Rule& rule) {
  if (!rule.params.contains("min") && !rule.params.contains("max") &&
      !rule.params.contains("max_change_percent")) {
    return InvalidArgument("give at least one of 'min', 'max', 'max_change_percent'");
  }
  for (std::string_view f : {"min", "max", "max_change_percent"}) {
    RETURN_IF_ERROR(OptionalType(rule, f, json::value_t::number_float));
  }
  return Status::Ok();
}

Status ValidateDistribution(const Rule& rule) {
  for (std::string_view f :
       {"max_mean_change_percent", "max_stddev_change_percent", "max_null_ratio_change"}) {
    RETURN_IF_ERROR(OptionalType(rule, f, json::value_t::number_float));
  }
  RETURN_IF_ERROR(OptionalType(rule, "new_values", json::value_t::boolean));
  return OptionalType(rule, "max_values", json::value_t::number_unsigned);
}

Status ValidateTypeParams(const Rule& rule) {
  switch (rule.type) {
    case RuleType::kRegex:
      return ValidateRegex(rule);
    case RuleType::kLength:
      return ValidateLength(rule);
    case RuleType::kRange:
      return ValidateRange(rule);
    case RuleType::kInSet:
      return ValidateInSet(rule);
    case RuleType::kInCodeTable:
      return RequireString(rule, "table");
    case RuleType::kType:
      return ValidateValueType(rule);
    case RuleType::kIdCard:
      return OptionalType(rule, "allow_15", json::value_t::boolean);
    case RuleType::kPassport:
      return OptionalType(rule, "allow_permits", json::value_t::boolean);
    case RuleType::kExpression: {
      RETURN_IF_ERROR(RequireString(rule, "expr"));
      auto expr = Expression::Compile(rule.params["expr"].get<std::string>(), "2000-01-01");
      return expr.ok() ? Status::Ok() : expr.status().WithContext("field 'expr'");
    }
    case RuleType::kReference: {
      RETURN_IF_ERROR(RequireString(rule, "ref"));
      auto ref = ParseColumnRef(rule.params["ref"].get<std::string>());
      return ref.ok() ? Status::Ok() : ref.status();
    }
    case RuleType::kConsistency:
      return ValidateConsistency(rule);
    case RuleType::kFreshness: {
      RETURN_IF_ERROR(RequireString(rule, "max_age"));
      auto age = ParseDuration(rule.params["max_age"].get<std::string>());
      return age.ok() ? Status::Ok() : age.status().WithContext("field 'max_age'");
    }
    case RuleType::kRowCount:
      return ValidateRowCount(rule);
    case RuleType::kDistribution:
      return ValidateDistribution(rule);
    case RuleType::kSql:
      return RequireString(rule, "query");
    default:
      return Status::Ok();
  }
}

}  // namespace

Status ValidateRule(const Rule& rule) {
  const ParamSpec& spec = Specs().at(rule.type);
  RETURN_IF_ERROR(CheckArity(rule, spec.arity));
  RETURN_IF_ERROR(CheckFields(rule, spec));
  return ValidateTypeParams(rule);
}

Result<std::chrono::seconds> ParseDuration(std::string_view text) {
  int64_t n = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  std::string_view unit(end, static_cast<size_t>(text.data() + text.size() - end));
  if (ec != std::errc() || end == text.data() || n < 0 || unit.size() != 1) {
    return InvalidArgument("'" + std::string(text) +
                           "' is not a duration; write e.g. 30m, 24h, 7d");
  }
  switch (unit[0]) {
    case 's':
      return std::chrono::seconds(n);
    case 'm':
      return std::chrono::seconds(n * 60);
    case 'h':
      return std::chrono::seconds(n * 3600);
    case 'd':
      return std::chrono::seconds(n * 86400);
    case 'w':
      return std::chrono::seconds(n * 604800);
    default:
      return InvalidArgument("'" + std::string(text) +
                             "' has an unknown unit; use s, m, h, d or w");
  }
}

Result<ColumnRef> ParseColumnRef(std::string_view text) {
  size_t dot = text.rfind('.');
  if (dot == std::string_view::npos || dot + 1 == text.size()) {
    return InvalidArgument("field 'ref' must be zone.dataset.column, e.g. std.departments.code");
  }
  auto dataset = ParseDatasetName(text.substr(0, dot));
  if (!dataset.ok()) {
    return dataset.status().WithContext("field 'ref' must be zone.dataset.column");
  }
  return ColumnRef{*dataset, std::string(text.substr(dot + 1))};
}

ConsistencySpec GetConsistencySpec(const Rule& rule) {
  ConsistencySpec spec;
  spec.key = rule.params["key"].get<std::string>();
  spec.other = *ParseDatasetName(rule.params["other"].get<std::string>());
  spec.other_key = rule.params.value("other_key", spec.key);
  spec.require_match = rule.params.value("require_match", false);
  for (const auto& pair : rule.params["compare"]) {
    if (pair.is_string()) {
      spec.compare.emplace_back(pair.get<std::string>(), pair.get<std::string>());
    } else {
      spec.compare.emplace_back(pair[0].get<std::string>(), pair[1].get<std::string>());
    }
  }
  return spec;
}

double ParamDouble(const Rule& rule, std::string_view field, double fallback) {
  auto it = rule.params.find(field);
  return it != rule.params.end() && it->is_number() ? it->get<double>() : fallback;
}

bool ParamBool(const Rule& rule, std::string_view field, bool fallback) {
  auto it = rule.params.find(field);
  return it != rule.params.end() && it->is_boolean() ? it->get<bool>() : fallback;
}

std::string ParamString(const Rule& rule, std::string_view field) {
  auto it = rule.params.find(field);
  return it != rule.params.end() && it->is_string() ? it->get<std::string>() : std::string();
}

std::string ScalarText(const json& value) {
  if (value.is_string()) return value.get<std::string>();
  if (value.is_boolean()) return value.get<bool>() ? "true" : "false";
  if (value.is_number_integer()) return std::to_string(value.get<int64_t>());
  if (value.is_number()) return FormatDouble(value.get<double>());
  return value.dump();
}

}  // namespace citydata::quality
