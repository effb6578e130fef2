// The masking policy: which operator a reader gets for a column, as versioned data.
//
// A reader whose clearance is at least the column's level sees the value unchanged.
// Otherwise the first rule that matches decides, and when none does the value is
// nullified (deny by default). A rule matches on the column's category and level and
// the reader's role and clearance; a missing matcher or "*" matches anything:
//
//   {"version": 1,
//    "rules": [
//      {"level": ["core", "important"], "operator": "nullify"},
//      {"role": "auditor", "category": ["id_card", "mobile"], "operator": "hash"},
//      {"category": "birth_date", "operator": "generalize:year"},
//      {"category": "*", "clearance_at_most": "general-1", "operator": "nullify"}]}
//
// category: a category id or a list of them (the classification ids, not checked
// against a list so that a policy may name categories before they are detected);
// level: a level name or list; role: a role name or list; clearance_at_most: a level,
// matching readers whose clearance is at most that level; operator: a spec of
// operator.h. Unknown fields are rejected so that a misspelt matcher cannot widen a
// rule unnoticed.
//
// Thread safety: immutable after parsing; safe to share between threads.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/sensitivity.h"
#include "core/status.h"
#include "masking/operator.h"
#include "security/principal.h"

namespace citydata::masking {

struct PolicyRule {
  std::vector<std::string> categories;     // empty: any
  std::vector<Level> levels;               // empty: any
  std::vector<security::Role> roles;       // empty: any
  std::optional<Level> clearance_at_most;  // nullopt: any
  Operator op;

  bool Matches(std::string_view category, Level level, security::Role role, Level clearance) const;
};

class MaskingPolicy {
 public:
  // The built-in policy (version 1), from the classification categories:
  //   core and important data              nullify
  //   auditors: id_card, mobile, bank_card hash (joinable in investigations)
  //   name, id_card, mobile, landline, email, address, bank_card, passport,
  //   hk_macau_permit, plate, ip           mask (the category's display form)
  //   uscc                                 keep: a legal entity's credit code is public
  //                                        (GB 32100 registration data)
  //   birth_date                           generalize:year
  //   coordinates                          generalize:round2 (about 1 km)
  //   health, religion, ethnicity          nullify (sensitive personal information)
  //   anything else                        nullify
  static const MaskingPolicy& BuiltIn();

  // Parses and validates a policy document as above. InvalidArgument naming the rule
  // and field at fault otherwise.
  static Result<MaskingPolicy> Parse(std::string_view json_text);
  static Result<MaskingPolicy> FromJson(const nlohmann::json& document);
  // The canonical document; FromJson(p.ToJson()) gives an equal policy.
  nlohmann::json ToJson() const;

  int version() const { return version_; }
  const std::vector<PolicyRule>& rules() const { return rules_; }

  // The operator for a column of `category` at `level`, read by `role` with `clearance`.
  Operator Decide(std::string_view category, Level level, security::Role role,
                  Level clearance) const;

 private:
  int version_ = 1;
  std::vector<PolicyRule> rules_;
};

}  // namespace citydata::masking
