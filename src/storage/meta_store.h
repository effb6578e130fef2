// The platform metadata store: departments, datasets and their columns and profiles,
// ingest jobs and rejected rows. (Users and tokens live in identity_store.h.)
//
// It is separate from the data engine: data may move to a ClickHouse cluster while
// metadata stays in SQLite (one server) or PostgreSQL (several servers). Records are
// plain structs; JSON-valued fields are stored as text and owned by the services
// that write them.
//
// Thread safety: safe to use from many threads.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/status.h"
#include "core/types.h"

namespace citydata::storage {

struct Department {
  std::string code;  // e.g. "gaj"
  std::string name;  // e.g. "市公安局"
  std::string created_at;
};

struct ColumnMeta {
  std::string name;
  ColumnType type = ColumnType::kText;
  std::string profile_json;  // catalog::ColumnProfile as JSON; "" before the first profile
  std::string sketch;        // serialized profiler state, to extend the profile on append
};

struct DatasetMeta {
  int64_t id = 0;
  DatasetName name;
  std::string title;
  std::string description;
  std::string dept_code;
  std::vector<std::string> tags;
  std::string update_cycle;  // e.g. "daily", "monthly", "实时"
  std::string created_at;
  std::string updated_at;
  int64_t row_count = 0;
  int64_t bytes = 0;
  int64_t version = 0;  // increases with every committed ingest
  std::vector<ColumnMeta> columns;
};

struct DatasetFilter {
  std::string search;  // substring of name, title, description, tags or column names
  std::optional<Zone> zone;
  std::string dept_code;
  int64_t limit = 50;
  int64_t offset = 0;
};

// An ingest is quarantined when a quality gate failed: its batch is held aside until a
// steward releases it (then it succeeds) or discards it.
enum class JobState { kRunning, kSucceeded, kFailed, kInterrupted, kQuarantined, kDiscarded };
// "running", "succeeded", "failed", "interrupted", "quarantined", "discarded"
std::string_view JobStateName(JobState s);

struct JobRecord {
  std::string id;
  std::string kind = "ingest";
  DatasetName dataset;
  JobState state = JobState::kRunning;
  std::string started_at;
  std::string finished_at;
  std::string error;         // for failed jobs
  std::string details_json;  // the job's full result, written by its service
};

struct RejectRecord {
  std::string job_id;
  int64_t line = 0;
  std::string reason;
  std::string raw;
};

// Aggregates for the overview dashboard.
struct GroupCount {
  std::string key;    // department code or zone
  std::string label;  // department name or zone name
  int64_t datasets = 0;
  int64_t rows = 0;
};
struct IngestDay {
  std::string day;  // YYYY-MM-DD (UTC)
  int64_t jobs = 0;
  int64_t rows_loaded = 0;
  int64_t rows_rejected = 0;
};
struct CatalogOverview {
  int64_t departments = 0;
  int64_t datasets = 0;
  int64_t rows = 0;
  int64_t jobs = 0;
  int64_t rejected_rows = 0;
  std::vector<GroupCount> by_dept;
  std::vector<GroupCount> by_zone;
  std::vector<IngestDay> ingests_by_day;  // oldest first
};

class MetaStore {
 public:
  virtual ~MetaStore() = default;

  // Departments
  virtual Status AddDepartment(const Department& dept) = 0;  // AlreadyExists on a taken code
  virtual Result<std::vector<Department>> ListDepartments() = 0;
  virtual Result<std::optional<Department>> GetDepartment(const std::string& code) = 0;

  // Datasets. PutDataset inserts or updates by name (id is assigned on insert and
  // returned); columns are replaced as a whole.
  virtual Result<int64_t> PutDataset(const DatasetMeta& meta) = 0;
  virtual Result<std::optional<DatasetMeta>> GetDataset(const DatasetName& name) = 0;
  // The same without column profiles and sketches: what reading the data needs (every
  // governed read asks for it).
  virtual Result<std::optional<DatasetMeta>> GetDatasetSchema(const DatasetName& name) = 0;
  // Matching datasets (without column profiles and sketches) and the total match count.
  virtual Result<std::pair<std::vector<DatasetMeta>, int64_t>> ListDatasets(
      const DatasetFilter& filter) = 0;

  // Totals, datasets and rows per department and zone, and ingest jobs per day over
  // the last `days` days.
  virtual Result<CatalogOverview> Overview(int days) = 0;

  // Jobs and rejects
  virtual Status PutJob(const JobRecord& job) = 0;
  virtual Result<std::optional<JobRecord>> GetJob(const std::string& id) = 0;
  virtual Result<std::vector<JobRecord>> ListJobs(const DatasetName& dataset, int64_t limit) = 0;
  // Marks jobs still "running" as interrupted (after a crash); returns them.
  virtual Result<std::vector<JobRecord>> InterruptRunningJobs() = 0;
  virtual Status AddRejects(const std::vector<RejectRecord>& rejects) = 0;
  // Rejects of the dataset's most recent jobs, newest job first, then by line; and the total.
  virtual Result<std::pair<std::vector<RejectRecord>, int64_t>> ListRejects(
      const DatasetName& dataset, int64_t limit, int64_t offset) = 0;

};

// Opens (creating and migrating) the SQLite metadata store at `path`.
Result<std::unique_ptr<MetaStore>> OpenSqliteMetaStore(const std::string& path);


}  // namespace citydata::storage
