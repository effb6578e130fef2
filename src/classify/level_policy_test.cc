#include "classify/level_policy.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace citydata::classify {
namespace {

TEST(LevelPolicy, DefaultGrades) {
  const LevelPolicy& policy = LevelPolicy::Default();
  EXPECT_EQ(policy.version(), kDefaultPolicyVersion);
  EXPECT_EQ(policy.LevelOf(Category::kIdCard), Level::kGeneral4);
  EXPECT_EQ(policy.LevelOf(Category::kBankCard), Level::kGeneral4);
  EXPECT_EQ(policy.LevelOf(Category::kHealth), Level::kGeneral4);
  EXPECT_EQ(policy.LevelOf(Category::kName), Level::kGeneral3);
  EXPECT_EQ(policy.LevelOf(Category::kMobile), Level::kGeneral3);
  EXPECT_EQ(policy.LevelOf(Category::kUscc), Level::kGeneral2);
  EXPECT_EQ(policy.LevelOf(Category::kNone), Level::kGeneral1);
}

TEST(LevelPolicy, JsonRoundTrip) {
  nlohmann::json json = LevelPolicy::Default().ToJson();
  EXPECT_EQ(json["levels"]["id_card"], "general-4");
  json["version"] = "city 2";
  json["levels"]["coordinates"] = "general-4";
  Result<LevelPolicy> edited = LevelPolicy::Parse(json.dump());
  ASSERT_TRUE(edited.ok()) << edited.status().ToString();
  EXPECT_EQ(edited->version(), "city 2");
  EXPECT_EQ(edited->LevelOf(Category::kCoordinates), Level::kGeneral4);
  EXPECT_EQ(edited->ToJson(), json);
}

std::string ErrorOf(const nlohmann::json& json) {
  Result<LevelPolicy> policy = LevelPolicy::FromJson(json);
  EXPECT_FALSE(policy.ok());
  EXPECT_EQ(policy.status().code(), ErrorCode::kInvalidArgument);
  return policy.ok() ? "" : policy.status().message();
}

TEST(LevelPolicy, RejectsWithHelpfulMessages) {
  nlohmann::json json = LevelPolicy::Default().ToJson();
  nlohmann::json unknown_category = json;
  unknown_category["levels"]["blood_type"] = "general-4";
  EXPECT_NE(ErrorOf(unknown_category).find("levels.blood_type: unknown category"),
            std::string::npos);
  nlohmann::json unknown_level = json;
  unknown_level["levels"]["name"] = "secret";
  EXPECT_NE(ErrorOf(unknown_level).find("levels.name: unknown data level 'secret'"),
            std::string::npos);
  nlohmann::json missing = json;
  missing["levels"].erase("ip");
  EXPECT_NE(ErrorOf(missing).find("no level for: ip"), std::string::npos);
  nlohmann::json no_version = json;
  no_version.erase("version");
  EXPECT_NE(ErrorOf(no_version).find("\"version\""), std::string::npos);
  EXPECT_FALSE(LevelPolicy::Parse("{not json").ok());
}

TEST(LevelPolicy, CreateRejectsDuplicates) {
  std::vector<PolicyEntry> entries = LevelPolicy::Default().Entries();
  entries.push_back({Category::kName, Level::kGeneral4});
  Result<LevelPolicy> policy = LevelPolicy::Create("v", entries);
  ASSERT_FALSE(policy.ok());
  EXPECT_NE(policy.status().message().find("'name' is graded twice"), std::string::npos);
}

TEST(Grading, ColumnLevelTakesEmbeddedMaximum) {
  const LevelPolicy& policy = LevelPolicy::Default();
  ColumnClassification remarks;
  remarks.category = "none";
  remarks.embedded = {{"mobile", 0.3}, {"id_card", 0.1}};
  Result<Level> level = ColumnLevel(policy, remarks);
  ASSERT_TRUE(level.ok());
  EXPECT_EQ(*level, Level::kGeneral4);
  ColumnClassification column;
  column.category = "uscc";
  EXPECT_EQ(*ColumnLevel(policy, column), Level::kGeneral2);
  column.category = "blood_type";
  EXPECT_FALSE(ColumnLevel(policy, column).ok());
}

TEST(Grading, DatasetGradeIsTheMaximum) {
  EXPECT_EQ(DatasetGrade({}), Level::kGeneral1);
  std::vector<Level> levels = {Level::kGeneral2, Level::kGeneral4, Level::kGeneral3};
  EXPECT_EQ(DatasetGrade(levels), Level::kGeneral4);
}

}  // namespace
}  // namespace citydata::classify
