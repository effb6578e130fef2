#include <gtest/gtest.h>

#include "catalog/profiler.h"
#include "quality/report.h"
#include "quality/suggest.h"

namespace citydata::quality {
namespace {

catalog::ColumnProfile Profile(const std::string& name, ColumnType type,
                               const std::vector<Value>& values) {
  catalog::ColumnProfiler profiler(name, type);
  for (const auto& v : values) profiler.Add(v);
  return profiler.Finish();
}

TEST(SuggestTest, FromProfiles) {
  std::vector<Value> ids, sexes, ages, notes;
  for (int i = 0; i < 200; ++i) {
    ids.push_back(std::string(i == 0 ? "bad" : "11010519491231002X").substr(0, 100) +
                  std::string());
    sexes.push_back(std::string(i % 2 ? "1" : "2"));
    ages.push_back(int64_t{18 + i % 50});
    notes.push_back(i % 10 == 0 ? Value() : Value(std::to_string(i)));
  }
  std::vector<catalog::ColumnProfile> profiles = {
      Profile("id_number", ColumnType::kText, ids), Profile("sex", ColumnType::kText, sexes),
      Profile("age", ColumnType::kInteger, ages), Profile("note", ColumnType::kText, notes)};
  RulePlan plan = SuggestRules(*ParseDatasetName("raw.people"), profiles);
  std::string yaml = PlanToYaml(plan);
  auto parsed = ParsePlan(yaml);
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString() << "\n" << yaml;
  std::map<std::string, Rule> by_id;
  for (const auto& r : parsed->rules) by_id[r.id] = r;
  ASSERT_TRUE(by_id.contains("id_card_id_number")) << yaml;
  EXPECT_DOUBLE_EQ(by_id["id_card_id_number"].mostly, 0.99);
  ASSERT_TRUE(by_id.contains("in_set_sex")) << yaml;
  EXPECT_EQ(by_id["in_set_sex"].params["values"].size(), 2u);
  ASSERT_TRUE(by_id.contains("range_age")) << yaml;
  EXPECT_EQ(by_id["range_age"].params["min"], 18);
  EXPECT_EQ(by_id["range_age"].params["max"], 67);
  EXPECT_TRUE(by_id.contains("not_null_age"));
  EXPECT_FALSE(by_id.contains("not_null_note")) << "10% NULLs is above the 1% limit";
  EXPECT_TRUE(by_id.contains("row_count"));
}

TEST(ReportTest, SelfContainedAndEscaped) {
  RunResult run;
  run.dataset = *ParseDatasetName("raw.people");
  run.rows = 3;
  run.score = 66.7;
  run.dimensions[Dimension::kValidity] = 66.7;
  RuleResult r;
  r.id = "id_ok";
  r.type = RuleType::kIdCard;
  r.columns = {"id"};
  r.checked = 3;
  r.failed = 1;
  r.failed_ratio = 1.0 / 3;
  r.passed = false;
  r.samples.push_back({7, {std::string("<script>alert(1)</script>")}, "charset"});
  run.rules.push_back(r);
  std::string html = RenderHtmlReport(run);
  EXPECT_NE(html.find("<svg"), std::string::npos);
  EXPECT_NE(html.find("规范性 (validity)"), std::string::npos);
  EXPECT_NE(html.find("&lt;script&gt;"), std::string::npos);
  EXPECT_EQ(html.find("<script"), std::string::npos);
  EXPECT_EQ(html.find("http://"), html.find("http://www.w3.org/2000/svg"));
  EXPECT_EQ(html.find("https://"), std::string::npos);
  EXPECT_NE(html.find("未通过 (failed)"), std::string::npos);
}

}  // namespace
}  // namespace citydata::quality
