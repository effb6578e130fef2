#include "quality/rule.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <array>
#include <initializer_list>
#include <map>
#include <set>

#include "core/cron.h"

namespace citydata::quality {
namespace {

using nlohmann::json;

struct TypeInfo {
  RuleType type;
  std::string_view name;
  Dimension dimension;
};

constexpr std::array<TypeInfo, 26> kTypes = {{
    {RuleType::kNotNull, "not_null", Dimension::kCompleteness},
    {RuleType::kNotEmpty, "not_empty", Dimension::kCompleteness},
    {RuleType::kUnique, "unique", Dimension::kAccuracy},
    {RuleType::kDuplicateRows, "duplicate_rows", Dimension::kAccuracy},
    {RuleType::kRegex, "regex", Dimension::kValidity},
    {RuleType::kLength, "length", Dimension::kValidity},
    {RuleType::kRange, "range", Dimension::kValidity},
    {RuleType::kInSet, "in_set", Dimension::kValidity},
    {RuleType::kInCodeTable, "in_code_table", Dimension::kValidity},
    {RuleType::kType, "type", Dimension::kValidity},
    {RuleType::kDateValid, "date_valid", Dimension::kValidity},
    {RuleType::kIdCard, "id_card", Dimension::kValidity},
    {RuleType::kUscc, "uscc", Dimension::kValidity},
    {RuleType::kMobile, "mobile", Dimension::kValidity},
    {RuleType::kLandline, "landline", Dimension::kValidity},
    {RuleType::kEmail, "email", Dimension::kValidity},
    {RuleType::kBankCard, "bank_card", Dimension::kValidity},
    {RuleType::kPlate, "plate", Dimension::kValidity},
    {RuleType::kPassport, "passport", Dimension::kValidity},
    {RuleType::kExpression, "expression", Dimension::kAccuracy},
    {RuleType::kReference, "reference", Dimension::kAccuracy},
    {RuleType::kConsistency, "consistency", Dimension::kConsistency},
    {RuleType::kFreshness, "freshness", Dimension::kTimeliness},
    {RuleType::kRowCount, "row_count", Dimension::kCompleteness},
    {RuleType::kDistribution, "distribution", Dimension::kAccuracy},
    {RuleType::kSql, "sql", Dimension::kAccuracy},
}};

constexpr std::array<RuleType, 26> kAllTypes = [] {
  std::array<RuleType, 26> all{};
  for (size_t i = 0; i < kTypes.size(); ++i) all[i] = kTypes[i].type;
  return all;
}();

constexpr std::array<Dimension, 6> kAllDimensions = {
    Dimension::kValidity,    Dimension::kCompleteness, Dimension::kAccuracy,
    Dimension::kConsistency, Dimension::kTimeliness,   Dimension::kAccessibility};
constexpr std::array<std::string_view, 6> kDimensionNames = {
    "validity", "completeness", "accuracy", "consistency", "timeliness", "accessibility"};
constexpr std::array<std::string_view, 6> kDimensionChinese = {"规范性", "完整性", "准确性",
                                                               "一致性", "时效性", "可访问性"};

const std::set<std::string, std::less<>> kCommonFields = {
    "id", "type", "column", "columns", "severity", "mostly", "dimension", "gate", "description"};

std::string Join(std::initializer_list<std::string_view> parts) {
  std::string out;
  for (std::string_view p : parts) out += p;
  return out;
}

// A YAML node as JSON. Plain scalars become booleans, numbers or null when they read
// as such; quoted scalars stay strings.
json YamlToJson(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Sequence: {
      json out = json::array();
      for (const auto& item : node) out.push_back(YamlToJson(item));
      return out;
    }
    case YAML::NodeType::Map: {
      json out = json::object();
      for (const auto& kv : node) out[kv.first.as<std::string>()] = YamlToJson(kv.second);
      return out;
    }
    case YAML::NodeType::Scalar: {
      const std::string& s = node.Scalar();
      if (node.Tag() == "!") return s;
      if (s == "true" || s == "True" || s == "TRUE") return true;
      if (s == "false" || s == "False" || s == "FALSE") return false;
      if (s == "~" || s == "null" || s == "Null" || s == "NULL") return nullptr;
      int64_t i = 0;
      if (YAML::convert<int64_t>::decode(node, i) && s.find_first_of(".eE") == std::string::npos) {
        return i;
      }
      double d = 0;
      if (!s.empty() &&
          (std::isdigit(static_cast<unsigned char>(s[0])) || s[0] == '-' || s[0] == '+' ||
           s[0] == '.') &&
          YAML::convert<double>::decode(node, d)) {
        return d;
      }
      return s;
    }
    default:
      return nullptr;
  }
}

std::string RuleLabel(size_t index, const json& j) {
  std::string label = "rule " + std::to_string(index + 1);
  if (j.is_object() && j.contains("id") && j["id"].is_string()) {
    label += " (" + j["id"].get<std::string>() + ")";
  }
  return label;
}

Result<std::vector<std::string>> ParseColumns(const json& j) {
  std::vector<std::string> columns;
  if (j.contains("column") && j.contains("columns")) {
    return InvalidArgument("give either 'column' or 'columns', not both");
  }
  if (j.contains("column")) {
    if (!j["column"].is_string() || j["column"].get<std::string>().empty()) {
      return InvalidArgument("field 'column' must be a non-empty string");
    }
    columns.push_back(j["column"].get<std::string>());
  } else if (j.contains("columns")) {
    json list = j["columns"];
    if (list.is_string()) list = json::array({list});
    if (!list.is_array()) return InvalidArgument("field 'columns' must be a list of column names");
    for (const auto& c : list) {
      if (!c.is_string() || c.get<std::string>().empty()) {
        return InvalidArgument("field 'columns' must be a list of column names");
      }
      columns.push_back(c.get<std::string>());
    }
  }
  return columns;
}

Status ParseCommonFields(const json& j, Rule& rule) {
  if (!j.contains("type") || !j["type"].is_string()) {
    return InvalidArgument("field 'type' is required (e.g. type: not_null)");
  }
  ASSIGN_OR_RETURN(rule.type, ParseRuleType(j["type"].get<std::string>()));
  rule.severity = DefaultSeverity(rule.type);
  rule.dimension = DefaultDimension(rule.type);
  ASSIGN_OR_RETURN(rule.columns, ParseColumns(j));
  if (j.contains("id")) {
    if (!j["id"].is_string() || j["id"].get<std::string>().empty()) {
      return InvalidArgument("field 'id' must be a non-empty string");
    }
    rule.id = j["id"].get<std::string>();
  }
  if (j.contains("severity")) {
    if (!j["severity"].is_string())
      return InvalidArgument("field 'severity' must be error or warning");
    ASSIGN_OR_RETURN(rule.severity, ParseSeverity(j["severity"].get<std::string>()));
  }
  if (j.contains("mostly")) {
    if (!j["mostly"].is_number() || j["mostly"].get<double>() < 0 ||
        j["mostly"].get<double>() > 1) {
      return InvalidArgument("field 'mostly' must be a number from 0 to 1, e.g. 0.99");
    }
    rule.mostly = j["mostly"].get<double>();
  }
  if (j.contains("dimension")) {
    if (!j["dimension"].is_string()) return InvalidArgument("field 'dimension' must be a name");
    ASSIGN_OR_RETURN(rule.dimension, ParseDimension(j["dimension"].get<std::string>()));
  }
  if (j.contains("gate")) {
    if (!j["gate"].is_boolean()) return InvalidArgument("field 'gate' must be true or false");
    rule.gate = j["gate"].get<bool>();
  }
  for (const auto& [field, value] : j.items()) {
    if (!kCommonFields.contains(field)) rule.params[field] = value;
  }
  return Status::Ok();
}

std::string DefaultId(const Rule& rule) {
  std::string id(RuleTypeName(rule.type));
  if (!rule.columns.empty()) id += "_" + rule.columns.front();
  return id;
}

void AssignDefaultIds(std::vector<Rule>& rules, const std::vector<bool>& explicit_id) {
  std::set<std::string> taken;
  for (size_t i = 0; i < rules.size(); ++i) {
    if (explicit_id[i]) taken.insert(rules[i].id);
  }
  for (size_t i = 0; i < rules.size(); ++i) {
    if (explicit_id[i]) continue;
    std::string base = DefaultId(rules[i]);
    std::string id = base;
    for (int n = 2; taken.contains(id); ++n) id = base + "_" + std::to_string(n);
    rules[i].id = id;
    taken.insert(id);
  }
}

Result<Rule> ParseRule(const json& j) {
  if (!j.is_object())
    return InvalidArgument("must be a mapping such as {column: x, type: not_null}");
  Rule rule;
  RETURN_IF_ERROR(ParseCommonFields(j, rule));
  RETURN_IF_ERROR(ValidateRule(rule));
  return rule;
}

Result<RulePlan> PlanFromJson(const json& root) {
  if (!root.is_object()) return InvalidArgument("a plan is a mapping with 'dataset' and 'rules'");
  for (const auto& [field, value] : root.items()) {
    if (field != "dataset" && field != "key" && field != "rules" && field != "description" &&
        field != "schedule") {
      return InvalidArgument("unknown plan field '" + field +
                             "'; known fields: dataset, key, schedule, rules, description");
    }
  }
  if (!root.contains("dataset") || !root["dataset"].is_string()) {
    return InvalidArgument("field 'dataset' is required, e.g. dataset: raw.household_registry");
  }
  RulePlan plan;
  auto dataset = ParseDatasetName(root["dataset"].get<std::string>());
  if (!dataset.ok()) return dataset.status().WithContext("field 'dataset'");
  plan.dataset = *dataset;
  if (root.contains("key")) {
    if (!root["key"].is_string()) return InvalidArgument("field 'key' must be a column name");
    plan.key_column = root["key"].get<std::string>();
  }
  if (root.contains("schedule")) {
    if (!root["schedule"].is_string()) {
      return InvalidArgument("field 'schedule' must be a cron expression such as \"0 2 * * *\"");
    }
    plan.schedule = root["schedule"].get<std::string>();
    RETURN_IF_ERROR(CronSchedule::Parse(plan.schedule).status().WithContext("field 'schedule'"));
  }
  if (!root.contains("rules") || !root["rules"].is_array()) {
    return InvalidArgument("field 'rules' is required and must be a list of rules");
  }
  std::vector<bool> explicit_id;
  std::set<std::string> ids;
  const json& rules = root["rules"];
  for (size_t i = 0; i < rules.size(); ++i) {
    auto rule = ParseRule(rules[i]);
    if (!rule.ok()) return rule.status().WithContext(RuleLabel(i, rules[i]));
    explicit_id.push_back(!rule->id.empty());
    if (!rule->id.empty() && !ids.insert(rule->id).second) {
      return InvalidArgument(RuleLabel(i, rules[i]) + ": id '" + rule->id +
                             "' is used by an earlier rule; ids must be unique");
    }
    plan.rules.push_back(std::move(*rule));
  }
  AssignDefaultIds(plan.rules, explicit_id);
  return plan;
}

void EmitJson(YAML::Emitter& out, const json& j) {
  if (j.is_object()) {
    out << YAML::BeginMap;
    for (const auto& [k, v] : j.items()) {
      out << YAML::Key << k << YAML::Value;
      EmitJson(out, v);
    }
    out << YAML::EndMap;
  } else if (j.is_array()) {
    out << YAML::Flow << YAML::BeginSeq;
    for (const auto& v : j) EmitJson(out, v);
    out << YAML::EndSeq;
  } else if (j.is_string()) {
    out << YAML::DoubleQuoted << j.get<std::string>();
  } else if (j.is_null()) {
    out << YAML::Null;
  } else if (j.is_boolean()) {
    out << j.get<bool>();
  } else if (j.is_number_integer()) {
    out << j.get<int64_t>();
  } else {
    out << j.get<double>();
  }
}

}  // namespace

std::span<const RuleType> AllRuleTypes() { return kAllTypes; }

std::string_view RuleTypeName(RuleType type) { return kTypes[static_cast<size_t>(type)].name; }

Result<RuleType> ParseRuleType(std::string_view name) {
  for (const auto& info : kTypes) {
    if (info.name == name) return info.type;
  }
  std::string known;
  for (const auto& info : kTypes) known += (known.empty() ? "" : ", ") + std::string(info.name);
  return InvalidArgument(Join({"unknown type '", name, "'; known types: ", known}));
}

std::string_view SeverityName(Severity severity) {
  return severity == Severity::kError ? "error" : "warning";
}

Result<Severity> ParseSeverity(std::string_view name) {
  if (name == "error") return Severity::kError;
  if (name == "warning") return Severity::kWarning;
  return InvalidArgument(Join({"unknown severity '", name, "'; use error or warning"}));
}

std::span<const Dimension> AllDimensions() { return kAllDimensions; }

std::string_view DimensionName(Dimension d) { return kDimensionNames[static_cast<size_t>(d)]; }

std::string_view DimensionChineseName(Dimension d) {
  return kDimensionChinese[static_cast<size_t>(d)];
}

Result<Dimension> ParseDimension(std::string_view name) {
  for (size_t i = 0; i < kAllDimensions.size(); ++i) {
    if (kDimensionNames[i] == name || kDimensionChinese[i] == name) return kAllDimensions[i];
  }
  return InvalidArgument(Join({"unknown dimension '", name,
                               "'; known dimensions: validity, completeness, accuracy, "
                               "consistency, timeliness, accessibility"}));
}

Dimension DefaultDimension(RuleType type) { return kTypes[static_cast<size_t>(type)].dimension; }

Severity DefaultSeverity(RuleType type) {
  return type == RuleType::kBankCard ? Severity::kWarning : Severity::kError;
}

bool IsDatasetLevel(RuleType type) {
  return type == RuleType::kRowCount || type == RuleType::kFreshness ||
         type == RuleType::kDistribution;
}

Result<RulePlan> ParsePlan(std::string_view text) {
  json root;
  try {
    root = YamlToJson(YAML::Load(std::string(text)));
  } catch (const YAML::Exception& e) {
    return InvalidArgument("the plan is not valid YAML or JSON: " + std::string(e.what()));
  }
  return PlanFromJson(root);
}

nlohmann::json ToJson(const RulePlan& plan) {
  json out = {{"dataset", plan.dataset.ToString()}};
  if (!plan.key_column.empty()) out["key"] = plan.key_column;
  if (!plan.schedule.empty()) out["schedule"] = plan.schedule;
  json rules = json::array();
  for (const Rule& r : plan.rules) {
    json j = {{"id", r.id}, {"type", RuleTypeName(r.type)}};
    if (r.columns.size() == 1 && r.type != RuleType::kUnique &&
        r.type != RuleType::kDuplicateRows) {
      j["column"] = r.columns.front();
    } else if (!r.columns.empty()) {
      j["columns"] = r.columns;
    }
    j["severity"] = SeverityName(r.severity);
    j["mostly"] = r.mostly;
    j["dimension"] = DimensionName(r.dimension);
    j["gate"] = r.gate;
    for (const auto& [k, v] : r.params.items()) j[k] = v;
    rules.push_back(std::move(j));
  }
  out["rules"] = std::move(rules);
  return out;
}

std::string PlanToYaml(const RulePlan& plan) {
  json j = ToJson(plan);
  YAML::Emitter out;
  out << YAML::BeginMap;
  out << YAML::Key << "dataset" << YAML::Value << plan.dataset.ToString();
  if (!plan.key_column.empty()) out << YAML::Key << "key" << YAML::Value << plan.key_column;
  if (!plan.schedule.empty()) {
    out << YAML::Key << "schedule" << YAML::Value << YAML::DoubleQuoted << plan.schedule;
  }
  out << YAML::Key << "rules" << YAML::Value << YAML::BeginSeq;
  for (const auto& rule : j["rules"]) {
    out << YAML::Flow;
    EmitJson(out, rule);
  }
  out << YAML::EndSeq << YAML::EndMap;
  return std::string(out.c_str()) + "\n";
}

}  // namespace citydata::quality
