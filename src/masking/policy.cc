#include "masking/policy.h"

#include <algorithm>
#include <array>
#include <cassert>

namespace citydata::masking {
namespace {

using nlohmann::json;

constexpr char kBuiltInPolicy[] = R"({
  "version": 1,
  "rules": [
    {"level": ["core", "important"], "operator": "nullify"},
    {"role": "auditor", "category": ["id_card", "mobile", "bank_card"], "operator": "hash"},
    {"category": ["name", "id_card", "mobile", "landline", "email", "address", "bank_card",
                  "passport", "hk_macau_permit", "plate", "ip"], "operator": "mask"},
    {"category": "uscc", "operator": "keep"},
    {"category": "birth_date", "operator": "generalize:year"},
    {"category": "coordinates", "operator": "generalize:round2"},
    {"category": ["health", "religion", "ethnicity"], "operator": "nullify"},
    {"operator": "nullify"}
  ]
})";

constexpr std::array<std::string_view, 5> kRuleFields = {"category", "level", "role",
                                                         "clearance_at_most", "operator"};

template <typename T, typename V>
bool AnyOrContains(const std::vector<T>& list, const V& value) {
  return list.empty() || std::find(list.begin(), list.end(), value) != list.end();
}

// Field `name` of a rule as a list: absent or "*" → empty (any), a string → one
// entry, an array of strings → its entries.
Result<std::vector<std::string>> StringList(const json& rule, const char* name,
                                            const std::string& where) {
  auto field = rule.find(name);
  if (field == rule.end() || *field == "*") return std::vector<std::string>{};
  if (field->is_string()) return std::vector<std::string>{field->get<std::string>()};
  std::vector<std::string> out;
  bool ok = field->is_array() && !field->empty();
  for (const json& item : ok ? *field : json::array()) {
    ok = ok && item.is_string() && item != "*" && item != "";
    if (ok) out.push_back(item.get<std::string>());
  }
  if (!ok) {
    return InvalidArgument(where + ": " + name +
                           " must be \"*\", a name or a non-empty list of names");
  }
  return out;
}

Result<std::vector<Level>> LevelList(const json& rule, const std::string& where) {
  ASSIGN_OR_RETURN(std::vector<std::string> names, StringList(rule, "level", where));
  std::vector<Level> levels;
  for (const std::string& name : names) {
    auto level = ParseLevel(name);
    if (!level.ok()) return level.status().WithContext(where);
    levels.push_back(*level);
  }
  return levels;
}

Result<std::vector<security::Role>> RoleList(const json& rule, const std::string& where) {
  ASSIGN_OR_RETURN(std::vector<std::string> names, StringList(rule, "role", where));
  std::vector<security::Role> roles;
  for (const std::string& name : names) {
    auto role = security::ParseRole(name);
    if (!role.has_value()) {
      return InvalidArgument(where + ": unknown role '" + name +
                             "': use admin, steward, provider, consumer or auditor");
    }
    roles.push_back(*role);
  }
  return roles;
}

Result<std::optional<Level>> ClearanceBound(const json& rule, const std::string& where) {
  auto field = rule.find("clearance_at_most");
  if (field == rule.end() || *field == "*") return std::optional<Level>();
  auto level = ParseLevel(field->is_string() ? field->get<std::string>() : "");
  if (!level.ok()) return level.status().WithContext(where + ": clearance_at_most");
  return std::optional<Level>(*level);
}

Result<Operator> RuleOperator(const json& rule, const std::string& where) {
  auto field = rule.find("operator");
  if (field == rule.end() || !field->is_string()) {
    return InvalidArgument(where + ": operator is required, e.g. \"mask\"");
  }
  auto op = Operator::Parse(field->get<std::string>());
  if (!op.ok()) return op.status().WithContext(where);
  return op;
}

Result<PolicyRule> ParseRule(const json& rule, size_t index) {
  std::string where = "rule " + std::to_string(index + 1);
  if (!rule.is_object()) return InvalidArgument(where + " is not a JSON object");
  for (const auto& item : rule.items()) {
    if (std::find(kRuleFields.begin(), kRuleFields.end(), item.key()) == kRuleFields.end()) {
      return InvalidArgument(where + ": unknown field '" + item.key() +
                             "' (use category, level, role, clearance_at_most, operator)");
    }
  }
  PolicyRule out;
  ASSIGN_OR_RETURN(out.categories, StringList(rule, "category", where));
  ASSIGN_OR_RETURN(out.levels, LevelList(rule, where));
  ASSIGN_OR_RETURN(out.roles, RoleList(rule, where));
  ASSIGN_OR_RETURN(out.clearance_at_most, ClearanceBound(rule, where));
  ASSIGN_OR_RETURN(out.op, RuleOperator(rule, where));
  return out;
}

// A matcher as written: a single name, or a list of several.
template <typename T, typename NameOf>
json MatcherJson(const std::vector<T>& values, NameOf name_of) {
  if (values.size() == 1) return std::string(name_of(values[0]));
  json list = json::array();
  for (const T& value : values) list.push_back(std::string(name_of(value)));
  return list;
}

json RuleJson(const PolicyRule& rule) {
  json out = json::object();
  auto same = [](const std::string& s) { return s; };
  if (!rule.categories.empty()) out["category"] = MatcherJson(rule.categories, same);
  if (!rule.levels.empty()) out["level"] = MatcherJson(rule.levels, LevelName);
  if (!rule.roles.empty()) out["role"] = MatcherJson(rule.roles, security::RoleName);
  if (rule.clearance_at_most) out["clearance_at_most"] = LevelName(*rule.clearance_at_most);
  out["operator"] = rule.op.ToString();
  return out;
}

}  // namespace

bool PolicyRule::Matches(std::string_view category, Level level, security::Role role,
                         Level clearance) const {
  return AnyOrContains(categories, category) && AnyOrContains(levels, level) &&
         AnyOrContains(roles, role) && (!clearance_at_most || clearance <= *clearance_at_most);
}

const MaskingPolicy& MaskingPolicy::BuiltIn() {
  static const MaskingPolicy policy = [] {
    auto parsed = Parse(kBuiltInPolicy);
    assert(parsed.ok());
    return *std::move(parsed);
  }();
  return policy;
}

Result<MaskingPolicy> MaskingPolicy::Parse(std::string_view json_text) {
  json document = json::parse(json_text, nullptr, false);
  if (document.is_discarded()) return InvalidArgument("the masking policy is not valid JSON");
  return FromJson(document);
}

Result<MaskingPolicy> MaskingPolicy::FromJson(const json& document) {
  auto version = document.is_object() ? document.find("version") : document.end();
  auto rules = document.is_object() ? document.find("rules") : document.end();
  if (version == document.end() || !version->is_number_integer() || *version < 1) {
    return InvalidArgument("the masking policy needs \"version\": an integer >= 1");
  }
  if (rules == document.end() || !rules->is_array() || rules->empty()) {
    return InvalidArgument("the masking policy needs \"rules\": a non-empty list of rules");
  }
  MaskingPolicy policy;
  policy.version_ = version->get<int>();
  for (size_t i = 0; i < rules->size(); ++i) {
    ASSIGN_OR_RETURN(PolicyRule rule, ParseRule((*rules)[i], i));
    policy.rules_.push_back(std::move(rule));
  }
  return policy;
}

json MaskingPolicy::ToJson() const {
  json rules = json::array();
  for (const PolicyRule& rule : rules_) rules.push_back(RuleJson(rule));
  return {{"version", version_}, {"rules", rules}};
}

Operator MaskingPolicy::Decide(std::string_view category, Level level, security::Role role,
                               Level clearance) const {
  Operator op;
  op.kind = OperatorKind::kKeep;
  if (clearance >= level) return op;
  for (const PolicyRule& rule : rules_) {
    if (rule.Matches(category, level, role, clearance)) return rule.op;
  }
  op.kind = OperatorKind::kNullify;
  return op;
}

}  // namespace citydata::masking
