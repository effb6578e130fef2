#include "classify/level_policy.h"

#include <algorithm>
#include <nlohmann/json.hpp>

namespace citydata::classify {
namespace {

using C = Category;
using L = Level;

// The default grading. Personal information that GB/T 35273-2020 (appendix B) and
// PIPL art. 28 call sensitive — identity document numbers, financial accounts,
// health, religious belief — is general-4, the level common sector practice gives an
// ID number or a bank card. Other personal information that identifies or reaches a
// person (names, phones, addresses, plates, birth dates, e-mail) is general-3;
// ethnicity is personal basic information in GB/T 35273 (sensitive only in some
// sector rules, which can raise it). Coordinates are general-3: in city data most
// locate facilities, not people; a policy for datasets of people's tracks (行踪轨迹,
// sensitive) should raise them to general-4. Credit codes and IP addresses identify
// organisations and devices: general-2. Columns with nothing found are general-1.
// No category alone makes data important or core: that depends on scale and
// context, which stewards grade per dataset.
constexpr PolicyEntry kDefaultEntries[] = {
    {C::kIdCard, L::kGeneral4},      {C::kBankCard, L::kGeneral4},
    {C::kPassport, L::kGeneral4},    {C::kHkMacauPermit, L::kGeneral4},
    {C::kHealth, L::kGeneral4},      {C::kReligion, L::kGeneral4},
    {C::kName, L::kGeneral3},        {C::kMobile, L::kGeneral3},
    {C::kLandline, L::kGeneral3},    {C::kAddress, L::kGeneral3},
    {C::kEmail, L::kGeneral3},       {C::kPlate, L::kGeneral3},
    {C::kBirthDate, L::kGeneral3},   {C::kEthnicity, L::kGeneral3},
    {C::kCoordinates, L::kGeneral3}, {C::kUscc, L::kGeneral2},
    {C::kIp, L::kGeneral2},          {C::kNone, L::kGeneral1},
};

Result<PolicyEntry> EntryFromJson(const std::string& key, const nlohmann::json& value) {
  ASSIGN_OR_RETURN(Category category, ParseCategory(key));
  if (!value.is_string()) {
    return InvalidArgument("the level must be a string such as \"general-3\"");
  }
  ASSIGN_OR_RETURN(Level level, ParseLevel(value.get<std::string>()));
  return PolicyEntry{category, level};
}

Result<std::vector<PolicyEntry>> EntriesFromJson(const nlohmann::json& levels) {
  if (!levels.is_object()) {
    return InvalidArgument("\"levels\" must be an object mapping category ids to levels");
  }
  std::vector<PolicyEntry> entries;
  for (const auto& [key, value] : levels.items()) {
    Result<PolicyEntry> entry = EntryFromJson(key, value);
    if (!entry.ok()) return entry.status().WithContext("levels." + key);
    entries.push_back(*entry);
  }
  return entries;
}

}  // namespace

Result<LevelPolicy> LevelPolicy::Create(std::string version, std::span<const PolicyEntry> entries) {
  if (version.empty()) return InvalidArgument("a level policy needs a non-empty version");
  std::array<Level, kCategoryCount> levels{};
  CategorySet seen;
  for (const PolicyEntry& entry : entries) {
    size_t index = CategoryIndex(entry.category);
    if (seen.test(index)) {
      return InvalidArgument("category '" + std::string(CategoryName(entry.category)) +
                             "' is graded twice; keep one entry");
    }
    seen.set(index);
    levels[index] = entry.level;
  }
  std::string missing;
  for (Category category : AllCategories()) {
    if (!seen.test(CategoryIndex(category))) {
      missing += (missing.empty() ? "" : ", ") + std::string(CategoryName(category));
    }
  }
  if (!missing.empty()) return InvalidArgument("the policy grades no level for: " + missing);
  return LevelPolicy(std::move(version), levels);
}

const LevelPolicy& LevelPolicy::Default() {
  static const LevelPolicy policy =
      std::move(Create(std::string(kDefaultPolicyVersion), kDefaultEntries)).value();
  return policy;
}

Result<LevelPolicy> LevelPolicy::FromJson(const nlohmann::json& json) {
  if (!json.is_object()) return InvalidArgument("a level policy must be a JSON object");
  if (!json.contains("version") || !json["version"].is_string()) {
    return InvalidArgument("\"version\" must be a string, e.g. \"GB/T 43697-2024 city 2\"");
  }
  if (!json.contains("levels")) return InvalidArgument("\"levels\" is missing");
  ASSIGN_OR_RETURN(std::vector<PolicyEntry> entries, EntriesFromJson(json["levels"]));
  return Create(json["version"].get<std::string>(), entries);
}

Result<LevelPolicy> LevelPolicy::Parse(std::string_view json_text) {
  nlohmann::json json = nlohmann::json::parse(json_text, nullptr, /*allow_exceptions=*/false);
  if (json.is_discarded()) return InvalidArgument("the level policy is not valid JSON");
  return FromJson(json);
}

nlohmann::json LevelPolicy::ToJson() const {
  nlohmann::json levels = nlohmann::json::object();
  for (const PolicyEntry& entry : Entries()) {
    levels[std::string(CategoryName(entry.category))] = std::string(LevelName(entry.level));
  }
  return {{"version", version_}, {"levels", levels}};
}

std::vector<PolicyEntry> LevelPolicy::Entries() const {
  std::vector<PolicyEntry> entries;
  for (Category category : AllCategories()) entries.push_back({category, LevelOf(category)});
  return entries;
}

Result<Level> ColumnLevel(const LevelPolicy& policy, const ColumnClassification& column) {
  ASSIGN_OR_RETURN(Category category, ParseCategory(column.category));
  Level level = policy.LevelOf(category);
  for (const EmbeddedCategory& embedded : column.embedded) {
    ASSIGN_OR_RETURN(Category inner, ParseCategory(embedded.category));
    level = std::max(level, policy.LevelOf(inner));
  }
  return level;
}

Level DatasetGrade(std::span<const Level> column_levels) {
  Level grade = Level::kGeneral1;
  for (Level level : column_levels) grade = std::max(grade, level);
  return grade;
}

}  // namespace citydata::classify
