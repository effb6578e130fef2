// Golden tests: every testdata/<case>.yaml is a plan evaluated over testdata/<case>.csv
// (loaded as the plan's dataset); testdata/<case>@<zone>.<name>.csv files are loaded as
// further datasets (for reference, consistency and sql rules) and
// testdata/<case>.previous.json, when present, holds the previous run's metrics by rule
// id. testdata/<case>.expected lists "<rule id> <failed>" per line, optionally followed
// by "warnings=<n>"; every rule of the plan must be listed. The run's clock is fixed
// at 2024-06-30 12:00 +08:00. Adding a case is adding its files.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <sstream>

#include "quality/evaluator.h"
#include "quality/testing_util.h"

namespace citydata::quality {
namespace {

namespace fs = std::filesystem;

constexpr int64_t kNow = 1719720000;  // 2024-06-30T04:00:00Z

std::vector<std::string> CaseNames() {
  std::vector<std::string> names;
  for (const auto& entry : fs::directory_iterator(CITYDATA_TESTDATA_DIR)) {
    if (entry.path().extension() == ".yaml") names.push_back(entry.path().stem().string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

struct Expectation {
  int64_t failed = 0;
  std::optional<int64_t> warnings;
};

std::map<std::string, Expectation> ReadExpected(const fs::path& path) {
  std::map<std::string, Expectation> out;
  std::istringstream in(testing::ReadFileForTest(path));
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    std::istringstream fields(line);
    std::string id, extra;
    Expectation e;
    fields >> id >> e.failed;
    while (fields >> extra) {
      if (extra.rfind("warnings=", 0) == 0) e.warnings = std::stoll(extra.substr(9));
    }
    out[id] = e;
  }
  return out;
}

void LoadCsv(storage::Engine& engine, const DatasetName& dataset, const fs::path& path) {
  auto table = testing::ParseCsvForTest(testing::ReadFileForTest(path));
  ASSERT_TRUE(table.ok()) << path << ": " << table.status().ToString();
  Status s = testing::LoadTableForTest(engine, dataset, *table);
  ASSERT_TRUE(s.ok()) << path << ": " << s.ToString();
}

void LoadExtraDatasets(storage::Engine& engine, const std::string& name) {
  for (const auto& entry : fs::directory_iterator(CITYDATA_TESTDATA_DIR)) {
    std::string file = entry.path().filename().string();
    std::string prefix = name + "@";
    if (file.rfind(prefix, 0) != 0 || entry.path().extension() != ".csv") continue;
    std::string dataset_name = file.substr(prefix.size(), file.size() - prefix.size() - 4);
    auto dataset = ParseDatasetName(dataset_name);
    ASSERT_TRUE(dataset.ok()) << file;
    LoadCsv(engine, *dataset, entry.path());
  }
}

class GoldenTest : public ::testing::TestWithParam<std::string> {};

TEST_P(GoldenTest, FailureCountsMatch) {
  const fs::path dir = CITYDATA_TESTDATA_DIR;
  const std::string& name = GetParam();
  auto plan = ParsePlan(testing::ReadFileForTest(dir / (name + ".yaml")));
  ASSERT_TRUE(plan.ok()) << plan.status().ToString();
  testing::TempEngine temp;
  LoadCsv(temp.engine(), plan->dataset, dir / (name + ".csv"));
  LoadExtraDatasets(temp.engine(), name);

  EvalContext ctx;
  ctx.engine = &temp.engine();
  ctx.code_tables = testing::TestCodeTables;
  ctx.threads = 2;
  ctx.now_unix_seconds = kNow;
  if (fs::exists(dir / (name + ".previous.json"))) {
    auto previous =
        nlohmann::json::parse(testing::ReadFileForTest(dir / (name + ".previous.json")));
    for (const auto& [id, metrics] : previous.items()) ctx.previous_metrics[id] = metrics;
  }
  std::map<std::string, int64_t> issues;
  auto run = Evaluate(*plan, ctx, [&](const Issue& issue) { ++issues[issue.rule_id]; });
  ASSERT_TRUE(run.ok()) << run.status().ToString();

  auto expected = ReadExpected(dir / (name + ".expected"));
  for (const RuleResult& r : run->rules) {
    SCOPED_TRACE("rule " + r.id + ": " + r.message);
    auto it = expected.find(r.id);
    ASSERT_NE(it, expected.end()) << "rule " << r.id << " is not listed in " << name << ".expected";
    EXPECT_EQ(r.failed, it->second.failed) << "rule " << r.id;
    if (it->second.warnings) {
      EXPECT_EQ(r.warnings, *it->second.warnings) << "rule " << r.id;
    }
    if (!IsDatasetLevel(r.type)) {
      EXPECT_EQ(issues[r.id], r.failed) << "issues of rule " << r.id;
      EXPECT_EQ(r.samples.size(), static_cast<size_t>(std::min<int64_t>(r.failed, 10)))
          << "rule " << r.id;
    }
    expected.erase(it);
  }
  for (const auto& [id, e] : expected)
    ADD_FAILURE() << "expected rule " << id << " is not in the plan";
}

INSTANTIATE_TEST_SUITE_P(Cases, GoldenTest, ::testing::ValuesIn(CaseNames()),
                         [](const ::testing::TestParamInfo<std::string>& p) { return p.param; });

}  // namespace
}  // namespace citydata::quality
