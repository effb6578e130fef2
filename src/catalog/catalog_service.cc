#include "catalog/catalog_service.h"

#include <algorithm>

#include "catalog/catalog_json.h"
#include "catalog/profiler.h"
#include "core/json_util.h"

namespace citydata::catalog {
namespace {

int64_t Clamp(int64_t v, int64_t lo, int64_t hi) { return std::min(std::max(v, lo), hi); }

Status ValidateDeptCode(const std::string& code) {
  bool ok = !code.empty() && code.size() <= 32;
  for (char c : code) {
    ok = ok && ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-');
  }
  if (ok) return Status::Ok();
  return InvalidArgument("department code '" + code +
                         "' is not valid: use 1-32 lower-case letters, digits, '_' or '-' "
                         "(e.g. gaj for 公安局)");
}

}  // namespace

Status CatalogService::AddDepartment(const std::string& code, const std::string& name) {
  RETURN_IF_ERROR(ValidateDeptCode(code));
  if (name.empty() || name.size() > 200) {
    return InvalidArgument("a department needs a name of 1-200 bytes, e.g. 市公安局");
  }
  return meta_.AddDepartment({code, name, ""});
}

Result<std::vector<storage::Department>> CatalogService::Departments() {
  return meta_.ListDepartments();
}

Status CatalogService::RequireDepartment(const std::string& code) {
  ASSIGN_OR_RETURN(auto dept, meta_.GetDepartment(code));
  if (dept) return Status::Ok();
  return NotFound("department '" + code + "' does not exist; add it first with "
                  "`citydata depts add " + code + " <name>`");
}

Result<DatasetPage> CatalogService::Search(storage::DatasetFilter filter) {
  filter.limit = Clamp(filter.limit, 1, 1000);
  filter.offset = std::max<int64_t>(filter.offset, 0);
  ASSIGN_OR_RETURN(auto page, meta_.ListDatasets(filter));
  return DatasetPage{std::move(page.first), page.second};
}

Result<storage::DatasetMeta> CatalogService::Get(const DatasetName& name) {
  ASSIGN_OR_RETURN(auto meta, meta_.GetDataset(name));
  if (!meta) return NotFound("dataset " + name.ToString() + " does not exist");
  return std::move(*meta);
}

Result<storage::DatasetMeta> CatalogService::GetSchema(const DatasetName& name) {
  ASSIGN_OR_RETURN(auto meta, meta_.GetDatasetSchema(name));
  if (!meta) return NotFound("dataset " + name.ToString() + " does not exist");
  return std::move(*meta);
}

Result<storage::DatasetMeta> CatalogService::Describe(const DatasetName& name,
                                                      const DatasetPatch& patch) {
  ASSIGN_OR_RETURN(storage::DatasetMeta meta, Get(name));
  if (patch.dept_code && !patch.dept_code->empty()) RETURN_IF_ERROR(RequireDepartment(*patch.dept_code));
  if (patch.title) meta.title = *patch.title;
  if (patch.description) meta.description = *patch.description;
  if (patch.tags) meta.tags = *patch.tags;
  if (patch.update_cycle) meta.update_cycle = *patch.update_cycle;
  if (patch.dept_code) meta.dept_code = *patch.dept_code;
  RETURN_IF_ERROR(meta_.PutDataset(meta).status());
  return Get(name);
}

Result<std::vector<storage::JobRecord>> CatalogService::Jobs(const DatasetName& name,
                                                              int64_t limit) {
  return meta_.ListJobs(name, Clamp(limit, 1, 1000));
}

Result<storage::JobRecord> CatalogService::Job(const std::string& id) {
  ASSIGN_OR_RETURN(auto job, meta_.GetJob(id));
  if (!job) return NotFound("job '" + id + "' does not exist");
  return std::move(*job);
}

Result<RejectPage> CatalogService::Rejects(const DatasetName& name, int64_t limit,
                                           int64_t offset) {
  ASSIGN_OR_RETURN(auto page, meta_.ListRejects(name, Clamp(limit, 1, 10000),
                                                std::max<int64_t>(offset, 0)));
  return RejectPage{std::move(page.first), page.second};
}

Status CatalogService::Reprofile(const DatasetName& name) {
  ASSIGN_OR_RETURN(storage::DatasetMeta meta, Get(name));
  ASSIGN_OR_RETURN(auto schema, engine_.GetSchema(name));
  if (!schema) return NotFound("dataset " + name.ToString() + " has no data");
  std::vector<ColumnProfiler> profilers;
  for (const auto& col : *schema) profilers.emplace_back(col.name, col.type);
  ASSIGN_OR_RETURN(auto cursor, engine_.ScanPart(name, {}, 0, 1));
  std::vector<Value> row;
  while (true) {
    ASSIGN_OR_RETURN(bool more, cursor->Next(row));
    if (!more) break;
    // row[0] is the engine's row id.
    for (size_t i = 0; i < profilers.size(); ++i) profilers[i].Add(row[i + 1]);
  }
  meta.columns.clear();
  for (size_t i = 0; i < profilers.size(); ++i) {
    meta.columns.push_back({(*schema)[i].name, (*schema)[i].type,
                            DumpJson(ToJson(profilers[i].Finish())), profilers[i].Serialize()});
  }
  ASSIGN_OR_RETURN(storage::TableStats stats, engine_.Stats(name));
  meta.row_count = stats.row_count;
  meta.bytes = stats.bytes;
  meta.version += 1;
  return meta_.PutDataset(meta).status();
}

Result<storage::CatalogOverview> CatalogService::Overview() { return meta_.Overview(30); }

Result<std::unique_ptr<storage::RowCursor>> CatalogService::Rows(const DatasetName& name,
                                                                 int64_t offset, int64_t limit) {
  RETURN_IF_ERROR(Get(name).status());
  return engine_.Scan(name, std::max<int64_t>(offset, 0), Clamp(limit, 1, 10000));
}

}  // namespace citydata::catalog
