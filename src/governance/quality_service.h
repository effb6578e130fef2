// The quality service (数据质量): stores each dataset's rule plan, evaluates it on
// demand, after ingests and on a schedule, keeps every run's results and failing rows
// (the issue list a provider department works through), renders reports, suggests
// rules from profiles, and gates ingests (IngestQualityHook).
//
// Thread safety: safe to use from many threads.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "catalog/catalog_service.h"
#include "core/metrics.h"
#include "core/status.h"
#include "governance/standards_service.h"
#include "ingest/ingest_service.h"
#include "quality/rule.h"
#include "storage/engine.h"
#include "storage/governance_store.h"

namespace citydata::governance {

struct IssuePage {
  std::string run_id;
  std::vector<storage::QualityIssueRecord> items;
  int64_t total = 0;
};

class QualityService : public ingest::IngestQualityHook {
 public:
  // Failing rows are kept for this many most recent runs of each dataset.
  static constexpr int64_t kRunsWithIssues = 5;

  QualityService(storage::GovernanceStore& store, storage::Engine& engine,
                 catalog::CatalogService& catalog, StandardsService& standards, Metrics& metrics)
      : store_(store),
        engine_(engine),
        catalog_(catalog),
        standards_(standards),
        metrics_(metrics) {}

  // Parses a plan (YAML or JSON), checks that its dataset and every column its rules
  // name exist, and stores it as the dataset's plan (replacing the previous one).
  Result<quality::RulePlan> Apply(std::string_view text);
  // NotFound when the dataset has no plan.
  Result<quality::RulePlan> Plan(const DatasetName& dataset);

  // Evaluates the dataset's plan and stores the run and its failing rows. `trigger` is
  // "manual", "ingest" or "schedule". Returns the run as JSON (see quality::ToJson)
  // with its run_id.
  Result<nlohmann::json> Run(const DatasetName& dataset, const std::string& trigger,
                             const std::string& job_id);
  // Newest first: the trend of scores.
  Result<std::vector<storage::QualityRunRecord>> Runs(const DatasetName& dataset, int64_t limit);
  // A run's stored result (run_id "" = the latest run of the dataset).
  Result<storage::QualityRunRecord> GetRun(const DatasetName& dataset, const std::string& run_id);
  // The run (run_id "" = latest) as a self-contained HTML page.
  Result<std::string> Report(const DatasetName& dataset, const std::string& run_id);
  // Rules suggested from the dataset's column profiles, as a plan in YAML.
  Result<std::string> Suggest(const DatasetName& dataset);
  // The failing rows of a run (run_id "" = latest), optionally of one rule.
  Result<IssuePage> Issues(const DatasetName& dataset, const std::string& run_id,
                           const std::string& rule_id, int64_t limit, int64_t offset);

  // IngestQualityHook
  Result<bool> HasGate(const DatasetName& dataset) override;
  Result<ingest::QualityVerdict> CheckBatch(const DatasetName& dataset, const DatasetName& staged,
                                            const std::string& job_id) override;
  Result<ingest::QualityVerdict> AfterPublish(const DatasetName& dataset,
                                              const std::string& job_id) override;

 private:
  // Evaluates `plan` (over plan.dataset) and stores the run under `dataset`.
  Result<nlohmann::json> Evaluate(const DatasetName& dataset, const quality::RulePlan& plan,
                                  const std::string& trigger, const std::string& job_id);

  storage::GovernanceStore& store_;
  storage::Engine& engine_;
  catalog::CatalogService& catalog_;
  StandardsService& standards_;
  Metrics& metrics_;
};

}  // namespace citydata::governance
