// The metadata catalog: departments, datasets with business and technical metadata,
// search, ingest history and rejects.
//
// Technical metadata (schema, row counts, profiles) is written by the ingest service
// through RecordIngest(); business metadata (title, description, tags, update cycle,
// owner department) by people through Describe().
//
// Thread safety: safe to use from many threads.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/status.h"
#include "storage/engine.h"
#include "storage/meta_store.h"

namespace citydata::catalog {

// A change of business metadata; unset fields are left as they are.
struct DatasetPatch {
  std::optional<std::string> title;
  std::optional<std::string> description;
  std::optional<std::vector<std::string>> tags;
  std::optional<std::string> update_cycle;
  std::optional<std::string> dept_code;
};

struct DatasetPage {
  std::vector<storage::DatasetMeta> items;
  int64_t total = 0;
};

struct RejectPage {
  std::vector<storage::RejectRecord> items;
  int64_t total = 0;
};

class CatalogService {
 public:
  CatalogService(storage::MetaStore& meta, storage::Engine& engine) : meta_(meta), engine_(engine) {}

  // `code` is 1-32 characters [a-z0-9_-]; `name` non-empty, at most 200 bytes.
  Status AddDepartment(const std::string& code, const std::string& name);
  Result<std::vector<storage::Department>> Departments();
  // NotFound with a hint when the department does not exist.
  Status RequireDepartment(const std::string& code);

  // Limits are clamped to 1..1000.
  Result<DatasetPage> Search(storage::DatasetFilter filter);
  // NotFound when the dataset is not in the catalog.
  Result<storage::DatasetMeta> Get(const DatasetName& name);
  // The same without column profiles and sketches (MetaStore::GetDatasetSchema).
  Result<storage::DatasetMeta> GetSchema(const DatasetName& name);
  Result<storage::DatasetMeta> Describe(const DatasetName& name, const DatasetPatch& patch);

  Result<std::vector<storage::JobRecord>> Jobs(const DatasetName& name, int64_t limit);
  Result<storage::JobRecord> Job(const std::string& id);
  Result<RejectPage> Rejects(const DatasetName& name, int64_t limit, int64_t offset);

  // The dashboard's aggregates; ingests over the last 30 days.
  Result<storage::CatalogOverview> Overview();

  // Rebuilds the dataset's catalog entry from the engine: schema, counts and a fresh
  // profile from a full scan; business metadata is kept. Used when rows were published
  // without the ingest's own profile (a released quarantine, a crash after a commit).
  Status Reprofile(const DatasetName& name);

  // Sample rows in storage order, for the dataset page.
  Result<std::unique_ptr<storage::RowCursor>> Rows(const DatasetName& name, int64_t offset,
                                                   int64_t limit);

 private:
  storage::MetaStore& meta_;
  storage::Engine& engine_;
};

}  // namespace citydata::catalog
