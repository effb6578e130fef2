#include "quality/rule.h"

#include <gtest/gtest.h>

namespace citydata::quality {
namespace {

constexpr const char* kIssuePlan = R"yaml(
dataset: raw.household_registry
key: id_number
rules:
  - {id: id_ok, column: id_number, type: id_card, severity: error, mostly: 0.99}
  - {column: name, type: not_null}
  - {columns: [id_number], type: unique}
  - {column: sex, type: in_code_table, table: GB/T 2261.1}
  - {type: expression, expr: "birth_date = id_birth_date(id_number)", severity: warning}
  - {column: dept_code, type: reference, ref: std.departments.code}
  - {type: row_count, min: 1000}
)yaml";

TEST(ParsePlanTest, ParsesTheIssueExample) {
  auto plan = ParsePlan(kIssuePlan);
  ASSERT_TRUE(plan.ok()) << plan.status().ToString();
  EXPECT_EQ(plan->dataset.ToString(), "raw.household_registry");
  EXPECT_EQ(plan->key_column, "id_number");
  ASSERT_EQ(plan->rules.size(), 7u);
  const Rule& id = plan->rules[0];
  EXPECT_EQ(id.id, "id_ok");
  EXPECT_EQ(id.type, RuleType::kIdCard);
  EXPECT_DOUBLE_EQ(id.mostly, 0.99);
  EXPECT_EQ(id.dimension, Dimension::kValidity);
  EXPECT_EQ(plan->rules[1].id, "not_null_name");
  EXPECT_EQ(plan->rules[1].dimension, Dimension::kCompleteness);
  EXPECT_EQ(plan->rules[2].id, "unique_id_number");
  EXPECT_EQ(plan->rules[3].params["table"], "GB/T 2261.1");
  EXPECT_EQ(plan->rules[4].id, "expression");
  EXPECT_EQ(plan->rules[4].severity, Severity::kWarning);
  EXPECT_EQ(plan->rules[4].dimension, Dimension::kAccuracy);
  EXPECT_EQ(plan->rules[6].params["min"], 1000);
}

TEST(ParsePlanTest, JsonIsAccepted) {
  auto plan = ParsePlan(
      R"({"dataset": "raw.x", "rules": [{"column": "a", "type": "in_set", "values": ["1", 2]}]})");
  ASSERT_TRUE(plan.ok()) << plan.status().ToString();
  EXPECT_EQ(plan->rules[0].params["values"][0], "1");
  EXPECT_EQ(plan->rules[0].params["values"][1], 2);
}

TEST(ParsePlanTest, DefaultIdsAreMadeUnique) {
  auto plan = ParsePlan(R"(
dataset: raw.x
rules:
  - {column: a, type: not_null}
  - {column: a, type: not_null, severity: warning}
  - {id: not_null_a_3, column: b, type: not_null}
  - {column: a, type: not_null}
)");
  ASSERT_TRUE(plan.ok()) << plan.status().ToString();
  EXPECT_EQ(plan->rules[0].id, "not_null_a");
  EXPECT_EQ(plan->rules[1].id, "not_null_a_2");
  EXPECT_EQ(plan->rules[3].id, "not_null_a_4");
}

TEST(ParsePlanTest, BankCardDefaultsToWarning) {
  auto plan = ParsePlan("dataset: raw.x\nrules:\n  - {column: c, type: bank_card}\n");
  ASSERT_TRUE(plan.ok());
  EXPECT_EQ(plan->rules[0].severity, Severity::kWarning);
}

TEST(ParsePlanTest, DimensionOverrideInChinese) {
  auto plan =
      ParsePlan("dataset: raw.x\nrules:\n  - {column: c, type: not_null, dimension: 准确性}\n");
  ASSERT_TRUE(plan.ok());
  EXPECT_EQ(plan->rules[0].dimension, Dimension::kAccuracy);
}

struct BadPlan {
  const char* text;
  const char* message;
};

class ParsePlanErrorTest : public testing::TestWithParam<BadPlan> {};

TEST_P(ParsePlanErrorTest, NamesTheProblem) {
  auto plan = ParsePlan(GetParam().text);
  ASSERT_FALSE(plan.ok());
  EXPECT_EQ(plan.status().code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(plan.status().message().find(GetParam().message), std::string::npos)
      << plan.status().message();
}

INSTANTIATE_TEST_SUITE_P(
    Errors, ParsePlanErrorTest,
    testing::Values(
        BadPlan{"dataset: raw.x\nrules:\n  - {column: a, type: not_null}\n  - {column: a, type: "
                "not_null}\n  - {id: id_ok, column: a, type: idcard}\n",
                "rule 3 (id_ok): unknown type 'idcard'; known types: not_null, not_empty"},
        BadPlan{"rules: []\n", "field 'dataset' is required"},
        BadPlan{"dataset: x\nrules: []\n", "field 'dataset'"},
        BadPlan{"dataset: raw.x\n", "field 'rules' is required"},
        BadPlan{"dataset: raw.x\nrules: [{type: not_null}]\n",
                "rule 1: field 'column' is required"},
        BadPlan{"dataset: raw.x\nrules: [{column: a, type: regex, pattern: '(a'}]\n",
                "not a valid RE2 pattern"},
        BadPlan{"dataset: raw.x\nrules: [{column: a, type: regex}]\n",
                "field 'pattern' is required"},
        BadPlan{"dataset: raw.x\nrules: [{column: a, type: not_null, mostly: 2}]\n",
                "field 'mostly' must be a number from 0 to 1"},
        BadPlan{"dataset: raw.x\nrules: [{column: a, type: not_null, severity: fatal}]\n",
                "unknown severity 'fatal'"},
        BadPlan{"dataset: raw.x\nrules: [{column: a, type: not_null, patern: x}]\n",
                "unknown field 'patern' for type not_null"},
        BadPlan{"dataset: raw.x\nrules: [{type: expression, expr: 'a = '}]\n", "field 'expr': at"},
        BadPlan{"dataset: raw.x\nrules: [{column: a, type: reference, ref: departments}]\n",
                "field 'ref' must be zone.dataset.column"},
        BadPlan{"dataset: raw.x\nrules: [{column: a, type: freshness, max_age: 3 days}]\n",
                "field 'max_age'"},
        BadPlan{"dataset: raw.x\nrules: [{column: a, type: range}]\n", "give 'min' or 'max'"},
        BadPlan{"dataset: raw.x\nrules: [{column: a, type: range, min: abc}]\n",
                "must be a number or a date"},
        BadPlan{"dataset: raw.x\nrules: [{column: a, type: type, value_type: text}]\n",
                "field 'value_type'"},
        BadPlan{"dataset: raw.x\nrules: [{id: a, column: a, type: not_null}, {id: a, column: b, "
                "type: not_null}]\n",
                "rule 2 (a): id 'a' is used by an earlier rule"},
        BadPlan{"dataset: raw.x\nrules: [{type: consistency, key: k, other: raw.y}]\n",
                "field 'compare' is required"},
        BadPlan{"dataset: raw.x\nrules: [{type: row_count}]\n", "give at least one of"},
        BadPlan{"dataset: raw.x\nrulez: []\n", "unknown plan field 'rulez'"},
        BadPlan{"dataset: [raw.x\n", "not valid YAML or JSON"}));

TEST(PlanToYamlTest, RoundTrips) {
  auto plan = ParsePlan(kIssuePlan);
  ASSERT_TRUE(plan.ok());
  std::string yaml = PlanToYaml(*plan);
  auto again = ParsePlan(yaml);
  ASSERT_TRUE(again.ok()) << again.status().ToString() << "\n" << yaml;
  EXPECT_EQ(ToJson(*again), ToJson(*plan)) << yaml;
}

TEST(PlanToYamlTest, QuotedNumbersStayStrings) {
  auto plan =
      ParsePlan("dataset: raw.x\nrules:\n  - {column: s, type: in_set, values: ['01', 2]}\n");
  ASSERT_TRUE(plan.ok());
  auto again = ParsePlan(PlanToYaml(*plan));
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->rules[0].params["values"][0], "01");
  EXPECT_EQ(again->rules[0].params["values"][1], 2);
}

TEST(RuleNamesTest, RoundTrip) {
  for (RuleType t : AllRuleTypes()) EXPECT_EQ(*ParseRuleType(RuleTypeName(t)), t);
  for (Dimension d : AllDimensions()) {
    EXPECT_EQ(*ParseDimension(DimensionName(d)), d);
    EXPECT_EQ(*ParseDimension(DimensionChineseName(d)), d);
  }
}

}  // namespace
}  // namespace citydata::quality
