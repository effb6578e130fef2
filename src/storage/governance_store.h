// The governance store: data standards (elements, code tables), column mappings,
// quality plans, quality runs and the rows each run found failing (the issue list, kept
// in blocks: issue_blocks.h).
//
// Kept apart from the MetaStore because its volume and lifecycle differ: a quality run
// over a large dataset may record millions of failing rows, which are pruned with old
// runs, while catalog metadata is small and permanent. Like the MetaStore, it is SQLite
// on one server and will move to PostgreSQL for several servers.
//
// Thread safety: safe to use from many threads.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/status.h"
#include "core/types.h"
#include "storage/issue_blocks.h"

namespace citydata::storage {

// A governance document stored as JSON: a user-defined or imported standard, a
// dataset's classification, a version of a policy.
struct StandardRecord {
  // "element", "code_table"; "classification" (id: the dataset); "level_policy" and
  // "masking_policy" (id: VersionId of the version number)
  std::string kind;
  std::string id;
  std::string json;
  std::string updated_at;
};

struct ColumnMappingRecord {
  std::string column;
  std::string element_id;
  double confidence = 0;
  std::string evidence;
  bool confirmed = false;  // accepted or corrected by a steward
};

struct QualityPlanRecord {
  DatasetName dataset;
  std::string text;  // the plan as applied (YAML or JSON)
  std::string updated_at;
};

struct QualityRunRecord {
  std::string id;
  DatasetName dataset;
  std::string trigger;  // "manual", "ingest" or "schedule"
  std::string job_id;   // the ingest job, for runs triggered by an ingest
  std::string started_at;
  std::string finished_at;
  double score = 0;
  std::string result_json;
  std::string report_html;  // the run rendered for people, self-contained
};

// The id of version `n` of a versioned document: zero-padded, so ids sort as versions.
inline std::string VersionId(size_t n) {
  std::string digits = std::to_string(n);
  return std::string(digits.size() < 8 ? 8 - digits.size() : 0, '0') + digits;
}

class GovernanceStore {
 public:
  virtual ~GovernanceStore() = default;

  // Standards: inserts or replaces by (kind, id).
  virtual Status PutStandard(const StandardRecord& record) = 0;
  virtual Result<std::vector<StandardRecord>> ListStandards(const std::string& kind) = 0;
  virtual Result<std::optional<StandardRecord>> GetStandard(const std::string& kind,
                                                            const std::string& id) = 0;
  // OK when it did not exist.
  virtual Status DeleteStandard(const std::string& kind, const std::string& id) = 0;

  // The dataset's column → data element mapping, replaced as a whole.
  virtual Status PutColumnMappings(const DatasetName& dataset,
                                   const std::vector<ColumnMappingRecord>& mappings) = 0;
  virtual Result<std::vector<ColumnMappingRecord>> GetColumnMappings(
      const DatasetName& dataset) = 0;

  virtual Status PutQualityPlan(const QualityPlanRecord& plan) = 0;
  virtual Result<std::optional<QualityPlanRecord>> GetQualityPlan(const DatasetName& dataset) = 0;
  virtual Result<std::vector<QualityPlanRecord>> ListQualityPlans() = 0;

  // Stores a finished run and its failing rows in one transaction: both or neither.
  // AlreadyExists when a run with this id exists.
  virtual Status AddQualityRun(const QualityRunRecord& run, const QualityIssueSet& issues) = 0;
  // Newest first.
  virtual Result<std::vector<QualityRunRecord>> ListQualityRuns(const DatasetName& dataset,
                                                                int64_t limit) = 0;
  virtual Result<std::optional<QualityRunRecord>> GetQualityRun(const std::string& run_id) = 0;

  // A run's failing rows, optionally of one rule ("" for all), by rule then row; and the total.
  virtual Result<std::pair<std::vector<QualityIssueRecord>, int64_t>> ListQualityIssues(
      const std::string& run_id, const std::string& rule_id, int64_t limit, int64_t offset) = 0;
  // Removes the failing rows of all but the newest `keep` runs of the dataset.
  virtual Status PruneQualityIssues(const DatasetName& dataset, int64_t keep) = 0;
};

// Opens (creating and migrating) the SQLite governance store at `path`.
Result<std::unique_ptr<GovernanceStore>> OpenSqliteGovernanceStore(const std::string& path);

}  // namespace citydata::storage
