#include "governance/classification_service.h"

#include <algorithm>

#include "core/clock.h"

namespace citydata::governance {
namespace {

using nlohmann::json;

constexpr const char* kClassificationKind = "classification";
constexpr const char* kPolicyKind = "level_policy";

json ToJson(const classify::ColumnClassification& c) {
  json embedded = json::array();
  for (const auto& e : c.embedded) embedded.push_back({{"category", e.category}, {"share", e.share}});
  return {{"category", c.category},
          {"confidence", c.confidence},
          {"evidence",
           {{"name_match", c.evidence.name_match},
            {"pattern_share", c.evidence.pattern_share},
            {"validator_share", c.evidence.validator_share}}},
          {"embedded", embedded}};
}

classify::ColumnClassification FoundFromJson(const json& j) {
  classify::ColumnClassification c;
  c.category = j.value("category", "none");
  c.confidence = j.value("confidence", 0.0);
  const json& ev = j.contains("evidence") ? j["evidence"] : json::object();
  c.evidence.name_match = ev.value("name_match", "");
  c.evidence.pattern_share = ev.value("pattern_share", 0.0);
  c.evidence.validator_share = ev.value("validator_share", 0.0);
  for (const auto& e : j.value("embedded", json::array())) {
    c.embedded.push_back({e.value("category", ""), e.value("share", 0.0)});
  }
  return c;
}

Result<DatasetGrade> GradeFromJson(const std::string& text) {
  json j = json::parse(text, nullptr, false);
  if (!j.is_object()) return Internal("a stored classification is not valid JSON");
  DatasetGrade g;
  ASSIGN_OR_RETURN(g.dataset, ParseDatasetName(j.value("dataset", "")));
  ASSIGN_OR_RETURN(g.grade, ParseLevel(j.value("grade", "general-1")));
  g.policy_version = j.value("policy_version", "");
  g.classified_at = j.value("classified_at", "");
  g.sampled_rows = j.value("sampled_rows", int64_t{0});
  for (const auto& c : j.value("columns", json::array())) {
    ColumnGrade col;
    col.name = c.value("name", "");
    col.found = FoundFromJson(c.value("detected", json::object()));
    col.category = c.value("category", "none");
    ASSIGN_OR_RETURN(col.level, ParseLevel(c.value("level", "general-1")));
    col.source = c.value("source", "auto");
    col.reason = c.value("reason", "");
    col.decided_by = c.value("decided_by", "");
    col.decided_at = c.value("decided_at", "");
    g.columns.push_back(std::move(col));
  }
  return g;
}

// The policy level of `col` as it stands (its category in force, its embedded finds).
Result<Level> PolicyLevel(const classify::LevelPolicy& policy, const ColumnGrade& col) {
  classify::ColumnClassification in_force = col.found;
  in_force.category = col.category;
  return classify::ColumnLevel(policy, in_force);
}

}  // namespace

json ToJson(const DatasetGrade& g) {
  json columns = json::array();
  for (const auto& c : g.columns) {
    columns.push_back({{"name", c.name},
                       {"category", c.category},
                       {"level", LevelName(c.level)},
                       {"confidence", c.found.confidence},
                       {"evidence", ToJson(c.found)["evidence"]},
                       {"embedded", ToJson(c.found)["embedded"]},
                       {"detected", ToJson(c.found)},
                       {"source", c.source},
                       {"reason", c.reason},
                       {"decided_by", c.decided_by},
                       {"decided_at", c.decided_at}});
  }
  return {{"dataset", g.dataset.ToString()},
          {"grade", LevelName(g.grade)},
          {"policy_version", g.policy_version},
          {"classified_at", g.classified_at},
          {"sampled_rows", g.sampled_rows},
          {"columns", columns}};
}

Result<DatasetGrade> ClassificationService::Classify(const DatasetName& dataset) {
  ASSIGN_OR_RETURN(auto meta, meta_.GetDataset(dataset));
  if (!meta) return NotFound("dataset " + dataset.ToString() + " does not exist");
  ASSIGN_OR_RETURN(auto cursor, engine_.Scan(dataset, 0, kSampleRows));
  const size_t n = cursor->column_names().size();
  std::vector<std::vector<std::string>> values(n);
  std::vector<Value> row;
  int64_t rows = 0;
  while (true) {
    ASSIGN_OR_RETURN(bool more, cursor->Next(row));
    if (!more) break;
    ++rows;
    for (size_t i = 0; i < n && i < row.size(); ++i) {
      if (!IsNull(row[i])) values[i].push_back(ValueText(row[i]));
    }
  }
  DatasetGrade grade;
  grade.dataset = dataset;
  grade.classified_at = NowIso();
  grade.sampled_rows = rows;
  for (size_t i = 0; i < n; ++i) {
    std::vector<std::string_view> views(values[i].begin(), values[i].end());
    ColumnGrade col;
    col.name = cursor->column_names()[i];
    col.found = classifier_.ClassifyColumn(col.name, views);
    col.category = col.found.category;
    grade.columns.push_back(std::move(col));
  }
  std::lock_guard lock(mu_);
  ASSIGN_OR_RETURN(auto previous, Get(dataset));
  if (previous) {
    // Steward decisions survive re-classification.
    for (auto& col : grade.columns) {
      for (const auto& old : previous->columns) {
        if (old.name != col.name || old.source != "steward") continue;
        col.category = old.category;
        col.level = old.level;
        col.source = old.source;
        col.reason = old.reason;
        col.decided_by = old.decided_by;
        col.decided_at = old.decided_at;
      }
    }
  }
  ASSIGN_OR_RETURN(auto policy, CurrentPolicy());
  ASSIGN_OR_RETURN(grade, Regrade(std::move(grade), policy));
  RETURN_IF_ERROR(Store(grade));
  return grade;
}

Result<DatasetGrade> ClassificationService::Regrade(DatasetGrade grade,
                                                    const classify::LevelPolicy& policy) {
  std::vector<Level> levels;
  for (auto& col : grade.columns) {
    // A steward's level stands; everything else follows the policy.
    if (col.source != "steward") {
      ASSIGN_OR_RETURN(col.level, PolicyLevel(policy, col));
    }
    levels.push_back(col.level);
  }
  grade.grade = classify::DatasetGrade(levels);
  grade.policy_version = policy.version();
  return grade;
}

Status ClassificationService::Store(const DatasetGrade& grade) {
  std::string key = grade.dataset.ToString();
  std::lock_guard lock(kept_mu_);
  RETURN_IF_ERROR(store_.PutStandard({kClassificationKind, key, ToJson(grade).dump(), NowIso()}));
  kept_[key] = std::make_shared<const DatasetGrade>(grade);
  return Status::Ok();
}

Result<std::shared_ptr<const DatasetGrade>> ClassificationService::Get(const DatasetName& dataset) {
  std::string key = dataset.ToString();
  std::lock_guard lock(kept_mu_);
  auto it = kept_.find(key);
  if (it != kept_.end()) return it->second;
  ASSIGN_OR_RETURN(auto record, store_.GetStandard(kClassificationKind, key));
  // A miss is not kept: any name may be asked for, and Store fills the entry.
  if (!record) return std::shared_ptr<const DatasetGrade>();
  ASSIGN_OR_RETURN(auto parsed, GradeFromJson(record->json));
  auto grade = std::make_shared<const DatasetGrade>(std::move(parsed));
  kept_[key] = grade;
  return grade;
}

Result<DatasetGrade> ClassificationService::Decide(const DatasetName& dataset,
                                                   const std::string& column,
                                                   const std::string& category,
                                                   const std::string& level,
                                                   const std::string& reason,
                                                   const std::string& who) {
  if (reason.empty()) return InvalidArgument("a decision on a column needs a reason");
  if (!category.empty()) RETURN_IF_ERROR(classify::ParseCategory(category).status());
  std::lock_guard lock(mu_);
  ASSIGN_OR_RETURN(auto stored, Get(dataset));
  if (!stored) {
    return FailedPrecondition(dataset.ToString() + " has not been classified yet: run classify");
  }
  DatasetGrade edited = *stored;
  auto col = std::find_if(edited.columns.begin(), edited.columns.end(),
                          [&](const ColumnGrade& c) { return c.name == column; });
  if (col == edited.columns.end()) {
    return NotFound(dataset.ToString() + " has no column '" + column + "'");
  }
  ASSIGN_OR_RETURN(auto policy, CurrentPolicy());
  if (!category.empty()) col->category = category;
  if (level.empty()) {
    ASSIGN_OR_RETURN(col->level, PolicyLevel(policy, *col));
  } else {
    ASSIGN_OR_RETURN(col->level, ParseLevel(level));
  }
  col->source = "steward";
  col->reason = reason;
  col->decided_by = who;
  col->decided_at = NowIso();
  ASSIGN_OR_RETURN(auto grade, Regrade(std::move(edited), policy));
  RETURN_IF_ERROR(Store(grade));
  return grade;
}

Result<classify::LevelPolicy> ClassificationService::CurrentPolicy() {
  ASSIGN_OR_RETURN(auto records, store_.ListStandards(kPolicyKind));
  if (records.empty()) return classify::LevelPolicy::Default();
  auto latest = std::max_element(
      records.begin(), records.end(),
      [](const storage::StandardRecord& a, const storage::StandardRecord& b) { return a.id < b.id; });
  return classify::LevelPolicy::Parse(latest->json);
}

Result<classify::LevelPolicy> ClassificationService::PutPolicy(const std::string& policy_json) {
  json doc = json::parse(policy_json, nullptr, false);
  if (!doc.is_object()) return InvalidArgument("the level policy must be a JSON object");
  std::lock_guard lock(mu_);
  ASSIGN_OR_RETURN(auto records, store_.ListStandards(kPolicyKind));
  std::string id = storage::VersionId(records.size() + 1);
  if (doc.value("version", "").empty()) doc["version"] = "v" + std::to_string(records.size() + 1);
  ASSIGN_OR_RETURN(auto policy, classify::LevelPolicy::FromJson(doc));
  RETURN_IF_ERROR(store_.PutStandard({kPolicyKind, id, policy.ToJson().dump(), NowIso()}));
  ASSIGN_OR_RETURN(auto stored, store_.ListStandards(kClassificationKind));
  for (const auto& r : stored) {
    ASSIGN_OR_RETURN(auto grade, GradeFromJson(r.json));
    ASSIGN_OR_RETURN(grade, Regrade(std::move(grade), policy));
    RETURN_IF_ERROR(Store(grade));
  }
  return policy;
}

Result<std::vector<json>> ClassificationService::PolicyHistory() {
  ASSIGN_OR_RETURN(auto records, store_.ListStandards(kPolicyKind));
  std::sort(records.begin(), records.end(),
            [](const auto& a, const auto& b) { return a.id < b.id; });
  std::vector<json> out;
  out.push_back(classify::LevelPolicy::Default().ToJson());
  for (const auto& r : records) {
    json doc = json::parse(r.json, nullptr, false);
    doc["stored_at"] = r.updated_at;
    out.push_back(std::move(doc));
  }
  return out;
}

}  // namespace citydata::governance
