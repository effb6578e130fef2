#include "governance/quality_service.h"

#include <algorithm>
#include <map>
#include <memory>
#include <unordered_set>

#include "catalog/profiler.h"
#include "core/clock.h"
#include "core/json_util.h"
#include "quality/evaluator.h"
#include "quality/report.h"
#include "quality/suggest.h"

namespace citydata::governance {
namespace {

using nlohmann::json;

// Runs of a batch's gate rules over its staging table: kept for the quarantine's issue
// list, but not part of the dataset's own history (trend, latest run, drift baselines).
constexpr const char* kGateTrigger = "gate";
constexpr int64_t kRunsScanned = 50;

// The newest run over the dataset itself (not a gate run), if any.
Result<std::optional<storage::QualityRunRecord>> LatestDatasetRun(storage::GovernanceStore& store,
                                                                  const DatasetName& dataset) {
  ASSIGN_OR_RETURN(auto runs, store.ListQualityRuns(dataset, kRunsScanned));
  for (auto& r : runs) {
    if (r.trigger != kGateTrigger) return std::optional<storage::QualityRunRecord>(std::move(r));
  }
  return std::optional<storage::QualityRunRecord>();
}

// Adds a failing row to the run's issues; `value` is scratch space reused from row to
// row.
void AddIssue(storage::QualityIssueSet& issues, const quality::Issue& issue, std::string& value) {
  if (issue.detail.empty()) return issues.Add(issue.rule_id, issue.row_id, issue.key, issue.value);
  value.assign(issue.value).append(" (").append(issue.detail).append(")");
  issues.Add(issue.rule_id, issue.row_id, issue.key, value);
}

// {"run_id", "score", "failed_rules": [...]} for job records.
json Summary(const json& run) {
  json failed = json::array();
  for (const auto& r : run["rules"]) {
    if (!r.value("passed", true)) failed.push_back(r.value("id", ""));
  }
  return {{"run_id", run.value("run_id", "")},
          {"score", run.value("score", 0.0)},
          {"failed_rules", failed}};
}

Status CheckColumns(const quality::RulePlan& plan, const storage::DatasetMeta& meta) {
  auto has = [&](const std::string& name) {
    return std::any_of(meta.columns.begin(), meta.columns.end(),
                       [&](const storage::ColumnMeta& c) { return c.name == name; });
  };
  if (!plan.key_column.empty() && !has(plan.key_column)) {
    return InvalidArgument("key column '" + plan.key_column + "' is not in " +
                           meta.name.ToString());
  }
  for (const auto& rule : plan.rules) {
    for (const auto& col : rule.columns) {
      if (!has(col)) {
        return InvalidArgument("rule " + rule.id + ": column '" + col + "' is not in " +
                               meta.name.ToString());
      }
    }
  }
  return Status::Ok();
}

}  // namespace

Result<quality::RulePlan> QualityService::Apply(std::string_view text) {
  ASSIGN_OR_RETURN(quality::RulePlan plan, quality::ParsePlan(text));
  ASSIGN_OR_RETURN(storage::DatasetMeta meta, catalog_.Get(plan.dataset));
  RETURN_IF_ERROR(CheckColumns(plan, meta));
  RETURN_IF_ERROR(store_.PutQualityPlan({plan.dataset, quality::PlanToYaml(plan), ""}));
  return plan;
}

Result<quality::RulePlan> QualityService::Plan(const DatasetName& dataset) {
  ASSIGN_OR_RETURN(auto record, store_.GetQualityPlan(dataset));
  if (!record) {
    return NotFound("dataset " + dataset.ToString() +
                    " has no quality plan; apply one with "
                    "`citydata quality apply FILE` (or start from `citydata quality suggest " +
                    dataset.ToString() + "`)");
  }
  return quality::ParsePlan(record->text);
}

Result<json> QualityService::Run(const DatasetName& dataset, const std::string& trigger,
                                 const std::string& job_id) {
  ASSIGN_OR_RETURN(quality::RulePlan plan, Plan(dataset));
  return Evaluate(dataset, plan, trigger, job_id);
}

Result<json> QualityService::Evaluate(const DatasetName& dataset, const quality::RulePlan& plan,
                                      const std::string& trigger, const std::string& job_id) {
  // Code sets stay alive for the whole evaluation; the resolver hands out raw pointers.
  std::map<std::string, std::shared_ptr<const std::unordered_set<std::string>>> code_sets;
  quality::EvalContext ctx;
  ctx.engine = &engine_;
  ctx.code_tables = [&](std::string_view id) -> const std::unordered_set<std::string>* {
    auto& set = code_sets[std::string(id)];
    if (!set) set = standards_.CodeSet(std::string(id));
    return set.get();
  };
  ASSIGN_OR_RETURN(auto previous, LatestDatasetRun(store_, dataset));
  if (previous && trigger != kGateTrigger) {
    json last = json::parse(previous->result_json, nullptr, false);
    if (last.is_object() && last.contains("rules")) {
      for (const auto& r : last["rules"])
        ctx.previous_metrics[r.value("id", "")] = r.value("metrics", json());
    }
  }
  storage::QualityRunRecord record{NewId("qr_"), dataset, trigger, job_id, NowIso(),
                                   "",           0,       "{}",    ""};
  // Failing rows are kept in memory until the run is stored with them: the evaluator
  // calls the sink from its delivery thread, one call at a time.
  storage::QualityIssueSet issues;
  std::string value;
  ASSIGN_OR_RETURN(
      quality::RunResult result,
      quality::Evaluate(plan, ctx, [&](const quality::Issue& i) { AddIssue(issues, i, value); }));
  json out = quality::ToJson(result);
  out["run_id"] = record.id;
  out["dataset"] = dataset.ToString();
  out["trigger"] = trigger;
  out["started_at"] = record.started_at;
  record.finished_at = NowIso();
  out["finished_at"] = record.finished_at;
  record.score = result.score;
  record.result_json = DumpJson(out);
  result.dataset = dataset;
  record.report_html = quality::RenderHtmlReport(result, {"", record.id, record.finished_at});
  RETURN_IF_ERROR(store_.AddQualityRun(record, issues));
  RETURN_IF_ERROR(store_.PruneQualityIssues(dataset, kRunsWithIssues));
  metrics_.Increment("citydata_quality_runs_total", {{"trigger", trigger}});
  return out;
}

Result<std::vector<storage::QualityRunRecord>> QualityService::Runs(const DatasetName& dataset,
                                                                    int64_t limit) {
  ASSIGN_OR_RETURN(auto runs, store_.ListQualityRuns(dataset, std::clamp<int64_t>(limit, 1, 1000)));
  std::erase_if(runs, [](const auto& r) { return r.trigger == kGateTrigger; });
  return runs;
}

Result<storage::QualityRunRecord> QualityService::GetRun(const DatasetName& dataset,
                                                         const std::string& run_id) {
  if (run_id.empty()) {
    ASSIGN_OR_RETURN(auto latest, LatestDatasetRun(store_, dataset));
    if (!latest) {
      return NotFound("dataset " + dataset.ToString() + " has no quality runs yet; run " +
                      "`citydata quality run " + dataset.ToString() + "`");
    }
    return std::move(*latest);
  }
  ASSIGN_OR_RETURN(auto run, store_.GetQualityRun(run_id));
  if (!run || !(run->dataset == dataset)) {
    return NotFound("quality run '" + run_id + "' of " + dataset.ToString() + " does not exist");
  }
  return std::move(*run);
}

Result<std::string> QualityService::Report(const DatasetName& dataset, const std::string& run_id) {
  ASSIGN_OR_RETURN(storage::QualityRunRecord run, GetRun(dataset, run_id));
  return std::move(run.report_html);
}

Result<std::string> QualityService::Suggest(const DatasetName& dataset) {
  ASSIGN_OR_RETURN(storage::DatasetMeta meta, catalog_.Get(dataset));
  std::vector<catalog::ColumnProfile> profiles;
  for (const auto& c : meta.columns) {
    json profile = json::parse(c.profile_json, nullptr, false);
    if (profile.is_object()) profiles.push_back(catalog::ColumnProfileFromJson(profile));
  }
  return quality::PlanToYaml(quality::SuggestRules(dataset, profiles));
}

Result<IssuePage> QualityService::Issues(const DatasetName& dataset, const std::string& run_id,
                                         const std::string& rule_id, int64_t limit,
                                         int64_t offset) {
  ASSIGN_OR_RETURN(storage::QualityRunRecord run, GetRun(dataset, run_id));
  ASSIGN_OR_RETURN(auto page,
                   store_.ListQualityIssues(run.id, rule_id, std::clamp<int64_t>(limit, 1, 100000),
                                            std::max<int64_t>(offset, 0)));
  return IssuePage{run.id, std::move(page.first), page.second};
}

Result<bool> QualityService::HasGate(const DatasetName& dataset) {
  ASSIGN_OR_RETURN(auto record, store_.GetQualityPlan(dataset));
  if (!record) return false;
  ASSIGN_OR_RETURN(quality::RulePlan plan, quality::ParsePlan(record->text));
  return std::any_of(plan.rules.begin(), plan.rules.end(), [](const auto& r) { return r.gate; });
}

Result<ingest::QualityVerdict> QualityService::CheckBatch(const DatasetName& dataset,
                                                          const DatasetName& staged,
                                                          const std::string& job_id) {
  ASSIGN_OR_RETURN(quality::RulePlan plan, Plan(dataset));
  std::erase_if(plan.rules, [](const quality::Rule& r) { return !r.gate; });
  plan.dataset = staged;
  ASSIGN_OR_RETURN(json run, Evaluate(dataset, plan, kGateTrigger, job_id));
  bool passed = std::all_of(run["rules"].begin(), run["rules"].end(),
                            [](const json& r) { return r.value("passed", true); });
  return ingest::QualityVerdict{passed, Summary(run)};
}

Result<ingest::QualityVerdict> QualityService::AfterPublish(const DatasetName& dataset,
                                                            const std::string& job_id) {
  ASSIGN_OR_RETURN(auto record, store_.GetQualityPlan(dataset));
  if (!record) return ingest::QualityVerdict{};
  ASSIGN_OR_RETURN(json run, Run(dataset, "ingest", job_id));
  return ingest::QualityVerdict{true, Summary(run)};
}

}  // namespace citydata::governance
