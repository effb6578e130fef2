// The quality rule model: rule types, severities, GB/T 36344 dimensions, rules and
// plans, and their YAML / JSON text forms.
//
// A plan names one dataset and lists rules over its columns:
//
//   dataset: raw.household_registry
//   key: id_number                      # optional: reported with every failing row
//   schedule: "0 2 * * *"               # optional: also run daily at 02:00
//   rules:
//     - {id: id_ok, column: id_number, type: id_card, severity: error, mostly: 0.99}
//     - {columns: [id_number], type: unique}
//
// Fields common to every rule: id (default "<type>_<first column>", or the type for
// rules without a column; repeated ids get "_2", "_3"...), type, column or columns,
// severity (error | warning; bank_card defaults to warning, every other type to
// error), mostly (0..1, default 1), dimension (defaulted by type, see
// DefaultDimension), gate (bool, default false). Every other field is type-specific
// and kept in Rule::params; README.md lists them per type.
//
// Everything here is pure and thread-safe.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "core/types.h"

namespace citydata::quality {

enum class RuleType {
  kNotNull,
  kNotEmpty,
  kUnique,
  kDuplicateRows,
  kRegex,
  kLength,
  kRange,
  kInSet,
  kInCodeTable,
  kType,
  kDateValid,
  kIdCard,
  kUscc,
  kMobile,
  kLandline,
  kEmail,
  kBankCard,
  kPlate,
  kPassport,
  kExpression,
  kReference,
  kConsistency,
  kFreshness,
  kRowCount,
  kDistribution,
  kSql,
};

// Every rule type, in declaration order.
std::span<const RuleType> AllRuleTypes();
// The YAML spelling, e.g. "not_null", "id_card", "row_count".
std::string_view RuleTypeName(RuleType type);
// InvalidArgument listing the known names when `name` is none of them.
Result<RuleType> ParseRuleType(std::string_view name);

enum class Severity { kError, kWarning };
std::string_view SeverityName(Severity severity);  // "error", "warning"
Result<Severity> ParseSeverity(std::string_view name);

// GB/T 36344-2018 data quality dimensions.
enum class Dimension {
  kValidity,       // 规范性
  kCompleteness,   // 完整性
  kAccuracy,       // 准确性
  kConsistency,    // 一致性
  kTimeliness,     // 时效性
  kAccessibility,  // 可访问性
};
std::span<const Dimension> AllDimensions();
std::string_view DimensionName(Dimension dimension);         // "validity", ...
std::string_view DimensionChineseName(Dimension dimension);  // "规范性", ...
Result<Dimension> ParseDimension(std::string_view name);     // English or Chinese name

// not_null, not_empty, row_count → completeness; unique, duplicate_rows, expression,
// reference, distribution, sql → accuracy; consistency → consistency; freshness →
// timeliness; every format and value rule → validity.
Dimension DefaultDimension(RuleType type);
Severity DefaultSeverity(RuleType type);

// True for rules that produce one verdict per dataset rather than per row
// (row_count, freshness, distribution): checked is 1 and failed 0 or 1.
bool IsDatasetLevel(RuleType type);

struct Rule {
  std::string id;
  RuleType type = RuleType::kNotNull;
  std::vector<std::string> columns;  // empty for rules without a column
  Severity severity = Severity::kError;
  double mostly = 1.0;
  Dimension dimension = Dimension::kValidity;
  bool gate = false;
  // The type-specific fields as written, e.g. {"pattern": "^[0-9]+$"} for regex.
  nlohmann::json params = nlohmann::json::object();
};

struct RulePlan {
  DatasetName dataset;
  std::string key_column;  // empty when the plan names no key
  // A cron schedule ("0 2 * * *") for periodic runs in the server's local time; empty
  // for on-demand and after-ingest runs only.
  std::string schedule;
  std::vector<Rule> rules;
};

// Parses a plan written in YAML or JSON (JSON is YAML). Checks everything that can be
// checked without the data: known types and fields, required parameters and their
// types, regular expressions and expressions compile. Errors are InvalidArgument
// naming the rule, e.g. "rule 3 (id_ok): unknown type 'idcard'; known types: ...".
Result<RulePlan> ParsePlan(std::string_view text);

// The plan as a JSON object / YAML text that ParsePlan reads back to an equal plan.
// Every rule is written with its id, type, columns, severity, mostly, dimension and
// gate made explicit.
nlohmann::json ToJson(const RulePlan& plan);
std::string PlanToYaml(const RulePlan& plan);

// Validates a single rule's type-specific parameters (as ParsePlan does), naming
// the offending field. Exposed for services that build rules programmatically.
Status ValidateRule(const Rule& rule);

}  // namespace citydata::quality
